import { readQuery } from "@/lib/http/query";
import { withApi } from "@/app/_server/with-api";
import { DownloadQuery } from "@/lib/frameworks/schemas";
import { downloadReport } from "@/lib/reports/read-reports";

export const dynamic = "force-dynamic";

// GET /api/v1/reports/{id}/download — the snapshot as printable HTML, CSV, JSON or OSCAL assessment results
export const GET = withApi<{ id: string }>({ permission: "reports.export" }, async (request, ctx, params) => {
  const { format } = readQuery(request, DownloadQuery);
  const rendered = await downloadReport({ ctx, reportId: params.id, format });
  return new Response(rendered.body, {
    headers: {
      "content-type": rendered.contentType,
      // The printable HTML opens in the browser to be printed; the data formats download.
      "content-disposition": `${format === "html" ? "inline" : "attachment"}; filename="${rendered.fileName}"`,
      "cache-control": "no-store",
      // The HTML report is self-contained: no scripts, no remote loads.
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      "x-content-type-options": "nosniff",
    },
  });
});
