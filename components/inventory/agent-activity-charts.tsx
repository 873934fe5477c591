import { TrendChart } from "@/components/charts/trend-chart";
import type { ActivityDay } from "@/lib/agents/activity-trend";

/** An agent's decisions, denies and deny rate per UTC day (from the daily rollup), each chart with its table. */
export function AgentActivityCharts({ days }: { days: ActivityDay[] }) {
  const total = days.reduce((sum, day) => sum + day.decisions, 0);
  return (
    <section className="card" aria-labelledby="h-activity">
      <h2 id="h-activity">Activity over time</h2>
      {total === 0 ? (
        <p className="muted">No decision recorded for this agent in the last {days.length} days (as of the last activity refresh, every 10 minutes).</p>
      ) : (
        <div className="grid-cards">
          <TrendChart
            title={`Decisions and denies per day (last ${days.length} days, UTC)`}
            series={[
              { key: "decisions", label: "decisions", color: "var(--outcome-allow)" },
              { key: "denies", label: "denies", color: "var(--outcome-deny)" },
            ]}
            points={days.map((day) => ({ label: day.day, values: { decisions: day.decisions, denies: day.denies } }))}
          />
          <TrendChart
            title="Deny rate per day (%)"
            unit="%"
            series={[{ key: "rate", label: "deny rate", color: "var(--outcome-deny)" }]}
            points={days.map((day) => ({ label: day.day, values: { rate: day.denyRatePercent } }))}
          />
        </div>
      )}
    </section>
  );
}
