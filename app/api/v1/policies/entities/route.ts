import { readJson, withApi } from "@/app/_server/with-api";
import { updateEntities } from "@/lib/policies/draft";
import { UpdateEntitiesInput } from "@/lib/policies/schemas";

export const dynamic = "force-dynamic";

// PUT /api/v1/policies/entities — replace the admin-added entities (Cedar entity JSON, validated against the schema)
export const PUT = withApi({ permission: "policies.manage_schema" }, async (request, ctx) => {
  const input = await readJson(request, UpdateEntitiesInput);
  return Response.json(await updateEntities({ ctx, input }));
});
