import { sql } from "drizzle-orm";
import type { Executor } from "../client";
import { executedRows } from "../rows";
import type { EVENT_FINDING_KINDS } from "../schema/inventory";

export type EventFindingKind = (typeof EVENT_FINDING_KINDS)[number];

/**
 * Registered agents (not discovered ones) seen acting in enforcement decisions after `since` without a
 * Steward task token: decisions other than token issuance whose task id is absent or names no
 * Steward task. Each with how many such decisions and the newest one's time. Bounded by the
 * decisions time index; `limit` agents at most.
 */
export async function agentsActingWithoutTaskTokens(db: Executor, since: Date, limit = 1_000): Promise<{ agentId: string; decisions: number; lastAt: Date }[]> {
  const rows = executedRows<{ agent_id: string; n: number; last_at: string | Date }>(
    await db.execute(sql`
    select d.agent_id, count(*)::int as n, max(d.time) as last_at
      from decisions d
      join agents a on a.id = d.agent_id and a.status <> 'discovered'
     where d.time > ${since.toISOString()}::timestamptz
       and coalesce(d.action_kind, '') <> 'token_issuance'
       and (d.task_id is null or not exists (select 1 from tasks t where t.id = d.task_id))
     group by d.agent_id
     order by d.agent_id
     limit ${limit}`),
  );
  return rows.map((row) => ({ agentId: row.agent_id, decisions: Number(row.n), lastAt: new Date(row.last_at) }));
}
