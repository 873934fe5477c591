import { readJson, withApi } from "@/app/_server/with-api";
import { publishDraft } from "@/lib/policies/publish";
import { PublishInput } from "@/lib/policies/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/policies/publish — publish the draft as a new immutable version (412 while a test fails or validation errs)
export const POST = withApi({ permission: "policies.publish" }, async (request, ctx) => {
  const input = await readJson(request, PublishInput);
  return Response.json(await publishDraft({ ctx, input }), { status: 201 });
});
