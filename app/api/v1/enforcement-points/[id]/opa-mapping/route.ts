import { readJson, withApi } from "@/app/_server/with-api";
import { OpaMapping } from "@/lib/enforcement-points/schemas";
import { updateOpaMapping } from "@/lib/enforcement-points/update-opa-mapping";

export const dynamic = "force-dynamic";

// PUT /api/v1/enforcement-points/{id}/opa-mapping — where its OPA events carry agent, action, resource and verdict
export const PUT = withApi<{ id: string }>({ permission: "enforcement_points.manage" }, async (request, ctx, { id }) => {
  const mapping = await readJson(request, OpaMapping);
  return Response.json(await updateOpaMapping({ ctx, input: { id, mapping } }));
});
