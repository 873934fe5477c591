import { readJson, withApi } from "@/app/_server/with-api";
import { deletePolicy, savePolicy } from "@/lib/policies/draft";
import { SavePolicyInput } from "@/lib/policies/schemas";

export const dynamic = "force-dynamic";

// PUT /api/v1/policies/{id} — replace a draft policy's text and metadata
export const PUT = withApi<{ id: string }>({ permission: "policies.write" }, async (request, ctx, params) => {
  const input = await readJson(request, SavePolicyInput.omit({ id: true }));
  return Response.json(await savePolicy({ ctx, input: { ...input, id: params.id } }));
});

// DELETE /api/v1/policies/{id} — remove a policy from the draft
export const DELETE = withApi<{ id: string }>({ permission: "policies.write" }, async (_request, ctx, params) => Response.json(await deletePolicy({ ctx, input: { id: params.id } })));
