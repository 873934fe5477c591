import { readJson, withApi } from "@/app/_server/with-api";
import { deleteTest, saveTest } from "@/lib/policies/draft";
import { SaveTestInput } from "@/lib/policies/schemas";

export const dynamic = "force-dynamic";

// PUT /api/v1/policies/tests/{id} — replace a policy test
export const PUT = withApi<{ id: string }>({ permission: "policies.write" }, async (request, ctx, params) => {
  const input = await readJson(request, SaveTestInput.omit({ id: true }));
  return Response.json(await saveTest({ ctx, input: { ...input, id: params.id } }));
});

// DELETE /api/v1/policies/tests/{id} — remove a policy test
export const DELETE = withApi<{ id: string }>({ permission: "policies.write" }, async (_request, ctx, params) => Response.json(await deleteTest({ ctx, input: { id: params.id } })));
