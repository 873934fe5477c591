import { readJson, withApi } from "@/app/_server/with-api";
import { createReport } from "@/lib/reports/create-report";
import { readReportList } from "@/lib/reports/read-reports";
import { CreateReportInput } from "@/lib/frameworks/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/reports — list report snapshots (newest first)
export const GET = withApi({ permission: "reports.read" }, async (_request, ctx) => {
  return Response.json({ reports: await readReportList({ ctx }) });
});

// POST /api/v1/reports — evaluate frameworks over live data and store an immutable snapshot
export const POST = withApi({ permission: "reports.export" }, async (request, ctx) => {
  const input = await readJson(request, CreateReportInput);
  const { content: _content, ...snapshot } = await createReport({ ctx, input });
  return Response.json(snapshot, { status: 201 });
});
