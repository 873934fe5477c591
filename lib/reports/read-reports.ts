import { getDb } from "@/db/client";
import { getReportSnapshotOrThrow, listCoverageHistory, listFrameworks, listReportSnapshots } from "@/db/frameworks";
import { requirePermission } from "../auth/require-permission";
import { readDb } from "../replica/read-db";
import type { Ctx } from "../context";
import type { CoverageSummary } from "../frameworks/alignment";
import type { ReportFormat } from "../frameworks/schemas";
import { renderReport } from "./render-report";
import { coverageTrendSvg, type TrendSeries } from "./svg-charts";

/** The stored snapshots, newest first: from the read replica inside a page's replica scope (the Reports page), else the primary. */
export async function readReportList({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "reports.read");
  return listReportSnapshots(ctx.tx ?? (await readDb()));
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
