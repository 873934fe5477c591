import { readJson, withApi } from "@/app/_server/with-api";
import { createReport } from "@/lib/reports/create-report";
import { readReportList } from "@/lib/reports/read-reports";
import { CreateReportInput, ListReportsQuery } from "@/lib/frameworks/schemas";
import { readQuery } from "@/lib/http/query";

export const dynamic = "force-dynamic";

// GET /api/v1/reports?sort= — list report snapshots (newest first unless sorted otherwise)
export const GET = withApi({ permission: "reports.read" }, async (request, ctx) => {
  return Response.json({ reports: await readReportList({ ctx, sort: readQuery(request, ListReportsQuery).sort }) });
});

// POST /api/v1/reports — evaluate frameworks over live data and store an immutable snapshot
export const POST = withApi({ permission: "reports.export" }, async (request, ctx) => {
  const input = await readJson(request, CreateReportInput);
  const { content: _content, ...snapshot } = await createReport({ ctx, input });
  return Response.json(snapshot, { status: 201 });
});
