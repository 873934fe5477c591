import { and, desc, eq, gte, ilike, lt, lte, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { auditLog } from "@/db/schema";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { queryDateTime } from "../http/query";

/** URL filters are lenient: a mangled link shows defaults rather than an error. */
export const AuditFilters = z.object({
  action: z.string().trim().max(100).optional().catch(undefined),
  actor: z.string().trim().max(200).optional().catch(undefined),
  entity: z.string().trim().max(200).optional().catch(undefined),
  from: queryDateTime.optional().catch(undefined),
  to: queryDateTime.optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
});
export type AuditFilters = z.infer<typeof AuditFilters>;

const PAGE_SIZE = 50;

/** Newest first, keyset-paged on the chain sequence. */
export async function listAuditEntries({ ctx, filters }: { ctx: Ctx; filters: AuditFilters }) {
  requirePermission(ctx.actor, "audit.read");
  const where: SQL[] = [];
  if (filters.action) where.push(ilike(auditLog.action, `${filters.action.replace(/[%_\\]/g, "\\$&")}%`));
  if (filters.actor) where.push(ilike(auditLog.actorLabel, `%${filters.actor.replace(/[%_\\]/g, "\\$&")}%`));
  if (filters.entity) where.push(or(eq(auditLog.entityId, filters.entity), eq(auditLog.entityType, filters.entity))!);
  if (filters.from) where.push(gte(auditLog.at, filters.from));
  if (filters.to) where.push(lte(auditLog.at, filters.to));
  if (filters.before) where.push(lt(auditLog.seq, filters.before));
  const rows = await (await getDb())
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.seq))
    .limit(PAGE_SIZE + 1);
  return { entries: rows.slice(0, PAGE_SIZE), nextBefore: rows.length > PAGE_SIZE ? rows[PAGE_SIZE - 1]!.seq : null };
}
