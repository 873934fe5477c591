import { readJson, withApi } from "@/app/_server/with-api";
import { UpsertAgentBody } from "@/lib/agents/schemas";
import { upsertAgentByExternalId } from "@/lib/agents/update-agent";

// PUT /api/v1/agents/by-external-id/{externalId} — idempotent upsert for infrastructure-as-code
export const PUT = withApi<{ externalId: string }>({ permission: "agents.write" }, async (request, ctx, { externalId }) => {
  const agent = await readJson(request, UpsertAgentBody);
  const result = await upsertAgentByExternalId({ ctx, input: { externalId, agent } });
  return Response.json(result.agent, { status: result.created ? 201 : 200 });
});
