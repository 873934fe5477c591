import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "@/db/schema";
import { openTestDatabase } from "@/testing/database";
import { executedRows } from "@/db/rows";
import { StewardError } from "../errors";
import { userContext } from "@/testing/context";
import { jobsOverview, retryJob } from "./admin";
import { setProcessJobQueueForTests } from "./process-queue";
import { startJobQueue, type JobQueue } from "./queue";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
const admin = userContext("admin");
const viewer = userContext("viewer");

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  setProcessJobQueueForTests(undefined);
  await database?.close();
});

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("the job queue (pg-boss) on the test database", () => {
  it("retries a failing job, shows its error to admins, and an audited retry runs it again", async () => {
    let attempts = 0;
    let healthy = false;
    const queue: JobQueue = await startJobQueue({
      handle: database,
      connectionString: database.url,
      timings: { pollingIntervalSeconds: 0.5, cronMonitorIntervalSeconds: 1, cronWorkerIntervalSeconds: 1 },
      definitions: [
        {
          name: "findings-refresh",
          description: "a stand-in that fails until told otherwise",
          cron: "0 0 1 1 *",
          retryLimit: 1,
          retryDelaySeconds: 1,
          expireInSeconds: 60,
          runAtStart: true,
          run: async () => {
            attempts += 1;
            if (!healthy) throw new Error(`upstream refused (attempt ${attempts})`);
            return { ok: true };
          },
        },
      ],
    });
    setProcessJobQueueForTests(queue);
    try {
      // First attempt fails → state "retry" with the error; the second fails too → "failed".
      const failed = await until("the job to fail after its retry", async () => {
        const overview = await jobsOverview({ ctx: admin, filters: { state: "failed" } });
        return overview.jobs.find((job) => job.name === "findings-refresh");
      });
      expect(attempts).toBe(2);
      expect(failed.retryCount).toBe(1);
      expect(failed.error).toBe("upstream refused (attempt 2)");
      const overview = await jobsOverview({ ctx: admin, filters: {} });
      expect(overview.installed).toBe(true);
      expect(overview.queues.find((summary) => summary.name === "findings-refresh")?.counts.failed).toBe(1);

      await expect(jobsOverview({ ctx: viewer, filters: {} })).rejects.toMatchObject({ code: "forbidden" });
      await expect(retryJob({ ctx: viewer, input: { name: "findings-refresh", id: failed.id } })).rejects.toMatchObject({ code: "forbidden" });

      healthy = true;
      await expect(retryJob({ ctx: admin, input: { name: "findings-refresh", id: failed.id } })).resolves.toEqual({ retried: true });
      // A second retry of the same job finds no failed job: it is queued or done.
      await expect(retryJob({ ctx: admin, input: { name: "findings-refresh", id: failed.id } })).rejects.toBeInstanceOf(StewardError);
      const completed = await until("the retried job to complete", async () => {
        const { jobs } = await jobsOverview({ ctx: admin, filters: { state: "completed" } });
        return jobs.find((job) => job.id === failed.id);
      });
      expect(completed.error).toBeNull();
      expect(attempts).toBe(3);
      const audits = await database.db.select().from(auditLog).where(sql`${auditLog.action} = 'job.retry'`);
      expect(audits.map((entry) => [entry.entityId, entry.actorId])).toEqual([[failed.id, admin.actor.type === "user" ? admin.actor.userId : null]]);
    } finally {
      setProcessJobQueueForTests(undefined);
      await queue.stop();
    }
  }, 60_000);
});

describe.runIf(process.env.STEWARD_TEST_DB === "postgres")("two processes on one PostgreSQL database", () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    }
  });

  it("run a scheduled job once per tick, not once per process", async () => {
    const script = path.join(import.meta.dirname, "..", "..", "testing", "jobs-queue-process.ts");
    const startedAt = Date.now();
    for (let i = 0; i < 2; i++) {
      const child = spawn(process.execPath, ["--import", "tsx", script, database.url!], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
      children.push(child);
    }
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
            child.once("exit", (code) => reject(new Error(`queue process exited early (${code})`)));
          }),
      ),
    );
    const runs = () => database.db.execute(sql`select pid, at from job_queue_test_runs order by at`).then((result) => executedRows<{ pid: number; at: Date | string }>(result));
    await until("the first scheduled run", async () => ((await runs()).length > 0 ? true : undefined));
    // Both processes check the schedule every second; give them several more chances to run it twice.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const recorded = await runs();
    const minutes = (millis: number) => Math.floor(millis / 60_000);
    const minutesSpanned = minutes(Date.now()) - minutes(startedAt) + 1;
    // One run per minute slot the test touched at most (a slot boundary may fall inside it), never two in a slot.
    const slots = recorded.map((run) => minutes(new Date(run.at).getTime()));
    expect(new Set(slots).size).toBe(recorded.length);
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    expect(recorded.length).toBeLessThanOrEqual(minutesSpanned);
    // And both processes really were workers on that database (each registered the schedule).
    const [schedules] = executedRows<{ n: string }>(await database.db.execute(sql`select count(*) as n from steward_jobs.schedule where name = 'test-every-minute'`));
    expect(Number(schedules?.n)).toBe(1);
  }, 90_000);
});
