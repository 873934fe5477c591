import { TrendChart } from "@/components/charts/trend-chart";
import { DataTable } from "@/components/ui/data-table";

const TREND_COLORS = ["var(--chart-deny)", "var(--chart-allow)", "var(--chart-approval)", "var(--chart-error)", "var(--accent)", "var(--ok)", "var(--danger)", "var(--warn)"];

/** One day of the findings snapshot: open findings per kind (kinds with none may be absent). */
export type FindingsTrendDay = { day: string; counts: Partial<Record<string, number>> };

const totalOf = (day: FindingsTrendDay) => Object.values(day.counts).reduce<number>((sum, count) => sum + (count ?? 0), 0);

/** Open findings per day: a chart of all kinds and of each kind seen, with the same numbers as a table. */
export function FindingsTrend({ trend, kinds, labels }: { trend: FindingsTrendDay[]; kinds: readonly string[]; labels: Record<string, string> }) {
  const maxTrend = Math.max(1, ...trend.map(totalOf));
  const label = (kind: string) => labels[kind] ?? kind;
  return (
    <section className="card" aria-labelledby="h-trend">
      <h2 id="h-trend">Trend (open findings per day)</h2>
      {trend.length === 0 ? (
        <p className="muted">No snapshot yet: each findings refresh records the day&apos;s counts.</p>
      ) : (
        <>
          <TrendChart
            title="Open findings per day: all, and each kind seen"
            table={false}
            series={[
              { key: "total", label: "all kinds", color: "var(--text)" },
              ...kinds.filter((kind) => trend.some((day) => day.counts[kind])).map((kind, i) => ({ key: kind, label: label(kind), color: TREND_COLORS[i % TREND_COLORS.length]! })),
            ]}
            points={trend.map((day) => ({ label: day.day, values: { total: totalOf(day), ...Object.fromEntries(Object.entries(day.counts).map(([kind, count]) => [kind, count ?? 0])) } }))}
          />
          <DataTable
            caption="Open findings per day and kind"
            rows={trend}
            rowKey={(day) => day.day}
            columns={[
              { header: "Day", rowHeader: true, cell: (day) => day.day },
              {
                header: "Total",
                cell: (day) => (
                  <>
                    <span className="trend-bar" style={{ inlineSize: `${Math.round((totalOf(day) / maxTrend) * 100)}%` }} aria-hidden="true" />
                    {totalOf(day)}
                  </>
                ),
              },
              ...kinds.map((kind) => ({ header: label(kind), cell: (day: FindingsTrendDay) => day.counts[kind] ?? 0 })),
            ]}
          />
        </>
      )}
    </section>
  );
}
