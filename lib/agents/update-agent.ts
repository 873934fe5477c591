import { z } from "zod";
import { getAgentByExternalId, getAgentOrThrow } from "@/db/agents";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { refreshFindingsForAgents } from "../findings/refresh-findings";
import { toAgentView } from "./agent-view";
import { insertAgent, patchAgent } from "./save-agent";
import { UpdateAgentInput, UpsertAgentBody, type AgentView } from "./schemas";

const UpdateAgentRequest = z.object({ agentId: z.string().min(1), changes: UpdateAgentInput });

/** Ownership fields go through assignOwnership's permission; the rest through agents.write. */
function requireFieldPermissions(ctx: Ctx, changes: UpdateAgentInput) {
  requirePermission(ctx.actor, "agents.write");
  if (changes.ownerId !== undefined || changes.backupOwnerId !== undefined || changes.teamId !== undefined) requirePermission(ctx.actor, "agents.assign_owner");
}

export async function updateAgent({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AgentView> {
  requirePermission(ctx.actor, "agents.write");
  const { agentId, changes } = UpdateAgentRequest.parse(input);
  requireFieldPermissions(ctx, changes);
  return withTransaction(ctx, async (tx) => {
    const before = await getAgentOrThrow(tx, agentId);
    const beforeView = await toAgentView(tx, before);
    const row = await patchAgent(tx, before, changes);
    await refreshFindingsForAgents(tx, [row.id]);
    const view = await toAgentView(tx, row);
    await recordAudit(tx, ctx, { action: "agent.update", entityType: "agent", entityId: row.id, before: beforeView, after: view });
    return view;
  });
}

const UpsertRequest = z.object({ externalId: z.string().trim().min(1, "Give the external id").max(200), agent: UpsertAgentBody });

/**
 * Infrastructure-as-code: the same document applied twice leaves one agent and changes nothing
 * the second time (no audit row when nothing differs).
 */
export async function upsertAgentByExternalId({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ agent: AgentView; created: boolean }> {
  requirePermission(ctx.actor, "agents.write");
  const { externalId, agent } = UpsertRequest.parse(input);
  requireFieldPermissions(ctx, agent);
  return withTransaction(ctx, async (tx) => {
    const existing = await getAgentByExternalId(tx, externalId);
    if (!existing) {
      const row = await insertAgent(tx, { ...agent, externalId });
      await refreshFindingsForAgents(tx, [row.id]);
      const view = await toAgentView(tx, row);
      await recordAudit(tx, ctx, { action: "agent.create", entityType: "agent", entityId: row.id, after: view });
      return { agent: view, created: true };
    }
    const beforeView = await toAgentView(tx, existing);
    const row = await patchAgent(tx, existing, agent);
    await refreshFindingsForAgents(tx, [row.id]);
    const view = await toAgentView(tx, row);
    const { updatedAt: _a, ...comparableBefore } = beforeView;
    const { updatedAt: _b, ...comparableAfter } = view;
    if (JSON.stringify(comparableBefore) !== JSON.stringify(comparableAfter)) {
      await recordAudit(tx, ctx, { action: "agent.update", entityType: "agent", entityId: row.id, before: beforeView, after: view });
    }
    return { agent: view, created: false };
  });
}
