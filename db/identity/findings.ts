import { sql } from "drizzle-orm";
import type { Executor } from "../client";
import type { EVENT_FINDING_KINDS } from "../schema/inventory";

export type EventFindingKind = (typeof EVENT_FINDING_KINDS)[number];

/**
 * Opens (or re-opens, with the new detail) an event-raised finding on an agent, one row per
 * (agent, kind). An accepted finding stays accepted until its acceptance expires.
 */
export async function upsertEventFinding(db: Executor, finding: { id: string; agentId: string; kind: EventFindingKind; detail: string; at: Date }): Promise<void> {
  const stamp = finding.at.toISOString();
  await db.execute(sql`
    insert into findings (id, agent_id, kind, status, detail, first_detected_at, last_detected_at)
    values (${finding.id}, ${finding.agentId}, ${finding.kind}, 'open', ${finding.detail}, ${stamp}::timestamptz, ${stamp}::timestamptz)
    on conflict (agent_id, kind) do update set
      detail = excluded.detail,
      last_detected_at = excluded.last_detected_at,
      first_detected_at = case when findings.status = 'resolved' then excluded.first_detected_at else findings.first_detected_at end,
      status = case when findings.status = 'accepted' and findings.accepted_until > excluded.last_detected_at then 'accepted' else 'open' end,
      resolved_at = case when findings.status = 'accepted' and findings.accepted_until > excluded.last_detected_at then findings.resolved_at else null end`);
}

