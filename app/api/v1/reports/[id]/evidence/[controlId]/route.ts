import { withApi } from "@/app/_server/with-api";
import { downloadControlEvidence } from "@/lib/reports/read-reports";

export const dynamic = "force-dynamic";

// GET /api/v1/reports/{id}/evidence/{controlId} — the report's frozen evidence export for a control (the bytes its OSCAL observation hashes)
export const GET = withApi<{ id: string; controlId: string }>({ permission: "reports.export" }, async (_request, ctx, params) => {
  const evidence = await downloadControlEvidence({ ctx, reportId: params.id, controlId: params.controlId });
  return new Response(evidence.body, {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${evidence.fileName}"`,
      "x-content-sha256": evidence.sha256,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
