import { z } from "zod";
import { getDb } from "@/db/client";
import { listAuditRows } from "@/db/audit";
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
  const rows = await listAuditRows(await getDb(), filters, PAGE_SIZE + 1);
  return { entries: rows.slice(0, PAGE_SIZE), nextBefore: rows.length > PAGE_SIZE ? rows[PAGE_SIZE - 1]!.seq : null };
}
