import { withApi } from "@/app/_server/with-api";
import { getReplay } from "@/lib/policies/replay";

export const dynamic = "force-dynamic";

// GET /api/v1/policies/replays/{id} — a replay's progress and results
export const GET = withApi<{ id: string }>({ permission: "policies.read" }, async (_request, ctx, params) => Response.json(await getReplay({ ctx, input: { id: params.id } })));
