import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { decisionRateChart, exploreDecisions, ExploreQuery } from "@/lib/decisions/explore-decisions";
import { OUTCOME_VALUES } from "@/lib/decisions/schemas";
import { listEnforcementPoints } from "@/lib/enforcement-points/list-enforcement-points";
import { decisionHref, traceHref } from "../decision-links";
import { DecisionsNav } from "../decisions-nav";
import { FilterForm } from "../filter-form";
import { DecisionCells } from "../decision-cells";
import { RateChart } from "../rate-chart";
import { formatUtc } from "@/components/ui/format-utc";
import { readPageQuery } from "@/lib/http/query";

export const metadata: Metadata = { title: "Explore decisions" };
export const dynamic = "force-dynamic";

const localInput = (date: Date) => date.toISOString().slice(0, 16);

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("decisions.read", "/decisions/explore");
  const params = await searchParams;
  const query = readPageQuery(params, ExploreQuery);
  const [page, chart, points] = await Promise.all([exploreDecisions({ ctx, query }), decisionRateChart({ ctx, query }), listEnforcementPoints({ ctx })]);
  const epNames = new Map(points.map((ep) => [ep.id, ep.name]));
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
      <RateChart counts={chart.counts} from={chart.range.from} to={chart.range.to} bucketSeconds={chart.bucketSeconds} outcomes={OUTCOME_VALUES} />
      {page.rows.length === 0 ? (
        <EmptyState title="No decision in this range">Widen the time range or clear a filter. New decisions show up on the live feed as they arrive.</EmptyState>
      ) : (
        <div className="table-wrap card" tabIndex={0}>
          <table>
            <caption className="visually-hidden">Decisions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Outcome</th>
                <th scope="col">Agent</th>
                <th scope="col">Action</th>
                <th scope="col">Resource</th>
                <th scope="col">Enforcement point</th>
                <th scope="col">Trace</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => {
                const summary = { enforcementPointId: row.enforcementPointId, decisionId: row.decisionId, time: row.time.toISOString(), traceId: row.traceId, taskId: row.taskId };
                const trace = traceHref(summary);
                return (
                  <tr key={`${row.enforcementPointId}/${row.decisionId}`}>
                    <DecisionCells
                      href={decisionHref(summary)}
                      timeLabel={formatUtc(row.time, "millisecond")}
                      outcome={row.outcome}
                      agentRef={row.agentRef}
                      actionName={row.actionName}
                      resource={`${row.resourceType}:${row.resourceId}`}
                      enforcementPoint={epNames.get(row.enforcementPointId) ?? row.enforcementPointId}
                    />
                    <td>{trace ? <Link href={trace}>trace</Link> : <span className="muted">—</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {page.next ? (
            <p>
              <Link className="button" href={`/decisions/explore?${nextParams}`}>
                Older decisions →
              </Link>
            </p>
          ) : null}
        </div>
      )}
    </>
  );
}
