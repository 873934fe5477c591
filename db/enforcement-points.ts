import { withBuiltInEnforcementPoints } from "./entity-names";
import { and, asc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { StewardError } from "@/lib/errors";
import type { Executor } from "./client";
import { orderFor } from "./order";
import { executedRows } from "./rows";
import { enforcementPointTokens, enforcementPoints } from "./schema";

export type EnforcementPointRow = typeof enforcementPoints.$inferSelect;
export type EnforcementPointTokenRow = typeof enforcementPointTokens.$inferSelect;

const liveToken = and(isNull(enforcementPointTokens.revokedAt), or(isNull(enforcementPointTokens.expiresAt), gt(enforcementPointTokens.expiresAt, sql`now()`)));

export async function getEnforcementPointById(db: Executor, id: string): Promise<EnforcementPointRow | undefined> {
  const [row] = await db.select().from(enforcementPoints).where(eq(enforcementPoints.id, id)).limit(1);
  return row;
}

export async function getEnforcementPointOrThrow(db: Executor, id: string): Promise<EnforcementPointRow> {
  const row = await getEnforcementPointById(db, id);
  if (!row) throw new StewardError("not_found", `Enforcement point ${id} does not exist`);
  return row;
}

export async function getEnforcementPointByName(db: Executor, name: string): Promise<EnforcementPointRow | undefined> {
  const [row] = await db.select().from(enforcementPoints).where(eq(enforcementPoints.name, name)).limit(1);
  return row;
}

/** The enforcement points' list orders (a short table, read whole): `name`, `kind`, `status` (enabled first), `lastSeen`. */
const EP_ORDER_COLUMNS = {
  name: sql`lower(${enforcementPoints.name})`, kind: enforcementPoints.kind, status: sql`(not ${enforcementPoints.enabled})`, // Never seen sorts as the oldest.
  lastSeen: sql`coalesce(${enforcementPoints.lastSeenAt}, '-infinity'::timestamptz)`,
};
export type EnforcementPointSort = keyof typeof EP_ORDER_COLUMNS | `-${keyof typeof EP_ORDER_COLUMNS}`;

export async function listEnforcementPointRows(db: Executor, sort: EnforcementPointSort = "name"): Promise<EnforcementPointRow[]> {
  return db.select().from(enforcementPoints).orderBy(...orderFor(sort, EP_ORDER_COLUMNS, enforcementPoints.id));
}

export async function listLiveTokens(db: Executor, enforcementPointIds: string[]): Promise<EnforcementPointTokenRow[]> {
  if (!enforcementPointIds.length) return [];
  return db
    .select()
    .from(enforcementPointTokens)
    .where(and(sql`${enforcementPointTokens.enforcementPointId} in ${enforcementPointIds}`, liveToken))
    .orderBy(asc(enforcementPointTokens.createdAt));
}

/** The EP owning a live (unrevoked, unexpired) token with this hash, and when that token expires (null: never), or nothing. */
export async function findEnforcementPointByLiveTokenHash(db: Executor, tokenHash: string): Promise<{ ep: EnforcementPointRow; tokenExpiresAt: Date | null } | undefined> {
  const [row] = await db
    .select({ ep: enforcementPoints, tokenExpiresAt: enforcementPointTokens.expiresAt })
    .from(enforcementPointTokens)
    .innerJoin(enforcementPoints, eq(enforcementPoints.id, enforcementPointTokens.enforcementPointId))
    .where(and(eq(enforcementPointTokens.tokenHash, tokenHash), liveToken))
    .limit(1);
  return row;
}

/** Decisions per EP over the last hour and day (one scan of the last day's partitions). */
export async function countRecentDecisionsByEnforcementPoint(db: Executor): Promise<Map<string, { lastHour: number; lastDay: number }>> {
  const rows = await db.execute(sql`
    select enforcement_point_id as ep,
           count(*) filter (where time > now() - interval '1 hour') as last_hour,
           count(*) as last_day
    from decisions where time > now() - interval '1 day' group by enforcement_point_id`);
  return new Map(executedRows<{ ep: string; last_hour: string | number; last_day: string | number }>(rows).map((row) => [row.ep, { lastHour: Number(row.last_hour), lastDay: Number(row.last_day) }]));
}

/** Ingest bookkeeping, written after the batch commits (never holds a lock during ingest). */
export async function markEnforcementPointSeen(db: Executor, id: string, policyRevision: string | null): Promise<void> {
  await db
    .update(enforcementPoints)
    .set({ lastSeenAt: sql`now()`, ...(policyRevision ? { reportedPolicyRevision: policyRevision } : {}) })
    .where(and(eq(enforcementPoints.id, id), or(isNull(enforcementPoints.lastSeenAt), sql`${enforcementPoints.lastSeenAt} < now() - interval '2 seconds'`, policyRevision ? sql`${enforcementPoints.reportedPolicyRevision} is distinct from ${policyRevision}` : sql`false`)));
}

export async function markEnforcementPointRejected(db: Executor, id: string, reason: string): Promise<void> {
  await db.update(enforcementPoints).set({ lastRejectedAt: sql`now()`, lastRejectedReason: reason.slice(0, 500), lastSeenAt: sql`now()` }).where(eq(enforcementPoints.id, id));
}

/** Counts OTLP log records that described no decision (skipped, not stored). */
export async function countSkippedRecords(db: Executor, id: string, count: number): Promise<void> {
  if (count > 0) await db.update(enforcementPoints).set({ skippedRecords: sql`${enforcementPoints.skippedRecords} + ${count}` }).where(eq(enforcementPoints.id, id));
}

export async function insertEnforcementPoint(db: Executor, row: typeof enforcementPoints.$inferInsert): Promise<EnforcementPointRow> {
  const [inserted] = await db.insert(enforcementPoints).values(row).returning();
  return inserted!;
}

/** Sets the given columns and `updatedAt`; returns the row after. */
export async function updateEnforcementPointRow(db: Executor, id: string, patch: Partial<Pick<typeof enforcementPoints.$inferInsert, "enabled" | "opaMapping" | "audiences">>): Promise<EnforcementPointRow> {
  const [row] = await db.update(enforcementPoints).set({ ...patch, updatedAt: new Date() }).where(eq(enforcementPoints.id, id)).returning();
  return row!;
}

/** Issues a token row (its hash and prefix only; the plaintext is never stored), created at the transaction's now(). */
export async function insertEnforcementPointToken(db: Executor, row: { id: string; enforcementPointId: string; prefix: string; tokenHash: string }): Promise<EnforcementPointTokenRow> {
  const [inserted] = await db.insert(enforcementPointTokens).values({ ...row, createdAt: sql`now()` }).returning();
  return inserted!;
}

/** Revokes every not-yet-revoked token of one EP at once. */
export async function revokeEnforcementPointTokenRows(db: Executor, enforcementPointId: string): Promise<void> {
  await db.update(enforcementPointTokens).set({ revokedAt: new Date() }).where(and(eq(enforcementPointTokens.enforcementPointId, enforcementPointId), isNull(enforcementPointTokens.revokedAt)));
}

/** Every live token of the EP expires at `expiresAt` at the latest (never extends one that expires sooner). */
export async function capEnforcementPointTokenExpiry(db: Executor, enforcementPointId: string, expiresAt: Date): Promise<void> {
  await db
    .update(enforcementPointTokens)
    .set({ expiresAt })
    .where(and(eq(enforcementPointTokens.enforcementPointId, enforcementPointId), isNull(enforcementPointTokens.revokedAt), or(isNull(enforcementPointTokens.expiresAt), gt(enforcementPointTokens.expiresAt, expiresAt))));
}

/** Id and name of the named enforcement points that exist. */
export async function enforcementPointNames(db: Executor, ids: string[]): Promise<{ id: string; name: string }[]> {
  if (!ids.length) return [];
  const rows = await db.select({ id: enforcementPoints.id, name: enforcementPoints.name }).from(enforcementPoints).where(inArray(enforcementPoints.id, ids));
  const names = withBuiltInEnforcementPoints(new Map(rows.map((row) => [row.id, row.name])), ids);
  return [...names].map(([id, name]) => ({ id, name }));
}
