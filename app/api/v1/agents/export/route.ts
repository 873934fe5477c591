import { withApi } from "@/app/_server/with-api";
import { exportAgentsCsv } from "@/lib/inventory-csv/export";

// GET /api/v1/agents/export — every agent as CSV (re-importable)
export const GET = withApi({ permission: "agents.read" }, async (_request, ctx) =>
  new Response(await exportAgentsCsv({ ctx }), { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="agents.csv"', "cache-control": "no-store" } }),
);
