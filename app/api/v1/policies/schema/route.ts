import { readJson, withApi } from "@/app/_server/with-api";
import { updateSchema } from "@/lib/policies/draft";
import { UpdateSchemaInput } from "@/lib/policies/schemas";

export const dynamic = "force-dynamic";

// PUT /api/v1/policies/schema — replace the draft's Cedar schema (admins)
export const PUT = withApi({ permission: "policies.manage_schema" }, async (request, ctx) => {
  const input = await readJson(request, UpdateSchemaInput);
  return Response.json(await updateSchema({ ctx, input }));
});
