import { withApi } from "@/app/_server/with-api";
import { exportPeopleCsv } from "@/lib/inventory-csv/export";

// GET /api/v1/people/export — every person as CSV (re-importable)
export const GET = withApi({ permission: "agents.read" }, async (_request, ctx) =>
  new Response(await exportPeopleCsv({ ctx }), { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="people.csv"', "cache-control": "no-store" } }),
);
