import type { ReportSnapshotRow } from "@/db/frameworks";
import type { ReportFormat } from "../frameworks/schemas";
import type { ReportContent } from "./report-content";
import { renderReportCsv } from "./render-csv";
import { renderReportHtml } from "./render-html";
import { renderReportOscal } from "./render-oscal";

export type RenderedReport = { body: string; contentType: string; fileName: string };

/** Renders a stored snapshot; every format derives from the same hashed content. */
export function renderReport(snapshot: ReportSnapshotRow, format: ReportFormat): RenderedReport {
  const content = snapshot.content as ReportContent;
  const base = `steward-report-${snapshot.id}`;
  switch (format) {
    case "html":
      return { body: renderReportHtml(content, snapshot.sha256), contentType: "text/html; charset=utf-8", fileName: `${base}.html` };
    case "csv":
      return { body: renderReportCsv(content), contentType: "text/csv; charset=utf-8", fileName: `${base}.csv` };
    case "json":
      return {
        body: JSON.stringify({ id: snapshot.id, sha256: snapshot.sha256, createdAt: snapshot.createdAt.toISOString(), createdBy: snapshot.createdByLabel, content }, null, 2),
        contentType: "application/json; charset=utf-8",
        fileName: `${base}.json`,
      };
    case "oscal":
      return { body: JSON.stringify(renderReportOscal(content), null, 2), contentType: "application/json; charset=utf-8", fileName: `${base}.oscal-ar.json` };
  }
}
