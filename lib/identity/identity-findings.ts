import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import type { EVENT_FINDING_KINDS } from "@/db/schema/inventory";
import { newId } from "../ids";

/** A task token with more scope entries than this is a "wide scope" finding on its agent. */
export const WIDE_SCOPE_ENTRIES = 10;

/**
 * Opens (or re-opens, with the new detail) an event-raised finding on an agent. An accepted
 * finding stays accepted until its acceptance expires, as for computed findings.
 */
export async function noteIdentityFinding(db: Executor, agentId: string, kind: (typeof EVENT_FINDING_KINDS)[number], detail: string, now = new Date()): Promise<void> {
  const stamp = now.toISOString();
  await db.execute(sql`
    insert into findings (id, agent_id, kind, status, detail, first_detected_at, last_detected_at)
    values (${newId("fnd")}, ${agentId}, ${kind}, 'open', ${detail.slice(0, 1000)}, ${stamp}::timestamptz, ${stamp}::timestamptz)
    on conflict (agent_id, kind) do update set
      detail = excluded.detail,
      last_detected_at = excluded.last_detected_at,
      first_detected_at = case when findings.status = 'resolved' then excluded.first_detected_at else findings.first_detected_at end,
      status = case when findings.status = 'accepted' and findings.accepted_until > excluded.last_detected_at then 'accepted' else 'open' end,
      resolved_at = case when findings.status = 'accepted' and findings.accepted_until > excluded.last_detected_at then findings.resolved_at else null end`);
}
