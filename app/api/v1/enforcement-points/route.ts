import { readJson, withApi } from "@/app/_server/with-api";
import { listEnforcementPoints } from "@/lib/enforcement-points/list-enforcement-points";
import { registerEnforcementPoint } from "@/lib/enforcement-points/register-enforcement-point";
import { ListEnforcementPointsQuery, RegisterEnforcementPointInput } from "@/lib/enforcement-points/schemas";
import { readQuery } from "@/lib/http/query";

export const dynamic = "force-dynamic";

// GET /api/v1/enforcement-points?sort= — list enforcement points with health and recent volume
export const GET = withApi({ permission: "enforcement_points.read" }, async (request, ctx) => Response.json({ enforcementPoints: await listEnforcementPoints({ ctx, sort: readQuery(request, ListEnforcementPointsQuery).sort }) }));

// POST /api/v1/enforcement-points — register one; the response carries its ingest token once
export const POST = withApi({ permission: "enforcement_points.manage" }, async (request, ctx) => {
  const input = await readJson(request, RegisterEnforcementPointInput);
  return Response.json(await registerEnforcementPoint({ ctx, input }), { status: 201, headers: { "cache-control": "no-store" } });
});
