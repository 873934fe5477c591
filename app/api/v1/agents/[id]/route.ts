import { readJson, withApi } from "@/app/_server/with-api";
import { getAgent } from "@/lib/agents/list-agents";
import { UpdateAgentInput } from "@/lib/agents/schemas";
import { updateAgent } from "@/lib/agents/update-agent";

type Params = { id: string };

// GET /api/v1/agents/{id} — one agent
export const GET = withApi<Params>({ permission: "agents.read" }, async (_request, ctx, { id }) => Response.json(await getAgent({ ctx, input: { agentId: id } })));

// PATCH /api/v1/agents/{id} — change some fields of an agent
export const PATCH = withApi<Params>({ permission: "agents.write" }, async (request, ctx, { id }) => {
  const changes = await readJson(request, UpdateAgentInput);
  return Response.json(await updateAgent({ ctx, input: { agentId: id, changes } }));
});
