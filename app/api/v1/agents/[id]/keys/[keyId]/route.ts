import { withApi } from "@/app/_server/with-api";
import { revokeAgentKey } from "@/lib/identity/agent-keys";

export const dynamic = "force-dynamic";

// DELETE /api/v1/agents/{id}/keys/{keyId} — revoke a registered key (assertions signed with it are refused)
export const DELETE = withApi<{ id: string; keyId: string }>({ permission: "agents.write" }, async (_request, ctx, { id, keyId }) => Response.json(await revokeAgentKey({ ctx, input: { agentId: id, keyId } })));
