import { getAgentOrThrow, updateAgentRow } from "@/db/agents";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { toAgentView } from "./agent-view";
import { OverrideRiskInput, type AgentView } from "./schemas";

/** The computed tier stays visible beside the override; clearing the override needs no justification. */
export async function overrideRiskTier({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AgentView> {
  requirePermission(ctx.actor, "agents.write");
  const { agentId, tier, justification } = OverrideRiskInput.parse(input);
  if (tier && justification.length < 10) throw new StewardError("invalid_input", "Explain the override in at least 10 characters", { path: "justification" });
  return withTransaction(ctx, async (tx) => {
    const before = await getAgentOrThrow(tx, agentId);
    const after = await updateAgentRow(tx, agentId, { riskOverrideTier: tier, riskOverrideJustification: tier ? justification : null, updatedAt: new Date() });
    await recordAudit(tx, ctx, {
      action: "agent.override_risk",
      entityType: "agent",
      entityId: agentId,
      before: { computed: before.riskTier, override: before.riskOverrideTier, justification: before.riskOverrideJustification },
      after: { computed: after.riskTier, override: after.riskOverrideTier, justification: after.riskOverrideJustification },
    });
    return toAgentView(tx, after);
  });
}
