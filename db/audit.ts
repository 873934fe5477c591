import { and, asc, desc, eq, gt, gte, ilike, lt, lte, or, type SQL } from "drizzle-orm";
import type { Executor } from "./client";
import { containsPattern, prefixPattern } from "./like";
import { auditLog } from "./schema";

export type AuditRow = typeof auditLog.$inferSelect;
export type AuditInsert = typeof auditLog.$inferInsert;

/** The audit list's filters: `action` a prefix, `actor` a substring of the label, `entity` an id or a type; `before` a chain sequence (keyset). */
export type AuditQuery = { action?: string; actor?: string; entity?: string; from?: Date; to?: Date; before?: number; after?: number; sort?: "time" | "-time" };

/**
 * At most `limit` rows in chain order: newest first (`-time`, the default; keyset `before`) or oldest
 * first (`time`; keyset `after`). The sequence is the primary key, so either order is an index walk.
 */
export function listAuditRows(db: Executor, query: AuditQuery, limit: number): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (query.action) where.push(ilike(auditLog.action, prefixPattern(query.action)));
  if (query.actor) where.push(ilike(auditLog.actorLabel, containsPattern(query.actor)));
  if (query.entity) where.push(or(eq(auditLog.entityId, query.entity), eq(auditLog.entityType, query.entity))!);
  if (query.from) where.push(gte(auditLog.at, query.from));
  if (query.to) where.push(lte(auditLog.at, query.to));
  const oldestFirst = query.sort === "time";
  if (!oldestFirst && query.before) where.push(lt(auditLog.seq, query.before));
  if (oldestFirst && query.after) where.push(gt(auditLog.seq, query.after));
  // and() of no conditions is undefined: no filter.
  return db.select().from(auditLog).where(and(...where)).orderBy(oldestFirst ? asc(auditLog.seq) : desc(auditLog.seq)).limit(limit);
}

/** The newest entry's sequence and hash (the chain's head), or undefined for an empty log. */
export async function getAuditHead(db: Executor): Promise<{ seq: number; hash: string } | undefined> {
  const [row] = await db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
  return row;
}

export async function insertAuditRow(db: Executor, row: AuditInsert): Promise<void> {
  await db.insert(auditLog).values(row);
}

/** Up to `limit` entries after sequence `afterSeq`, in chain order. */
export function listAuditRowsAfter(db: Executor, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(gt(auditLog.seq, afterSeq)).orderBy(asc(auditLog.seq)).limit(limit);
}

/** The entry at one chain sequence (id and hash only), or undefined when it was deleted. */
export async function getAuditEntryAt(db: Executor, seq: number): Promise<{ id: string; hash: string } | undefined> {
  const [row] = await db.select({ id: auditLog.id, hash: auditLog.hash }).from(auditLog).where(eq(auditLog.seq, seq));
  return row;
}
