import { readDb } from "../replica/read-db";
import { countUnresolvedAlerts, listDestinationRows } from "@/db/outbound";
import { hasPermission, requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { toDestinationView } from "./destinations";

export type OutboundSummary = {
  /** Unresolved (open or acknowledged) alerts per severity. */
  unresolvedAlerts: Record<string, number>;
  /** Destinations per health state, or null when the actor may not read destinations. */
  destinations: Record<string, number> | null;
};

/** What the Overview shows of alerts and destination health. */
export async function getOutboundSummary({ ctx }: { ctx: Ctx }): Promise<OutboundSummary> {
  requirePermission(ctx.actor, "alerts.read");
  const db = ctx.tx ?? (await readDb());
  const unresolvedAlerts = await countUnresolvedAlerts(db);
  if (!hasPermission(ctx.actor, "outbound.read")) return { unresolvedAlerts, destinations: null };
  const destinations: Record<string, number> = {};
  for (const row of await listDestinationRows(db)) {
    const state = toDestinationView(row).health.state;
    destinations[state] = (destinations[state] ?? 0) + 1;
  }
  return { unresolvedAlerts, destinations };
}
