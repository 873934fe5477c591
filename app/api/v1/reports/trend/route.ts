import { withApi } from "@/app/_server/with-api";
import { readQuery } from "@/lib/http/query";
import { TrendQuery } from "@/lib/frameworks/schemas";
import { readCoverageTrend } from "@/lib/reports/read-reports";

export const dynamic = "force-dynamic";

// GET /api/v1/reports/trend — coverage per framework over time from stored snapshots, as an SVG chart
export const GET = withApi({ permission: "reports.read" }, async (request, ctx) => {
  readQuery(request, TrendQuery);
  const { svg } = await readCoverageTrend({ ctx });
  return new Response(svg, { headers: { "content-type": "image/svg+xml; charset=utf-8", "cache-control": "no-store", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'", "x-content-type-options": "nosniff" } });
});
