import Link from "next/link";
import { TrendChart } from "@/components/charts/trend-chart";
import type { FrameworkCoverage, Overview } from "@/lib/overview/overview";
import { Ago } from "./ago";

const SERIES_COLORS = ["var(--outcome-allow)", "var(--outcome-deny)", "var(--outcome-approval)", "var(--outcome-error)", "var(--accent)", "var(--ok)", "var(--danger)"];

/** Framework coverage from the latest all-agent report per catalog, its trend over reports, and what changed last (publish, report). */
export function ComplianceCard({ coverage, changes, now, canReadReports }: { coverage: FrameworkCoverage[] | null; changes: Overview["changes"]; now: Date; canReadReports: boolean }) {
  const reportDates = [...new Set((coverage ?? []).flatMap((framework) => framework.history.map((point) => point.at.toISOString())))].sort();
  return (
    <section className="card overview-card overview-wide" aria-labelledby="overview-compliance">
      <h2 id="overview-compliance">Coverage and changes</h2>
      <ul className="overview-changes">
        <li>
          Last policy publish:{" "}
          {changes.lastPublish ? (
            <Link href="/policies">
              revision {changes.lastPublish.revision} by {changes.lastPublish.authorLabel}, <Ago at={changes.lastPublish.createdAt} now={now} />
            </Link>
          ) : (
            <Link href="/policies">none yet — write and publish a policy</Link>
          )}
        </li>
        {canReadReports ? (
          <li>
            Last report:{" "}
            {changes.lastReport ? (
              <Link href="/reports">
                {changes.lastReport.title}, <Ago at={changes.lastReport.createdAt} now={now} />
              </Link>
            ) : (
              <Link href="/reports">none yet — create one to record coverage</Link>
            )}
          </li>
        ) : null}
      </ul>
      {coverage === null ? null : coverage.length === 0 ? (
        <p>
          No coverage recorded yet. Coverage per catalog comes from reports over all agents: <Link href="/reports">create a report</Link>, or see live alignment on{" "}
          <Link href="/frameworks">Frameworks</Link>.
        </p>
      ) : (
        <>
          <div className="table-wrap"><table className="compact">
            <caption className="visually-hidden">Coverage per framework, from the latest report over all agents</caption>
            <thead>
              <tr>
                <th scope="col">Framework</th>
                <th scope="col">Coverage</th>
                <th scope="col">Covered / partial / gap</th>
                <th scope="col">As of</th>
              </tr>
            </thead>
            <tbody>
              {coverage.map((framework) => (
                <tr key={framework.frameworkId}>
                  <th scope="row">
                    <Link href={`/frameworks/${encodeURIComponent(framework.frameworkId)}`}>{framework.name}</Link>
                  </th>
                  <td>{framework.latest.percent}%</td>
                  <td>
                    {framework.latest.covered} / {framework.latest.partial} / {framework.latest.gap}
                  </td>
                  <td>
                    <Ago at={framework.latest.at} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table></div>
          <p className="muted">A partial item counts as half in the percentage.</p>
          {reportDates.length > 1 ? (
            <TrendChart
              title="Coverage per framework over reports (%)"
              unit="%"
              series={coverage.map((framework, i) => ({ key: framework.frameworkId, label: framework.name, color: SERIES_COLORS[i % SERIES_COLORS.length]! }))}
              points={reportDates.map((at) => ({
                label: at.slice(0, 16).replace("T", " "),
                values: Object.fromEntries(coverage.flatMap((framework) => framework.history.filter((point) => point.at.toISOString() === at).map((point) => [framework.frameworkId, point.percent]))),
              }))}
            />
          ) : null}
        </>
      )}
    </section>
  );
}
