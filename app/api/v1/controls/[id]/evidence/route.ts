import { readJson, withApi } from "@/app/_server/with-api";
import { attestManualEvidence } from "@/lib/frameworks/attest-manual-evidence";
import { ManualEvidenceBody } from "@/lib/frameworks/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/controls/{id}/evidence — attest manual evidence (a link or small file) for a control
export const POST = withApi<{ id: string }>({ permission: "frameworks.manage" }, async (request, ctx, params) => {
  const body = await readJson(request, ManualEvidenceBody);
  return Response.json(await attestManualEvidence({ ctx, input: { ...body, controlId: params.id } }), { status: 201 });
});
