import { and, asc, gt, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { revocationEvents } from "../schema";

/** Queries of the revocation feed (lib/identity/revocation.ts appends, revocation-feed.ts reads). */
export type RevocationEventRow = typeof revocationEvents.$inferSelect;
export type RevocationEntry = { kind: "token" | "task" | "agent"; ref: string; expiresAt: Date };

/**
 * Appends entries under the feed's advisory lock (so sequence numbers become visible in order),
 * drops entries an hour past their lifetime, and notifies `channel` at commit.
 */
export async function appendRevocationEvents(tx: Executor, entries: RevocationEntry[], lockKey: number, channel: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${lockKey})`);
  await tx.insert(revocationEvents).values(entries);
  // Entries long past their lifetime are of no use to anyone; the cursor is unaffected.
  await tx.delete(revocationEvents).where(sql`${revocationEvents.expiresAt} < now() - interval '1 hour'`);
  await tx.execute(sql`select pg_notify(${channel}, '')`);
}

/** Entries still within their lifetime at `now`, after sequence `after` (all when null), in sequence order. */
export function readRevocationEvents(db: Executor, after: number | null, now: Date): Promise<RevocationEventRow[]> {
  return db
    .select()
    .from(revocationEvents)
    .where(and(gt(revocationEvents.expiresAt, now), after === null ? undefined : gt(revocationEvents.seq, after)))
    .orderBy(asc(revocationEvents.seq));
}

/** The newest sequence number of all, expired entries included (0 when empty). */
export async function latestRevocationSeq(db: Executor): Promise<number> {
  const [last] = await db.select({ seq: sql<number>`coalesce(max(${revocationEvents.seq}), 0)` }).from(revocationEvents);
  return Number(last?.seq ?? 0);
}
