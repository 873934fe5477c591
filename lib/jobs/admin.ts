import { z } from "zod";
import { getDb } from "@/db/client";
import { countQueueJobs, jobQueueInstalled, lastCompletedRuns, listQueueJobs, type JobRow, type JobState } from "@/db/jobs";
import { recordAudit } from "../audit/record-audit";
import type { Actor } from "../auth/actor";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { JOB_DEFINITIONS } from "./definitions";
import { processJobQueue } from "./process-queue";

export const JOB_STATES = ["created", "retry", "active", "completed", "cancelled", "failed"] as const satisfies readonly JobState[];

/** The jobs page's query: `state` narrows the list to one state. */
export const JobsFilters = z.object({ state: z.enum(JOB_STATES).optional().catch(undefined) });

export type QueueSummary = {
  name: string;
  description: string;
  cron: string;
  /** When it runs, in words: the cron for scheduled jobs; for drains, woken by new work and repeated when idle. */
  schedule: string;
  retryLimit: number;
  counts: Partial<Record<JobState, number>>;
  /** When its newest completed run finished (still in the live table), if any. */
  lastCompletedOn: Date | null;
};

export type JobsOverview = {
  /** False until the queue has started once on this database (pg-boss creates its schema then). */
  installed: boolean;
  /** Whether this process runs the queue now. */
  runningHere: boolean;
  queues: QueueSummary[];
  jobs: (JobRow & { error: string | null })[];
};

/** The message a failed run left: pg-boss stores the thrown error (serialised) as the job's output. */
export function jobError(job: Pick<JobRow, "state" | "output">): string | null {
  if (job.state !== "failed" && job.state !== "retry") return null;
  const output = job.output as { message?: unknown; value?: unknown } | null;
  if (output && typeof output.message === "string") return output.message;
  if (output && output.value !== undefined) return String(output.value);
  return output === null ? null : JSON.stringify(output);
}

/** Queues with their schedules and counts per state, and the newest 100 jobs (optionally of one state). */
export async function jobsOverview({ ctx, filters }: { ctx: Ctx & { actor: Actor }; filters: z.infer<typeof JobsFilters> }): Promise<JobsOverview> {
  requirePermission(ctx.actor, "jobs.manage");
  const db = await getDb();
  const runningHere = (await processJobQueue()) !== undefined;
  if (!(await jobQueueInstalled(db))) return { installed: false, runningHere, queues: summaries([], []), jobs: [] };
  // A drain completes a run every second or so: its completed runs would push every other job off the list,
  // so the list leaves them out and the schedules table shows when each last completed.
  const drains = JOB_DEFINITIONS.filter((definition) => definition.drain).map((definition) => definition.name);
  const [counts, lastCompleted, jobs] = await Promise.all([
    countQueueJobs(db),
    lastCompletedRuns(db),
    listQueueJobs(db, { states: filters.state ? [filters.state] : undefined, limit: 100, hideCompletedOf: drains }),
  ]);
  return { installed: true, runningHere, queues: summaries(counts, lastCompleted), jobs: jobs.map((job) => ({ ...job, error: jobError(job) })) };
}

function summaries(counts: { name: string; state: JobState; count: number }[], lastCompleted: { name: string; completedOn: Date }[]): QueueSummary[] {
  return JOB_DEFINITIONS.map((definition) => ({
    name: definition.name,
    description: definition.description,
    cron: definition.cron,
    schedule: definition.drain
      ? `When new work commits, and ${definition.drain.idleRepeatSeconds} s after an idle run (cron ${definition.cron} restarts it)`
      : definition.repeatEverySeconds
        ? `${definition.cron}, and ${definition.repeatEverySeconds} s after each run`
        : definition.cron,
    retryLimit: definition.retryLimit,
    counts: Object.fromEntries(counts.filter((row) => row.name === definition.name).map((row) => [row.state, row.count])),
    lastCompletedOn: lastCompleted.find((row) => row.name === definition.name)?.completedOn ?? null,
  }));
}

export const RetryJobInput = z.object({ name: z.string().min(1).max(100), id: z.uuid() });

/**
 * Puts a failed job back in its queue (pg-boss allows it one more attempt) and audits `job.retry`.
 * Errors: unavailable when this process is not running the queue; not_found when the job is not a
 * failed job of that queue (already retried, or gone).
 */
export async function retryJob({ ctx, input }: { ctx: Ctx & { actor: Actor }; input: z.infer<typeof RetryJobInput> }): Promise<{ retried: true }> {
  requirePermission(ctx.actor, "jobs.manage");
  const queue = await processJobQueue();
  if (!queue) throw new StewardError("unavailable", "The job queue is not running in this console yet; try again shortly");
  if (!(await queue.retry(input.name, input.id))) throw new StewardError("not_found", `No failed ${input.name} job ${input.id} to retry (it may have been retried already)`);
  await withTransaction(ctx, (tx) => recordAudit(tx, ctx, { action: "job.retry", entityType: "job", entityId: input.id, after: { queue: input.name } }));
  return { retried: true };
}
