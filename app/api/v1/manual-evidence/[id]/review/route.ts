import { withApi } from "@/app/_server/with-api";
import { reviewManualEvidence } from "@/lib/frameworks/review-manual-evidence";

export const dynamic = "force-dynamic";

// POST /api/v1/manual-evidence/{id}/review — a person other than the attester confirms the evidence (pending → reviewed)
export const POST = withApi<{ id: string }>({ permission: "frameworks.manage" }, async (_request, ctx, params) => {
  return Response.json(await reviewManualEvidence({ ctx, input: { evidenceId: params.id } }));
});
