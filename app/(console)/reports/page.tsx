import type { Metadata } from "next";
import { periodText } from "@/lib/reports/period-label";
import { requirePageActor } from "@/app/_server/page-guard";
import { readingFromReplica } from "@/app/_server/read-scope";
import { CreateReportForm } from "@/components/reports/create-report-form";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { readFrameworks, readScopeOptions } from "@/lib/frameworks/read-frameworks";
import { ListReportsQuery, REPORT_FORMATS } from "@/lib/frameworks/schemas";
import { readPageQuery } from "@/lib/http/query";
import { tableSort } from "@/components/ui/table-sort";
import { readReportList } from "@/lib/reports/read-reports";
import { createReportAction } from "./actions";
import { formatUtc } from "@/components/ui/format-utc";

export const metadata: Metadata = { title: "Reports" };
export const dynamic = "force-dynamic";

const FORMAT_LABELS: Record<(typeof REPORT_FORMATS)[number], string> = { html: "Printable HTML", csv: "CSV", json: "JSON", oscal: "OSCAL assessment results" };

const scopeText = (scope: unknown) => {
  const value = scope as { kind: string; teamId?: string; environment?: string; agentId?: string };
  return value.kind === "all" ? "All agents" : value.kind === "team" ? `Team ${value.teamId}` : value.kind === "environment" ? `Environment ${value.environment}` : `Agent ${value.agentId}`;
};

/** Reads the snapshot list from the read replica when one is configured and close enough (docs/operations.md, *Read replica*); after this browser creates a report, the primary. */
export default async function ReportsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  return readingFromReplica(() => ReportsPageContent(params));
}

async function ReportsPageContent(params: Record<string, string | string[] | undefined>) {
  const ctx = await requirePageActor("reports.read", "/reports");
  const canExport = hasPermission(ctx.actor, "reports.export");
  const { sort } = readPageQuery(params, ListReportsQuery);
  const reports = await readReportList({ ctx, sort });
  // The trend chart's cache key is the newest snapshot, whatever order the table shows.
  const newest = reports.reduce<(typeof reports)[number] | undefined>((found, report) => (!found || report.createdAt > found.createdAt ? report : found), undefined);
  const frameworks = hasPermission(ctx.actor, "frameworks.read") ? await readFrameworks({ ctx }) : [];
  const options = hasPermission(ctx.actor, "frameworks.read") ? await readScopeOptions({ ctx }) : { teams: [], environments: [] as const };
  const today = new Date();
  const monthAgo = new Date(today.getTime() - 30 * 86_400_000);
  return (
    <>
      <PageHeader title="Reports" description="Immutable alignment snapshots: each is stored with its SHA-256, who made it and when, and downloads in four formats." />
      {canExport ? (
        <section className="card" aria-labelledby="create-report-heading">
          <h2 id="create-report-heading">Create a report</h2>
          <CreateReportForm
            action={createReportAction}
            frameworks={frameworks.map((framework) => ({ id: framework.id, name: framework.name }))}
            teams={options.teams}
            environments={options.environments}
            defaultStart={monthAgo.toISOString().slice(0, 10)}
            defaultEnd={today.toISOString().slice(0, 10)}
          />
        </section>
      ) : null}
      <section className="card" aria-labelledby="trend-heading">
        <h2 id="trend-heading">Coverage trend</h2>
        {/* eslint-disable-next-line @next/next/no-img-element -- a server-rendered SVG chart, not a photo to optimise */}
        <img src={`/api/v1/reports/trend?${new URLSearchParams({ v: newest?.id ?? "none" })}`} alt="Coverage per framework over time, from stored all-agent snapshots" className="trend-chart" />
      </section>
      {reports.length === 0 ? (
        <EmptyState title="No reports yet">{canExport ? "Create the first snapshot above; it will appear here with its hash." : "A risk officer or security engineer creates snapshots; they will appear here."}</EmptyState>
      ) : (
        <DataTable
          aria-label="Report snapshots"
          rows={reports}
          rowKey={(report) => report.id}
          rowAttributes={(report) => ({ "data-report": report.id })}
          sort={tableSort("/reports", sort, params)}
          columns={[
            {
              header: "Report",
              sortKey: "title",
              rowHeader: true,
              cell: (report) => (
                <>
                  {report.title}
                  <div className="muted small mono">{report.id}</div>
                  <div className="muted small">{report.frameworkIds.join(", ")}</div>
                </>
              ),
            },
            {
              header: "Scope and period",
              sortKey: "period",
              cell: (report) => (
                <>
                  {scopeText(report.scope)}
                  <div className="muted small">
                    {periodText({ start: report.periodStart, end: report.periodEnd })}
                  </div>
                </>
              ),
            },
            {
              header: "Created",
              sortKey: "created",
              cell: (report) => (
                <>
                  {report.createdByLabel}
                  <div className="muted small">{formatUtc(report.createdAt, "second")} UTC</div>
                </>
              ),
            },
            {
              header: "SHA-256",
              className: "mono small hash-cell",
              title: (report) => report.sha256,
              cell: (report) => (
                <>
                  {report.sha256}
                  <div className="small">
                    <a href={`/api/v1/reports/${report.id}/verify`}>Verify against its anchor</a>
                  </div>
                </>
              ),
            },
            {
              header: "Download",
              cell: (report) =>
                canExport ? (
                  <ul className="plain-list small">
                    {REPORT_FORMATS.map((format) => (
                      <li key={format}>
                        {format === "html" ? (
                          <a href={`/api/v1/reports/${report.id}/download?format=${format}`} target="_blank" rel="noopener noreferrer">
                            {FORMAT_LABELS[format]}
                            <span className="visually-hidden"> (opens in a new tab)</span>
                          </a>
                        ) : (
                          <a href={`/api/v1/reports/${report.id}/download?format=${format}`} download>
                            {FORMAT_LABELS[format]}
                          </a>
                        )}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted small">Export needs the reports.export permission</span>
                ),
            },
          ]}
        />
      )}
    </>
  );
}
