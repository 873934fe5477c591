import { z } from "zod";
import { withApi } from "@/app/_server/with-api";
import { readQuery } from "@/lib/http/query";
import { readCoverageTrend } from "@/lib/reports/read-reports";

export const dynamic = "force-dynamic";

/**
 * `v` is a version tag the reports page puts in the URL (the newest snapshot's id) so the browser
 * fetches the chart again after a new snapshot instead of showing the image it already holds.
 */
const TrendQuery = z.strictObject({ v: z.string().max(100).optional() });

// GET /api/v1/reports/trend — coverage per framework over time from stored snapshots, as an SVG chart
export const GET = withApi({ permission: "reports.read" }, async (request, ctx) => {
  readQuery(request, TrendQuery);
  const { svg } = await readCoverageTrend({ ctx });
  return new Response(svg, { headers: { "content-type": "image/svg+xml; charset=utf-8", "cache-control": "no-store", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'", "x-content-type-options": "nosniff" } });
});
