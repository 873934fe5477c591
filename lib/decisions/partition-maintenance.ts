import { getDatabase } from "@/db/client";
import { dropDecisionPartitionsBefore, ensureDecisionPartitions } from "@/db/ingest";
import { getSettings } from "../settings/settings";

const DAY_MS = 86_400_000;
const EVERY_MS = 60 * 60 * 1000;
const day = (millis: number) => new Date(millis).toISOString().slice(0, 10);

/**
 * Makes the next week's day partitions and drops those wholly past retention. Runs once when a
 * process first ingests or streams, then hourly; the SQL functions are idempotent, so several
 * processes doing it at once is harmless.
 */
export async function maintainDecisionPartitions(now = Date.now()): Promise<{ dropped: number }> {
  const handle = await getDatabase();
  const { decisionRetentionDays } = await getSettings(handle.db);
  await ensureDecisionPartitions(handle, day(now - DAY_MS), day(now + 7 * DAY_MS));
  return { dropped: await dropDecisionPartitionsBefore(handle, day(now - decisionRetentionDays * DAY_MS)) };
}

const holder = globalThis as typeof globalThis & { __stewardPartitionTimer?: NodeJS.Timeout };

export function scheduleDecisionMaintenance(): void {
  if (holder.__stewardPartitionTimer) return;
  const run = () => maintainDecisionPartitions().catch((error) => console.error("decision partition maintenance failed", error));
  holder.__stewardPartitionTimer = setInterval(run, EVERY_MS);
  holder.__stewardPartitionTimer.unref();
  void run();
}
