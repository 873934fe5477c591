import { getAgentsOrThrow, updateAgentRow, updateAgentRows, type AgentInsert } from "@/db/agents";
import { getPersonOrThrow, getTeamOrThrow } from "@/db/people";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { refreshFindingsForAgents } from "../findings/refresh-findings";
import { toAgentViews } from "./agent-view";
import { AssignOwnershipInput, ChangeStatusInput, type AgentView } from "./schemas";

/** Bulk: the same owner, backup owner and/or team for every selected agent, one audit row per agent. */
export async function assignOwnership({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AgentView[]> {
  requirePermission(ctx.actor, "agents.assign_owner");
  const data = AssignOwnershipInput.parse(input);
  const agentIds = [...new Set(data.agentIds)];
  return withTransaction(ctx, async (tx) => {
    if (data.ownerId) {
      const owner = await getPersonOrThrow(tx, data.ownerId, "ownerId");
      if (!owner.active) throw new StewardError("precondition_failed", `${owner.name} is deactivated and cannot own agents`, { path: "ownerId" });
    }
    if (data.backupOwnerId) {
      const backup = await getPersonOrThrow(tx, data.backupOwnerId, "backupOwnerId");
      if (!backup.active) throw new StewardError("precondition_failed", `${backup.name} is deactivated and cannot be a backup owner`, { path: "backupOwnerId" });
    }
    if (data.teamId) await getTeamOrThrow(tx, data.teamId, "teamId");
    const beforeRows = await getAgentsOrThrow(tx, agentIds);
    for (const row of beforeRows) {
      const owner = data.ownerId !== undefined ? data.ownerId : row.ownerId;
      const backup = data.backupOwnerId !== undefined ? data.backupOwnerId : row.backupOwnerId;
      if (owner && owner === backup) throw new StewardError("invalid_input", `The backup owner of ${row.name} would be its owner`, { path: "backupOwnerId" });
    }
    const beforeViews = await toAgentViews(tx, beforeRows);
    const changes: Partial<AgentInsert> = { updatedAt: new Date() };
    if (data.ownerId !== undefined) {
      changes.ownerId = data.ownerId;
      if (data.ownerId) changes.inTeamQueue = false;
    }
    if (data.backupOwnerId !== undefined) changes.backupOwnerId = data.backupOwnerId;
    if (data.teamId !== undefined) changes.teamId = data.teamId;
    await updateAgentRows(tx, agentIds, changes);
    await refreshFindingsForAgents(tx, agentIds);
    const afterViews = await toAgentViews(tx, await getAgentsOrThrow(tx, agentIds));
    for (const after of afterViews) {
      await recordAudit(tx, ctx, { action: "agent.assign_ownership", entityType: "agent", entityId: after.id, before: beforeViews.find((v) => v.id === after.id), after });
    }
    return afterViews;
  });
}

export async function changeAgentStatus({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AgentView[]> {
  requirePermission(ctx.actor, "agents.write");
  const { agentIds, status } = ChangeStatusInput.parse(input);
  const ids = [...new Set(agentIds)];
  return withTransaction(ctx, async (tx) => {
    const beforeViews = await toAgentViews(tx, await getAgentsOrThrow(tx, ids));
    for (const id of ids) await updateAgentRow(tx, id, { status, updatedAt: new Date() });
    await refreshFindingsForAgents(tx, ids);
    const afterViews = await toAgentViews(tx, await getAgentsOrThrow(tx, ids));
    for (const after of afterViews) {
      const before = beforeViews.find((v) => v.id === after.id)!;
      if (before.status === after.status) continue;
      await recordAudit(tx, ctx, { action: "agent.change_status", entityType: "agent", entityId: after.id, before: { status: before.status }, after: { status: after.status } });
    }
    return afterViews;
  });
}
