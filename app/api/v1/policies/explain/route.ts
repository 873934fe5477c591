import { readJson, withApi } from "@/app/_server/with-api";
import { explainDecision } from "@/lib/policies/explain";
import { ExplainInput } from "@/lib/policies/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/policies/explain — evaluate a recorded decision's request now, under the current and a chosen version
export const POST = withApi({ permission: "policies.read" }, async (request, ctx) => {
  const input = await readJson(request, ExplainInput);
  return Response.json(await explainDecision({ ctx, input }));
});
