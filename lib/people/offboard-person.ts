import type { Tx } from "@/db/client";
import { updateAgentRow, type AgentInsert } from "@/db/agents";
import { getPersonOrThrow, listAgentsOwnedOrBackedBy, listPeopleOfUser, updatePersonRow, type PersonRow } from "@/db/people";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { refreshFindingsForAgents } from "../findings/refresh-findings";
import { PersonIdInput } from "./schemas";

/**
 * Deactivates a person and re-homes everything they owned, so no agent goes silently unowned:
 * the active backup owner takes over; else the agent waits in its team's (or the person's team's)
 * queue; else it is left without an owner and the orphaned finding names it. Each move is audited.
 */
export async function offboardInTransaction(tx: Tx, ctx: Ctx, person: PersonRow): Promise<PersonRow> {
  const deactivated = await updatePersonRow(tx, person.id, { active: false, updatedAt: new Date() });
  const affected = await listAgentsOwnedOrBackedBy(tx, person.id);
  for (const agent of affected) {
    const change: Partial<AgentInsert> = { updatedAt: new Date() };
    let outcome: string;
    if (agent.ownerId === person.id) {
      const backup = agent.backupOwnerId ? await getPersonOrThrow(tx, agent.backupOwnerId) : null;
      if (backup?.active) {
        Object.assign(change, { ownerId: backup.id, backupOwnerId: null, inTeamQueue: false });
        outcome = `moved to backup owner ${backup.email}`;
      } else if (agent.teamId ?? person.teamId) {
        Object.assign(change, { ownerId: null, teamId: agent.teamId ?? person.teamId, inTeamQueue: true });
        outcome = "moved to the team queue";
      } else {
        Object.assign(change, { ownerId: null, inTeamQueue: false });
        outcome = "orphaned: no backup owner and no team";
      }
    } else {
      change.backupOwnerId = null;
      outcome = "backup owner removed";
    }
    const after = await updateAgentRow(tx, agent.id, change);
    await recordAudit(tx, ctx, {
      action: "agent.offboard_reassign",
      entityType: "agent",
      entityId: agent.id,
      before: { ownerId: agent.ownerId, backupOwnerId: agent.backupOwnerId, teamId: agent.teamId, inTeamQueue: agent.inTeamQueue },
      after: { ownerId: after.ownerId, backupOwnerId: after.backupOwnerId, teamId: after.teamId, inTeamQueue: after.inTeamQueue, outcome, offboarded: person.email },
    });
  }
  await refreshFindingsForAgents(tx, affected.map((agent) => agent.id));
  await recordAudit(tx, ctx, { action: "person.offboard", entityType: "person", entityId: person.id, before: { active: person.active }, after: { active: false, agentsMoved: affected.length } });
  return deactivated;
}

export async function offboardPerson({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ personId: string; agentsMoved: number }> {
  requirePermission(ctx.actor, "agents.write");
  const { personId } = PersonIdInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const person = await getPersonOrThrow(tx, personId);
    if (!person.active) return { personId, agentsMoved: 0 };
    const before = await listAgentsOwnedOrBackedBy(tx, personId);
    await offboardInTransaction(tx, ctx, person);
    return { personId, agentsMoved: before.length };
  });
}

/** Called when a console user is deactivated: every person record linked to that user is offboarded. */
export async function offboardPeopleOfUser(tx: Tx, ctx: Ctx, userId: string): Promise<void> {
  const linked = await listPeopleOfUser(tx, userId);
  for (const person of linked) if (person.active) await offboardInTransaction(tx, ctx, person);
}
