import Link from "next/link";
import { DecisionsChart } from "@/components/charts/decisions-chart";
import { outcomeLabel } from "@/components/charts/outcome-colors";
import type { Overview } from "@/lib/overview/overview";
import { decisionsHref } from "./links";
import { formatCount, formatRate, Stat } from "./stat";

const HOUR_MS = 3_600_000;

/** Decisions in the last hour and day per outcome with the deny rate, and the chart over the chosen quick range. */
export function DecisionsCard({ decisions, now, outcomes, ranges }: { decisions: NonNullable<Overview["decisions"]>; now: Date; outcomes: readonly string[]; ranges: { key: string; label: string }[] }) {
  const rangeLabel = ranges.find((range) => range.key === decisions.chart.range)?.label ?? decisions.chart.range;
  const hour = { from: new Date(now.getTime() - HOUR_MS), to: now };
  const day = { from: new Date(now.getTime() - 24 * HOUR_MS), to: now };
  const dayTotal = Object.values(decisions.lastDay).reduce((sum, value) => sum + value, 0);
  const { chart } = decisions;
  const bucket = chart.bucketSeconds === 60 ? "minute" : chart.bucketSeconds === 3_600 ? "hour" : `${chart.bucketSeconds / 3_600} hours`;
  return (
    <section className="card overview-card overview-wide" aria-labelledby="overview-decisions">
      <h2 id="overview-decisions">Decisions</h2>
      {dayTotal === 0 && chart.buckets.length === 0 ? (
        <p>
          No decision in the last day. Register an enforcement point and point its decision log at Steward (<Link href="/enforcement-points">Enforcement points</Link>), or run{" "}
          <code>npm run demo:traffic</code> to see sample traffic.
        </p>
      ) : null}
      <div className="stat-grid">
        {(["lastHour", "lastDay"] as const).map((key) => {
          const window = key === "lastHour" ? hour : day;
          const counts = decisions[key];
          const total = Object.values(counts).reduce((sum, value) => sum + value, 0);
          const rate = key === "lastHour" ? decisions.denyRateHour : decisions.denyRateDay;
          return (
            <div key={key} className="stat-group" role="group" aria-label={key === "lastHour" ? "Last hour" : "Last 24 hours"}>
              <h3>{key === "lastHour" ? "Last hour" : "Last 24 hours"}</h3>
              <div className="stat-row">
                <Stat value={formatCount(total)} label="decisions" href={decisionsHref(window)} />
                {outcomes.map((outcome) => (
                  <Stat key={outcome} value={formatCount(counts[outcome] ?? 0)} label={outcomeLabel(outcome)} href={decisionsHref({ ...window, outcome })} tone={outcome === "deny" && counts.deny ? "danger" : undefined} />
                ))}
                <Stat value={formatRate(rate)} label="deny rate" href={decisionsHref({ ...window, outcome: "deny" })} />
              </div>
            </div>
          );
        })}
      </div>
      <nav className="quick-ranges" aria-label="Chart range">
        {ranges.map(({ key, label }) => (
          <Link key={key} href={key === "24h" ? "/" : `/?range=${key}`} aria-current={key === chart.range ? "true" : undefined} className="button">
            {label}
          </Link>
        ))}
        <Link href={decisionsHref({ from: chart.from, to: chart.to })}>Open in the explorer</Link>
      </nav>
      <DecisionsChart
        title={`Decisions per ${bucket} by outcome, last ${rangeLabel}`}
        buckets={chart.buckets}
        from={chart.from.toISOString()}
        to={chart.to.toISOString()}
        bucketSeconds={chart.bucketSeconds}
        outcomes={outcomes}
        zoomHref="/decisions/explore"
      />
    </section>
  );
}
