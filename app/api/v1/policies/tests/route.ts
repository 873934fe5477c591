import { readJson, withApi } from "@/app/_server/with-api";
import { saveTest } from "@/lib/policies/draft";
import { SaveTestInput } from "@/lib/policies/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/policies/tests — add a policy test to the draft
export const POST = withApi({ permission: "policies.write" }, async (request, ctx) => {
  const input = await readJson(request, SaveTestInput.omit({ id: true }));
  return Response.json(await saveTest({ ctx, input }), { status: 201 });
});
