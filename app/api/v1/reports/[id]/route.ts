import { withApi } from "@/app/_server/with-api";
import { readReportSummary } from "@/lib/reports/read-reports";

export const dynamic = "force-dynamic";

// GET /api/v1/reports/{id} — one snapshot's metadata and hash
export const GET = withApi<{ id: string }>({ permission: "reports.read" }, async (_request, ctx, params) => {
  return Response.json(await readReportSummary({ ctx, reportId: params.id }));
});
