import { readJson, withApi } from "@/app/_server/with-api";
import { AudiencesBody } from "@/lib/enforcement-points/schemas";
import { updateAudiences } from "@/lib/enforcement-points/update-audiences";

export const dynamic = "force-dynamic";

// PUT /api/v1/enforcement-points/{id}/audiences — the resource URIs it serves (secrets are released only for tokens issued for them)
export const PUT = withApi<{ id: string }>({ permission: "enforcement_points.manage" }, async (request, ctx, { id }) => {
  const { audiences } = await readJson(request, AudiencesBody);
  return Response.json(await updateAudiences({ ctx, input: { id, audiences } }));
});
