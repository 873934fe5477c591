import { getDb } from "@/db/client";
import { getReportSnapshotOrThrow, listCoverageHistory, listFrameworks, listReportSnapshots } from "@/db/frameworks";
import { requirePermission } from "../auth/require-permission";
import { readDb } from "../replica/read-db";
import type { Ctx } from "../context";
import type { CoverageSummary } from "../frameworks/alignment";
import type { ListReportsQuery, ReportFormat } from "../frameworks/schemas";
import { StewardError } from "../errors";
import { evidenceBytes } from "./evidence-export";
import type { ReportContent } from "./report-content";
import { renderReport } from "./render-report";
import { coverageTrendSvg, type TrendSeries } from "./svg-charts";

/** The stored snapshots in `sort` order (newest first when not given): from the read replica inside a page's replica scope (the Reports page), else the primary. */
export async function readReportList({ ctx, sort }: { ctx: Ctx; sort?: ListReportsQuery["sort"] }) {
  requirePermission(ctx.actor, "reports.read");
  return listReportSnapshots(ctx.tx ?? (await readDb()), undefined, sort);
}

export async function readReportSummary({ ctx, reportId }: { ctx: Ctx; reportId: string }) {
  requirePermission(ctx.actor, "reports.read");
  const { content: _content, ...summary } = await getReportSnapshotOrThrow(ctx.tx ?? (await getDb()), reportId);
  return summary;
}

/** Downloading a report is an export: it needs reports.export, not only read access. */
export async function downloadReport({ ctx, reportId, format }: { ctx: Ctx; reportId: string; format: ReportFormat }) {
  requirePermission(ctx.actor, "reports.export");
  return renderReport(await getReportSnapshotOrThrow(ctx.tx ?? (await getDb()), reportId), format);
}

/**
 * A report's frozen evidence export for one control (reports.export), byte for byte what the report's
 * OSCAL observation hashes: canonical JSON, with its SHA-256 (hex). Errors: `not_found` for an unknown
 * report, or a control the report holds no export for (reports made before exports were kept).
 */
export async function downloadControlEvidence({ ctx, reportId, controlId }: { ctx: Ctx; reportId: string; controlId: string }): Promise<{ body: string; sha256: string; fileName: string }> {
  requirePermission(ctx.actor, "reports.export");
  const snapshot = await getReportSnapshotOrThrow(ctx.tx ?? (await getDb()), reportId);
  const stored = Object.hasOwn((snapshot.content as ReportContent).evidence ?? {}, controlId) ? (snapshot.content as ReportContent).evidence![controlId] : undefined;
  if (!stored) throw new StewardError("not_found", `Report ${reportId} holds no evidence export for control ${controlId}`, { path: "controlId" });
  return { body: evidenceBytes(stored.export), sha256: stored.sha256, fileName: `steward-evidence-${snapshot.id}-${controlId}.json` };
}

/** Coverage per framework (replica inside a replica scope, as readReportList) across stored all-agent snapshots, one point per snapshot and framework (team or environment snapshots would mix populations). */
export async function readCoverageTrend({ ctx }: { ctx: Ctx }): Promise<{ series: TrendSeries[]; svg: string }> {
  requirePermission(ctx.actor, "reports.read");
  const db = ctx.tx ?? (await readDb());
  const names = new Map((await listFrameworks(db)).map((row) => [row.id, row.shortName]));
  const byFramework = new Map<string, TrendSeries>();
  for (const snapshot of await listCoverageHistory(db)) {
    if ((snapshot.scope as { kind?: string } | null)?.kind !== "all") continue;
    for (const coverage of (snapshot.coverage as CoverageSummary[] | null) ?? []) {
      const series = byFramework.get(coverage.frameworkId) ?? { label: names.get(coverage.frameworkId) ?? coverage.frameworkId, points: [] };
      series.points.push({ at: new Date(snapshot.createdAt), percent: coverage.percent });
      byFramework.set(coverage.frameworkId, series);
    }
  }
  const series = [...byFramework.values()];
  return { series, svg: coverageTrendSvg(series) };
}
