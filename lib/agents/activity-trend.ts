import { readDb } from "../replica/read-db";
import { dailyActivityOf } from "@/db/activity";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";

const DAY_MS = 86_400_000;

/** One UTC day of an agent's activity: decisions, denies, and the deny rate in percent (one decimal; 0 without decisions). */
export type ActivityDay = { day: string; decisions: number; denies: number; denyRatePercent: number };

/**
 * An agent's decisions and deny rate per UTC day over the last `days` days (today included), every
 * day present (0 when idle). Read from the daily rollup, so current as of the last activity refresh.
 */
export async function agentActivityTrend({ ctx, agentId, days = 30, now = new Date() }: { ctx: Ctx; agentId: string; days?: number; now?: Date }): Promise<ActivityDay[]> {
  requirePermission(ctx.actor, "agents.read");
  const today = Date.parse(now.toISOString().slice(0, 10));
  const firstDay = new Date(today - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  const rows = new Map((await dailyActivityOf(ctx.tx ?? (await readDb()), agentId, firstDay)).map((row) => [row.day, row]));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10);
    const row = rows.get(day);
    const decisions = row?.decisions ?? 0;
    const denies = row?.denies ?? 0;
    return { day, decisions, denies, denyRatePercent: decisions ? Math.round((1000 * denies) / decisions) / 10 : 0 };
  });
}
