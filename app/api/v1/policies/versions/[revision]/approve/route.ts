import { withApi } from "@/app/_server/with-api";
import { approveRollback } from "@/lib/policies/publish";

export const dynamic = "force-dynamic";

// POST /api/v1/policies/versions/{revision}/approve — four-eyes approval to roll back to this revision
export const POST = withApi<{ revision: string }>({ permission: "policies.approve" }, async (_request, ctx, params) => {
  return Response.json(await approveRollback({ ctx, input: { revision: params.revision } }), { status: 201 });
});
