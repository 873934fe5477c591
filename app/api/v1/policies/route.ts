import { readJson, withApi } from "@/app/_server/with-api";
import { savePolicy } from "@/lib/policies/draft";
import { SavePolicyInput } from "@/lib/policies/schemas";
import { getDraft } from "@/lib/policies/versions";

export const dynamic = "force-dynamic";

// GET /api/v1/policies — the draft policy set with validation, test results and review state
export const GET = withApi({ permission: "policies.read" }, async (_request, ctx) => Response.json(await getDraft({ ctx })));

// POST /api/v1/policies — create a draft policy
export const POST = withApi({ permission: "policies.write" }, async (request, ctx) => {
  const input = await readJson(request, SavePolicyInput.omit({ id: true }));
  return Response.json(await savePolicy({ ctx, input }), { status: 201 });
});
