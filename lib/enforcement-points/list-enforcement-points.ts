import { getDb } from "@/db/client";
import { countRecentDecisionsByEnforcementPoint, getEnforcementPointOrThrow, listEnforcementPointRows, listLiveTokens } from "@/db/enforcement-points";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { toEnforcementPointView } from "./enforcement-point-view";
import type { EnforcementPointView, EnforcementPointWithStats, ListEnforcementPointsQuery } from "./schemas";

/** `sort`: the list's order (ListEnforcementPointsQuery), by name when not given. */
export async function listEnforcementPoints({ ctx, sort }: { ctx: Ctx; sort?: ListEnforcementPointsQuery["sort"] }): Promise<EnforcementPointWithStats[]> {
  requirePermission(ctx.actor, "enforcement_points.read");
  const db = ctx.tx ?? (await getDb());
  const rows = await listEnforcementPointRows(db, sort);
  const [tokens, counts] = await Promise.all([listLiveTokens(db, rows.map((row) => row.id)), countRecentDecisionsByEnforcementPoint(db)]);
  return rows.map((row) => ({ ...toEnforcementPointView(row, tokens), decisionsLastHour: counts.get(row.id)?.lastHour ?? 0, decisionsLastDay: counts.get(row.id)?.lastDay ?? 0 }));
}

export async function getEnforcementPoint({ ctx, id }: { ctx: Ctx; id: string }): Promise<EnforcementPointView> {
  requirePermission(ctx.actor, "enforcement_points.read");
  const db = ctx.tx ?? (await getDb());
  return toEnforcementPointView(await getEnforcementPointOrThrow(db, id), await listLiveTokens(db, [id]));
}
