import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { refreshFindingsForAgents } from "../findings/refresh-findings";
import { toAgentView } from "./agent-view";
import { insertAgent } from "./save-agent";
import { CreateAgentInput, type AgentView } from "./schemas";

export async function createAgent({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AgentView> {
  requirePermission(ctx.actor, "agents.write");
  const data = CreateAgentInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const row = await insertAgent(tx, data);
    await refreshFindingsForAgents(tx, [row.id]);
    const view = await toAgentView(tx, row);
    await recordAudit(tx, ctx, { action: "agent.create", entityType: "agent", entityId: row.id, after: view });
    return view;
  });
}
