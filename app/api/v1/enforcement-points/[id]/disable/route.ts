import { withApi } from "@/app/_server/with-api";
import { setEnforcementPointEnabled } from "@/lib/enforcement-points/set-enforcement-point-enabled";

export const dynamic = "force-dynamic";

// POST /api/v1/enforcement-points/{id}/disable — refuse its decisions (403) until enabled
export const POST = withApi<{ id: string }>({ permission: "enforcement_points.manage" }, async (_request, ctx, { id }) => Response.json(await setEnforcementPointEnabled({ ctx, input: { id, enabled: false } })));
