import { getDb } from "@/db/client";
import { enrichedAgentsByIds, listAgentRows } from "@/db/agents";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { notFound } from "../errors";
import { enrichedToView } from "./agent-view";
import { ListAgentsQuery, type AgentPage, type AgentView } from "./schemas";

export async function listAgents({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AgentPage> {
  requirePermission(ctx.actor, "agents.read");
  const query = ListAgentsQuery.parse(input ?? {});
  const db = ctx.tx ?? (await getDb());
  const { rows, total } = await listAgentRows(db, query);
  return { items: rows.map(enrichedToView), total, limit: query.limit, offset: query.offset };
}

export async function getAgent({ ctx, input }: { ctx: Ctx; input: { agentId: string } }): Promise<AgentView> {
  requirePermission(ctx.actor, "agents.read");
  const db = ctx.tx ?? (await getDb());
  const [row] = await enrichedAgentsByIds(db, [input.agentId]);
  if (!row) throw notFound("Agent", input.agentId);
  return enrichedToView(row);
}
