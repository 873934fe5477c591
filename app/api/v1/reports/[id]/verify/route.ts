import { withApi } from "@/app/_server/with-api";
import { verifyReport } from "@/lib/reports/report-anchors";

export const dynamic = "force-dynamic";

// GET /api/v1/reports/{id}/verify — recompute the report's hash and compare it with the anchor kept outside the database
export const GET = withApi<{ id: string }>({ permission: "reports.read" }, async (_request, ctx, params) => {
  return Response.json(await verifyReport({ ctx, reportId: params.id }), { headers: { "cache-control": "no-store" } });
});
