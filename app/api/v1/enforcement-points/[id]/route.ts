import { withApi } from "@/app/_server/with-api";
import { getEnforcementPoint } from "@/lib/enforcement-points/list-enforcement-points";

export const dynamic = "force-dynamic";

// GET /api/v1/enforcement-points/{id} — one enforcement point
export const GET = withApi<{ id: string }>({ permission: "enforcement_points.read" }, async (_request, ctx, { id }) => Response.json(await getEnforcementPoint({ ctx, id })));
