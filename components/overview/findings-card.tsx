import Link from "next/link";
import { TrendChart } from "@/components/charts/trend-chart";
import { findingsHref } from "./links";
import { formatCount } from "./stat";

/** Open findings per kind, each with its change over the last 7 days of snapshots, and the 30-day trend of all open findings. */
export function FindingsCard({ open, trend, labels }: { open: Record<string, number>; trend: { day: string; counts: Record<string, number> }[]; labels: Record<string, string> }) {
  const total = Object.values(open).reduce((sum, value) => sum + value, 0);
  const weekAgo = trend.length > 7 ? trend[trend.length - 8]!.counts : trend[0]?.counts;
  const kinds = Object.keys(labels).filter((kind) => open[kind] || weekAgo?.[kind]);
  return (
    <section className="card overview-card" aria-labelledby="overview-findings">
      <h2 id="overview-findings">
        Open findings: <Link href={findingsHref()}>{formatCount(total)}</Link>
      </h2>
      {kinds.length === 0 ? (
        <p>No open finding. Findings appear when an agent is orphaned, stale, discovered or acts outside its declared scope; they refresh every few minutes.</p>
      ) : (
        <div className="table-wrap"><table className="compact">
          <caption className="visually-hidden">Open findings by kind, with the change since a week ago</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Open</th>
              <th scope="col">7-day change</th>
            </tr>
          </thead>
          <tbody>
            {kinds.map((kind) => {
              const delta = weekAgo ? (open[kind] ?? 0) - (weekAgo[kind] ?? 0) : null;
              return (
                <tr key={kind}>
                  <th scope="row">{labels[kind]}</th>
                  <td>
                    <Link href={findingsHref(kind)} aria-label={`${open[kind] ?? 0} open ${labels[kind]} findings`}>
                      {formatCount(open[kind] ?? 0)}
                    </Link>
                  </td>
                  <td className={delta && delta > 0 ? "trend-up" : delta && delta < 0 ? "trend-down" : "muted"}>{delta === null ? "—" : delta > 0 ? `+${delta}` : delta === 0 ? "±0" : String(delta)}</td>
                </tr>
              );
            })}
          </tbody>
        </table></div>
      )}
      {trend.length > 1 ? (
        <TrendChart
          title="Open findings per day (30 days)"
          series={[{ key: "open", label: "open findings", color: "var(--outcome-deny)" }]}
          points={trend.map((point) => ({ label: point.day, values: { open: Object.values(point.counts).reduce((sum, value) => sum + value, 0) } }))}
          height={140}
        />
      ) : null}
    </section>
  );
}
