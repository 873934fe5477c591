import { withApi } from "@/app/_server/with-api";
import { revokeAgentTokens } from "@/lib/identity/revocation";

export const dynamic = "force-dynamic";

// POST /api/v1/agents/{id}/revoke-tokens — revoke every live task token of the agent (the feed lists the agent)
export const POST = withApi<{ id: string }>({ permission: "tasks.end" }, async (_request, ctx, { id }) => Response.json(await revokeAgentTokens({ ctx, input: { agentId: id } })));
