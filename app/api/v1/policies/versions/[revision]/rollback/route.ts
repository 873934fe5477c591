import { readJson, withApi } from "@/app/_server/with-api";
import { rollbackToVersion } from "@/lib/policies/publish";
import { RollbackInput } from "@/lib/policies/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/policies/versions/{revision}/rollback — publish an old version as a new one
export const POST = withApi<{ revision: string }>({ permission: "policies.publish" }, async (request, ctx, params) => {
  const body = request.headers.get("content-length") === "0" || !request.headers.get("content-type") ? {} : await readJson(request, RollbackInput.omit({ revision: true }));
  return Response.json(await rollbackToVersion({ ctx, input: { ...body, revision: params.revision } }), { status: 201 });
});
