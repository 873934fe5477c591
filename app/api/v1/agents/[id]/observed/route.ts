import { withApi } from "@/app/_server/with-api";
import { declaredVsObserved } from "@/lib/agents/declared-vs-observed";

// GET /api/v1/agents/{id}/observed — declared scope next to observed behaviour
export const GET = withApi<{ id: string }>({ permission: "agents.read" }, async (_request, ctx, { id }) => Response.json(await declaredVsObserved({ ctx, input: { agentId: id } })));
