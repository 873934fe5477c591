import { withApi } from "@/app/_server/with-api";
import { revokeEnforcementPointTokens } from "@/lib/enforcement-points/revoke-enforcement-point-tokens";

export const dynamic = "force-dynamic";

// POST /api/v1/enforcement-points/{id}/revoke — end every token of the enforcement point at once
export const POST = withApi<{ id: string }>({ permission: "enforcement_points.manage" }, async (_request, ctx, { id }) => Response.json(await revokeEnforcementPointTokens({ ctx, input: { id } })));
