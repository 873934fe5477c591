import { getDatabase } from "@/db/client";
import { deleteDecisionKeysBefore, dropDecisionPartitionsBefore, ensureDecisionPartitions } from "@/db/ingest";
import { getSettings } from "../settings/settings";

const DAY_MS = 86_400_000;
const day = (millis: number) => new Date(millis).toISOString().slice(0, 10);

/** How long one run deletes past-retention idempotency keys; the rest waits for the next hourly run (the job expires at 15 min). */
const KEY_DELETE_BUDGET_MS = 10 * 60_000;

/**
 * Makes the next week's day partitions, drops those wholly past retention, and deletes their
 * decisions' idempotency keys in bounded batches (db/ingest deleteDecisionKeysBefore). Runs once when a
 * process first ingests or streams (so today's partitions exist before its first insert), and hourly
 * as the job queue's `decision-partitions` job (lib/jobs/definitions.ts); the SQL functions are
 * idempotent, so a run beside another is harmless.
 */
export async function maintainDecisionPartitions(now = Date.now()): Promise<{ dropped: number; keysDeleted: number; keysDone: boolean }> {
  const handle = await getDatabase();
  const { decisionRetentionDays } = await getSettings(handle.db);
  await ensureDecisionPartitions(handle, day(now - DAY_MS), day(now + 7 * DAY_MS));
  const cutoff = day(now - decisionRetentionDays * DAY_MS);
  const dropped = await dropDecisionPartitionsBefore(handle, cutoff);
  const keys = await deleteDecisionKeysBefore(handle, cutoff, { budgetMs: KEY_DELETE_BUDGET_MS });
  return { dropped, keysDeleted: keys.deleted, keysDone: keys.done };
}

const holder = globalThis as typeof globalThis & { __stewardPartitionsEnsured?: boolean };

/** Once per process, at its first ingest or stream; the hourly upkeep is the job queue's. */
export function scheduleDecisionMaintenance(): void {
  if (holder.__stewardPartitionsEnsured) return;
  holder.__stewardPartitionsEnsured = true;
  maintainDecisionPartitions().catch((error) => console.error("decision partition maintenance failed", error));
}
