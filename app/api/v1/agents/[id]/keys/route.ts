import { z } from "zod";
import { readJson, withApi } from "@/app/_server/with-api";
import { AgentKeyInput, listAgentKeys, registerAgentKey } from "@/lib/identity/agent-keys";

export const dynamic = "force-dynamic";

// GET /api/v1/agents/{id}/keys — public keys registered for the agent's private_key_jwt assertions
export const GET = withApi<{ id: string }>({ permission: "agents.read" }, async (_request, ctx, { id }) => Response.json({ keys: await listAgentKeys({ ctx, agentId: id }) }));

const Body = AgentKeyInput.omit({ agentId: true });

// POST /api/v1/agents/{id}/keys — register a public key (JWK) and its one algorithm
export const POST = withApi<{ id: string }>({ permission: "agents.write" }, async (request, ctx, { id }) => {
  const body: z.infer<typeof Body> = await readJson(request, Body);
  return Response.json(await registerAgentKey({ ctx, input: { ...body, agentId: id } }), { status: 201 });
});
