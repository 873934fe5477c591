import { DecisionAction } from "@/components/decisions/decision-action";
import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { readingFromReplica } from "@/app/_server/read-scope";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { decisionRateChart, exploreDecisions, ExploreQuery } from "@/lib/decisions/explore-decisions";
import { OUTCOME_VALUES } from "@/lib/decisions/schemas";
import { listEnforcementPoints } from "@/lib/enforcement-points/list-enforcement-points";
import { decisionHref, traceHref } from "@/components/ui/entity-links";
import { DecisionsNav } from "@/components/decisions/decisions-nav";
import { FilterForm } from "@/components/decisions/filter-form";
import { DecisionAgentRef } from "@/components/decisions/decision-cells";
import { OutcomeBadge } from "@/components/ui/status-badge";
import { DataTable } from "@/components/ui/data-table";
import { EntityRef } from "@/components/ui/entity-ref";
import { Pagination } from "@/components/ui/pagination";
import { tableSort } from "@/components/ui/table-sort";
import { DecisionsChart } from "@/components/charts/decisions-chart";
import { toChartBuckets } from "@/lib/overview/overview";
import { QUICK_RANGE_KEYS, QUICK_RANGES } from "@/lib/overview/ranges";
import { formatUtc } from "@/components/ui/format-utc";
import { readPageQuery } from "@/lib/http/query";

export const metadata: Metadata = { title: "Explore decisions" };
export const dynamic = "force-dynamic";

const localInput = (date: Date) => date.toISOString().slice(0, 16);
type ExploredRow = Awaited<ReturnType<typeof exploreDecisions>>["rows"][number];
const summaryOf = (row: ExploredRow) => ({ enforcementPointId: row.enforcementPointId, decisionId: row.decisionId, time: row.time.toISOString(), traceId: row.traceId, taskId: row.taskId });

async function PageContent({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("decisions.read", "/decisions/explore");
  const params = await searchParams;
  const query = readPageQuery(params, ExploreQuery);
  const [page, chart, points] = await Promise.all([exploreDecisions({ ctx, query }), decisionRateChart({ ctx, query }), listEnforcementPoints({ ctx })]);
  const filterParams = Object.entries({ agent: query.agent, action: query.action, outcome: query.outcome, ep: query.ep, q: query.q }).filter((entry): entry is [string, string] => Boolean(entry[1]));
  const withRange = (from: Date, to: Date) => `/decisions/explore?${new URLSearchParams([...filterParams, ["from", from.toISOString()], ["to", to.toISOString()]])}`;
  const now = new Date();
  const spanMs = chart.range.to.getTime() - chart.range.from.getTime();
  const nextParams = new URLSearchParams(Object.entries({ ...query, from: page.range.from.toISOString(), to: page.range.to.toISOString(), cursor: page.next ?? "" }).filter(([, value]) => value !== undefined && value !== "").map(([key, value]) => [key, String(value)]));
  return (
    <>
      <PageHeader title="Explore decisions" description="Past decisions by time range and filters. Times are UTC." />
      <DecisionsNav current="/decisions/explore" />
      <FilterForm action="/decisions/explore" filter={query} enforcementPoints={points} outcomes={OUTCOME_VALUES}>
        <div className="field">
          <label htmlFor="filter-from">From (UTC)</label>
          <input id="filter-from" name="from" type="datetime-local" defaultValue={localInput(page.range.from)} />
        </div>
        <div className="field">
          <label htmlFor="filter-to">To (UTC)</label>
          <input id="filter-to" name="to" type="datetime-local" defaultValue={localInput(page.range.to)} />
        </div>
      </FilterForm>
      <nav className="quick-ranges" aria-label="Time range">
        {QUICK_RANGE_KEYS.map((key) => (
          <Link key={key} className="button" href={withRange(new Date(now.getTime() - QUICK_RANGES[key].spanMs), now)} aria-current={Math.abs(spanMs - QUICK_RANGES[key].spanMs) < 60_000 && now.getTime() - chart.range.to.getTime() < 120_000 ? "true" : undefined}>
            Last {QUICK_RANGES[key].label}
          </Link>
        ))}
      </nav>
      <DecisionsChart
        title="Decisions over time by outcome"
        buckets={toChartBuckets(chart.counts)}
        from={chart.range.from.toISOString()}
        to={chart.range.to.toISOString()}
        bucketSeconds={chart.bucketSeconds}
        outcomes={OUTCOME_VALUES}
        zoomHref={`/decisions/explore?${new URLSearchParams(filterParams)}`}
      />
      {page.rows.length === 0 ? (
        <EmptyState title="No decision in this range">Widen the time range or clear a filter. New decisions show up on the live feed as they arrive.</EmptyState>
      ) : (
        <>
          <DataTable
            card
            caption={query.sort === "time" ? "Decisions, oldest first" : "Decisions, newest first"}
            rows={page.rows}
            rowKey={(row) => `${row.enforcementPointId}/${row.decisionId}`}
            sort={tableSort("/decisions/explore", query.sort, { ...params, from: page.range.from.toISOString(), to: page.range.to.toISOString() })}
            columns={[
              { header: "Time (UTC)", sortKey: "time", className: "mono", cell: (row) => <Link href={decisionHref(summaryOf(row))}>{formatUtc(row.time, "millisecond")}</Link> },
              { header: "Outcome", cell: (row) => <OutcomeBadge outcome={row.outcome} /> },
              { header: "Agent", cell: (row) => <DecisionAgentRef {...row} /> },
              { header: "Action", className: "mono", cell: (row) => <DecisionAction name={row.actionName} kind={row.actionKind} clip /> },
              { header: "Resource", className: "mono", cell: (row) => `${row.resourceType}:${row.resourceId}` },
              { header: "Enforcement point", cell: (row) => <EntityRef kind="enforcement_point" id={row.enforcementPointId} name={row.enforcementPointName} /> },
              {
                header: "Trace",
                cell: (row) => {
                  const trace = traceHref(summaryOf(row));
                  return trace ? <Link href={trace}>trace</Link> : <span className="muted">—</span>;
                },
              },
            ]}
          />
          {/* No total: counting a range of the decisions table would scan it (docs/console.md "Tables"). */}
          <Pagination noun="Decisions" first={query.cursor ? undefined : 1} shown={page.rows.length} nextHref={page.next ? `/decisions/explore?${nextParams}` : undefined} label={query.sort === "time" ? "Newer decisions" : "Older decisions"} />
        </>
      )}
    </>
  );
}

/** Reads from the read replica when one is configured and close enough (docs/operations.md, *Read replica*). */
export default async function Page(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return readingFromReplica(() => PageContent(props));
}
