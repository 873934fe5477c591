import { withApi } from "@/app/_server/with-api";
import { cancelReplay } from "@/lib/policies/replay";

export const dynamic = "force-dynamic";

// POST /api/v1/policies/replays/{id}/cancel — stop a running replay after its current chunk
export const POST = withApi<{ id: string }>({ permission: "policies.write" }, async (_request, ctx, params) => Response.json(await cancelReplay({ ctx, input: { id: params.id } })));
