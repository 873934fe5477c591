import { sql } from "drizzle-orm";
import type { PGlite } from "@electric-sql/pglite";
import type { DatabaseHandle, Executor } from "./client";
import { queryRows } from "./rows";

/**
 * The job queue's tables live in their own schema, created and migrated by pg-boss itself at start
 * (it takes its own advisory lock for that), not by drizzle: they are the library's, not ours.
 */
export const JOB_QUEUE_SCHEMA = "steward_jobs";

/** What pg-boss needs of a database when it does not open its own pool: run one statement or a script. */
export type JobQueueDb = { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };

/**
 * pg-boss over the embedded PGlite: parameterised statements through `query`, and its parameterless
 * multi-statement scripts (schema creation, migrations) through `exec`, answering with the last
 * statement's rows as node-postgres would for a single statement. PGlite serialises every call on
 * its one connection, so pg-boss's scripts (each wrapped in BEGIN … COMMIT) stay atomic.
 */
export function pgliteJobQueueDb(pglite: PGlite): JobQueueDb {
  return {
    async executeSql(text, values) {
      if (values && values.length > 0) return pglite.query(text, values);
      const results = await pglite.exec(text);
      return results.at(-1) ?? { rows: [] };
    },
  };
}

/** pg-boss's job states (its `job_state` enum). */
export type JobState = "created" | "retry" | "active" | "completed" | "cancelled" | "failed";

/** One job as the jobs page shows it; `output` is the handler's result, or the error it threw. */
export type JobRow = {
  id: string;
  name: string;
  state: JobState;
  retryCount: number;
  retryLimit: number;
  singletonKey: string | null;
  createdOn: Date;
  startAfter: Date;
  startedOn: Date | null;
  completedOn: Date | null;
  output: unknown;
};

const toDate = (value: unknown) => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)));

/**
 * The newest jobs (at most `limit`), optionally only those in `states`, newest first — from the live
 * table; jobs pg-boss has archived (completed ones after its archive interval) are not listed.
 */
export async function listQueueJobs(db: Executor, options: { states?: readonly JobState[]; limit: number; hideCompletedOf?: readonly string[] }): Promise<JobRow[]> {
  const states = options.states && options.states.length > 0 ? options.states : undefined;
  const hidden = options.hideCompletedOf && options.hideCompletedOf.length > 0 ? options.hideCompletedOf : undefined;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select id::text as id, name, state::text as state, retry_count, retry_limit, singleton_key, created_on, start_after, started_on, completed_on, output
        from ${sql.raw(JOB_QUEUE_SCHEMA)}.job
        where name not like '\_\_pgboss\_\_%'
        ${states ? sql`and state::text in (${sql.join(states.map((state) => sql`${state}`), sql`, `)})` : sql``}
        ${hidden ? sql`and not (state = 'completed' and name in (${sql.join(hidden.map((name) => sql`${name}`), sql`, `)}))` : sql``}
        order by created_on desc, id limit ${options.limit}`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    state: row.state as JobState,
    retryCount: Number(row.retry_count),
    retryLimit: Number(row.retry_limit),
    singletonKey: (row.singleton_key as string | null) ?? null,
    createdOn: toDate(row.created_on)!,
    startAfter: toDate(row.start_after)!,
    startedOn: toDate(row.started_on),
    completedOn: toDate(row.completed_on),
    output: typeof row.output === "string" ? safeJson(row.output) : (row.output ?? null),
  }));
}

/** How many jobs each queue has in each state (live table), for the page's summary. */
export async function countQueueJobs(db: Executor): Promise<{ name: string; state: JobState; count: number }[]> {
  const rows = await queryRows<{ name: string; state: string; count: string | number }>(
    db,
    sql`select name, state::text as state, count(*) as count from ${sql.raw(JOB_QUEUE_SCHEMA)}.job where name not like '\_\_pgboss\_\_%' group by name, state`,
  );
  return rows.map((row) => ({ name: row.name, state: row.state as JobState, count: Number(row.count) }));
}

/**
 * Makes a waiting run of `name` (one queued for later, or waiting out a retry delay) due now; the
 * number of runs moved (0 or 1 on a stately queue). A wake uses it when its send collapsed into
 * the waiting run.
 */
export async function bringQueuedJobForward(db: Executor, name: string, singletonKey: string): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update ${sql.raw(JOB_QUEUE_SCHEMA)}.job set start_after = now()
        where name = ${name} and singleton_key = ${singletonKey} and state in ('created', 'retry') and start_after > now()
        returning id::text as id`,
  );
  return rows.length;
}

/** When each queue's newest completed run finished (live table), for queues whose completed runs the list leaves out. */
export async function lastCompletedRuns(db: Executor): Promise<{ name: string; completedOn: Date }[]> {
  const rows = await queryRows<{ name: string; completed_on: unknown }>(
    db,
    sql`select name, max(completed_on) as completed_on from ${sql.raw(JOB_QUEUE_SCHEMA)}.job where state = 'completed' and name not like '\_\_pgboss\_\_%' group by name`,
  );
  return rows.map((row) => ({ name: row.name, completedOn: toDate(row.completed_on)! }));
}

/** Whether pg-boss has created its schema in this database yet (it does at the queue's first start). */
export async function jobQueueInstalled(db: Executor): Promise<boolean> {
  const [row] = await queryRows<{ present: boolean }>(db, sql`select to_regclass(${`${JOB_QUEUE_SCHEMA}.job`}) is not null as present`);
  return row?.present === true;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The handle's PGlite, when pg-boss must run over it rather than open its own pool. */
export function embeddedDatabase(handle: DatabaseHandle): PGlite | undefined {
  return handle.kind === "pglite" ? handle.pglite : undefined;
}
