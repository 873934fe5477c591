import { withApi } from "@/app/_server/with-api";
import { diffPolicyVersions } from "@/lib/policies/versions";

export const dynamic = "force-dynamic";

// GET /api/v1/policies/versions/diff?from=&to= — line diff between two revisions (or "draft")
export const GET = withApi({ permission: "policies.read" }, async (request, ctx) => {
  const query = Object.fromEntries(request.nextUrl.searchParams);
  return Response.json(await diffPolicyVersions({ ctx, input: query }));
});
