"use client";

import { useId } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type TrendSeries = { key: string; label: string; color: string };
/** One point in time: its label on the x axis (e.g. an ISO date) and a value per series key. */
export type TrendPoint = { label: string; values: Record<string, number> };

/**
 * Lines over time (recharts) with the same numbers as a table under "Show the numbers", the chart's
 * text alternative (or the page's own table, `table={false}`). `unit` is appended to values ("%" for coverage; empty for counts).
 */
export function TrendChart({
  title,
  series,
  points,
  unit = "",
  height = 180,
  table = true,
}: {
  title: string;
  series: TrendSeries[];
  points: TrendPoint[];
  unit?: string;
  height?: number;
  /** False where the page shows the same numbers in a table of its own right after the chart. */
  table?: boolean;
}) {
  const captionId = useId();
  const data = points.map((point) => ({ label: point.label, ...point.values }));
  const last = points.at(-1);
  const summary = last ? `${title}, ${points.length} points from ${points[0]!.label} to ${last.label}; latest: ${series.map((s) => `${s.label} ${last.values[s.key] ?? 0}${unit}`).join(", ")}` : `${title}: no data yet`;
  return (
    <figure className="chart-card" aria-labelledby={captionId}>
      <figcaption id={captionId}>
        <strong>{title}</strong>
      </figcaption>
      <div className="chart-area" role="img" aria-label={summary}>
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" stroke="var(--muted)" fontSize={11} minTickGap={24} />
            <YAxis allowDecimals={false} stroke="var(--muted)" fontSize={11} width={40} unit={unit} />
            <Tooltip contentStyle={{ background: "var(--surface)", border: "1px solid var(--border)", color: "var(--text)" }} />
            {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
            {series.map((s) => (
              <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={2} dot={points.length < 20} isAnimationActive={false} unit={unit} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      {table ? (
        <details>
          <summary>Show the numbers</summary>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  {series.map((s) => (
                    <th scope="col" key={s.key}>
                      {s.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {points.map((point) => (
                  <tr key={point.label}>
                    <th scope="row" className="mono">
                      {point.label}
                    </th>
                    {series.map((s) => (
                      <td key={s.key}>{`${point.values[s.key] ?? 0}${unit}`}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}
    </figure>
  );
}
