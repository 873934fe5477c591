import { readQuery } from "@/lib/http/query";
import { readJson, withApi } from "@/app/_server/with-api";
import { createAgent } from "@/lib/agents/create-agent";
import { listAgents } from "@/lib/agents/list-agents";
import { CreateAgentInput, ListAgentsQuery } from "@/lib/agents/schemas";

// GET /api/v1/agents — list agents (filters, sort, offset pagination)
export const GET = withApi({ permission: "agents.read" }, async (request, ctx) => {
  return Response.json(await listAgents({ ctx, input: readQuery(request, ListAgentsQuery) }));
});

// POST /api/v1/agents — register an agent
export const POST = withApi({ permission: "agents.write" }, async (request, ctx) => {
  const input = await readJson(request, CreateAgentInput);
  return Response.json(await createAgent({ ctx, input }), { status: 201 });
});
