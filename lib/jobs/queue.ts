import PgBoss from "pg-boss";
import type { DatabaseHandle } from "@/db/client";
import { bringQueuedJobForward, JOB_QUEUE_SCHEMA, pgliteJobQueueDb } from "@/db/jobs";

/**
 * One kind of background work, run by the PostgreSQL job queue (pg-boss) wherever a console runs:
 * its schedule fires once per tick across every process on the database, and a run goes to one
 * worker. Shapes: `cron` is a five-field cron expression evaluated in UTC (pg-boss fires at most once
 * a minute); `retryLimit` further attempts after a failure, `retryDelaySeconds` apart;
 * `expireInSeconds` how long a run may take before pg-boss fails it (and retries it).
 */
export type JobDefinition = {
  name: string;
  description: string;
  cron: string;
  retryLimit: number;
  retryDelaySeconds: number;
  expireInSeconds: number;
  /** Also queue one run when a process starts (a singleton, so a fleet starting together queues one). */
  runAtStart?: boolean;
  /**
   * For work due more often than cron's one minute: after each successful run, queue the next one
   * this many seconds later (a singleton, so the fleet keeps one chain; the cron restarts a broken one).
   */
  repeatEverySeconds?: number;
  /**
   * A drain of work that other code creates (deliveries, requests due): `run` does what is due now and
   * answers `{ more }`. With more left (its time budget ran out) the next run is queued at once and this
   * process's worker fetches it without waiting for its poll; with nothing left the next run is queued
   * `idleRepeatSeconds` later, the backstop for work that falls due by time (an expiry, a backoff ending)
   * or whose wake was lost. Code that commits new work calls `wakeJob` (lib/jobs/wake.ts) to run it now.
   */
  drain?: { idleRepeatSeconds: number; pollingIntervalSeconds: number };
  run: () => Promise<unknown>;
};

/** What a drain's `run` answers: whether work was left for the next run (see JobDefinition.drain). */
export type DrainOutcome = { more: boolean };

/** How often pg-boss looks for work; the defaults suit a console, tests shorten them. */
export type QueueTimings = {
  /** How often a worker polls its queue, in seconds (pg-boss minimum 0.5). */
  pollingIntervalSeconds: number;
  /** How often a process checks whether a schedule is due, in seconds (one process wins each tick). */
  cronMonitorIntervalSeconds: number;
  /** How often the scheduler's own queue is polled, in seconds. */
  cronWorkerIntervalSeconds: number;
};

export const DEFAULT_TIMINGS: QueueTimings = { pollingIntervalSeconds: 2, cronMonitorIntervalSeconds: 30, cronWorkerIntervalSeconds: 5 };

export type JobQueue = {
  boss: PgBoss;
  definitions: readonly JobDefinition[];
  /** Queues one run of `name` now; `null` when one is already waiting (its singleton key). */
  runNow(name: string): Promise<string | null>;
  /**
   * Makes a run of `name` due now: queues one, or — when one is already waiting (a drain's backstop run
   * queued for later) — moves that one's start to now; and tells this process's worker to fetch at once
   * instead of at its next poll. Another process's worker picks it up within its polling interval.
   */
  wake(name: string): Promise<void>;
  /** Puts a failed job back in the queue; whether it was a failed job of that queue. */
  retry(name: string, id: string): Promise<boolean>;
  stop(): Promise<void>;
};

/**
 * Starts pg-boss on the handle's database and registers every definition: its queue ("stately":
 * at most one waiting and one running, so duplicate sends from several processes collapse), its
 * worker and its schedule. On PostgreSQL pg-boss opens its own small pool on `connectionString`; on
 * PGlite it runs over the process's one embedded connection (PGlite is single-process, so there
 * the queue is this process's alone — the same definitions, schedules and retries).
 *
 * Errors: rejects if the database cannot be reached or pg-boss cannot install its schema.
 */
export async function startJobQueue(options: {
  handle: DatabaseHandle;
  connectionString: string | undefined;
  definitions: readonly JobDefinition[];
  timings?: Partial<QueueTimings>;
  onError?: (error: Error) => void;
}): Promise<JobQueue> {
  const timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const connection =
    options.handle.kind === "pglite" ? { db: pgliteJobQueueDb(options.handle.pglite!) as PgBoss.Db } : { connectionString: options.connectionString, max: 4, application_name: "steward-jobs" };
  if (options.handle.kind === "postgres" && !options.connectionString) throw new Error("the job queue needs the PostgreSQL connection string");
  const boss = new PgBoss({
    ...connection,
    schema: JOB_QUEUE_SCHEMA,
    cronMonitorIntervalSeconds: timings.cronMonitorIntervalSeconds,
    cronWorkerIntervalSeconds: timings.cronWorkerIntervalSeconds,
    // A failed run stays in the live table (and on the jobs page) for a week; completed ones for pg-boss's 12 hours.
    archiveFailedAfterSeconds: 7 * 86_400,
    // How often one process fails runs past their expiry (a run whose process died), so they are retried
    // elsewhere: a drain's run holds its queue's one active slot until then (pg-boss's default is 120 s).
    maintenanceIntervalSeconds: 30,
  });
  boss.on("error", options.onError ?? ((error: Error) => console.error(`job queue: ${error.message}`)));
  await boss.start();
  const byName = new Map(options.definitions.map((definition) => [definition.name, definition]));
  const workerIds = new Map<string, string>();
  const wake = async (name: string) => {
    if (!byName.has(name)) throw new Error(`no job named ${name}`);
    const queued = await boss.send(name, {}, { singletonKey: name });
    // A stately queue holds one waiting run per key: a backstop queued for later blocks a new send, so start it now.
    if (queued === null) await bringQueuedJobForward(options.handle.db, name, name);
    const worker = workerIds.get(name);
    if (worker) boss.notifyWorker(worker);
  };
  for (const definition of options.definitions) {
    const queue = { name: definition.name, policy: "stately" as const, retryLimit: definition.retryLimit, retryDelay: definition.retryDelaySeconds, expireInSeconds: definition.expireInSeconds };
    // createQueue leaves an existing queue as it is; updateQueue applies a changed definition. Consoles
    // starting together create the same queues at once, and pg-boss's queue DDL can deadlock between them.
    await retryOnConflict(() => boss.createQueue(definition.name, queue));
    await retryOnConflict(() => boss.updateQueue(definition.name, queue));
    const pollingIntervalSeconds = definition.drain?.pollingIntervalSeconds ?? timings.pollingIntervalSeconds;
    const workerId = await boss.work(definition.name, { pollingIntervalSeconds, batchSize: 1 }, async () => {
      const output = await definition.run();
      if (definition.drain) {
        if ((output as DrainOutcome | undefined)?.more) await wake(definition.name);
        // A number of seconds is added to the database's now() (pg-boss casts it to an interval), so no clock skew.
        else await boss.send(definition.name, {}, { singletonKey: definition.name, startAfter: definition.drain.idleRepeatSeconds });
      } else if (definition.repeatEverySeconds) await boss.send(definition.name, {}, { singletonKey: definition.name, startAfter: definition.repeatEverySeconds });
      return output;
    });
    workerIds.set(definition.name, workerId);
    await boss.schedule(definition.name, definition.cron, {}, { tz: "UTC", singletonKey: definition.name });
  }
  const runNow = (name: string) => {
    if (!byName.has(name)) throw new Error(`no job named ${name}`);
    return boss.send(name, {}, { singletonKey: name });
  };
  for (const definition of options.definitions) if (definition.runAtStart) await runNow(definition.name);
  return {
    boss,
    definitions: options.definitions,
    runNow,
    wake,
    retry: async (name, id) => {
      if (!byName.has(name)) return false;
      // pg-boss 10 answers { affected } although its types say void.
      const result = (await boss.retry(name, id)) as unknown as { affected: number } | undefined;
      return result?.affected === 1;
    },
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }),
  };
}

/**
 * Runs `step` again (up to 5 attempts, 50–250 ms apart, jittered) when PostgreSQL aborted it for a
 * deadlock (40P01) or a concurrent insert of the same row (23505): what two processes creating the
 * same queue at the same moment meet. Any other error, or the last attempt's, is thrown.
 */
async function retryOnConflict<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 5 || (code !== "40P01" && code !== "23505")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 50));
    }
  }
}
