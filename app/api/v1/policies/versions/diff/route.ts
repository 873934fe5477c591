import { readQuery } from "@/lib/http/query";
import { withApi } from "@/app/_server/with-api";
import { DiffQuery } from "@/lib/policies/schemas";
import { diffPolicyVersions } from "@/lib/policies/versions";

export const dynamic = "force-dynamic";

// GET /api/v1/policies/versions/diff?from=&to= — line diff between two revisions (or "draft")
export const GET = withApi({ permission: "policies.read" }, async (request, ctx) => {
  return Response.json(await diffPolicyVersions({ ctx, input: readQuery(request, DiffQuery) }));
});
