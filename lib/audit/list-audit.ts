import { z } from "zod";
import { getDb } from "@/db/client";
import { listAuditRows } from "@/db/audit";
import { entityNames, NAMED_KINDS, type NamedKind } from "@/db/entity-names";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { queryDateTime, sortParam } from "../http/query";

/** URL filters are lenient: a mangled link shows defaults rather than an error. */
export const AuditFilters = z.object({
  action: z.string().trim().max(100).optional().catch(undefined),
  actor: z.string().trim().max(200).optional().catch(undefined),
  entity: z.string().trim().max(200).optional().catch(undefined),
  from: queryDateTime.optional().catch(undefined),
  to: queryDateTime.optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
  /** Keyset of the oldest-first order: entries after this chain sequence. */
  after: z.coerce.number().int().positive().optional().catch(undefined),
  /** `-time` newest first (default), `time` oldest first. */
  sort: sortParam(["time"], "-time"),
});
export type AuditFilters = z.infer<typeof AuditFilters>;

const PAGE_SIZE = 50;

const isNamedKind = (type: string): type is NamedKind => (NAMED_KINDS as readonly string[]).includes(type);

/**
 * Newest first, keyset-paged on the chain sequence. Each entry carries `entityName`: the current
 * name of the agent, enforcement point, person, console user or team it changed (one lookup per
 * kind for the page), or null (another kind, or the entity is gone — the row keeps its id).
 */
export async function listAuditEntries({ ctx, filters }: { ctx: Ctx; filters: Omit<AuditFilters, "sort"> & { sort?: AuditFilters["sort"] } }) {
  requirePermission(ctx.actor, "audit.read");
  const db = await getDb();
  const rows = await listAuditRows(db, filters, PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE);
  const ids: Partial<Record<NamedKind, string[]>> = {};
  for (const row of page) if (row.entityId && isNamedKind(row.entityType)) (ids[row.entityType] ??= []).push(row.entityId);
  const names = await entityNames(db, ids);
  const entries = page.map((row) => ({ ...row, entityName: row.entityId && isNamedKind(row.entityType) ? (names[row.entityType].get(row.entityId) ?? null) : null }));
  // The next page's keyset: `before` (newest first) or `after` (oldest first) this sequence.
  return { entries, nextBefore: rows.length > PAGE_SIZE ? rows[PAGE_SIZE - 1]!.seq : null, nextParam: filters.sort === "time" ? ("after" as const) : ("before" as const) };
}
