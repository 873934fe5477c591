"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Bar, BarChart, CartesianGrid, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { OUTCOME_COLORS, outcomeLabel } from "./outcome-colors";

/** One bar: its start (ISO) and decisions per outcome. */
export type DecisionsChartBucket = { start: string; counts: Record<string, number> };

type Props = {
  /** Visible title, e.g. "Decisions per hour by outcome". */
  title: string;
  buckets: DecisionsChartBucket[];
  /** The window drawn, ISO times; every bucket in it gets a bar (empty ones are 0). */
  from: string;
  to: string;
  bucketSeconds: number;
  outcomes: readonly string[];
  /**
   * Where a drag across the chart zooms to: this URL with `from` and `to` (ISO) set. Without it
   * the chart does not zoom.
   */
  zoomHref?: string;
};

const shortTime = (ms: number, bucketSeconds: number) => {
  const iso = new Date(ms).toISOString();
  return bucketSeconds >= 86_400 ? iso.slice(5, 10) : bucketSeconds >= 3_600 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
};

/**
 * Stacked bars of decisions per time bucket by outcome (recharts), with the numbers as a table
 * under "Show the numbers" — the chart's text alternative. Drag across bars to zoom when `zoomHref` is set.
 */
export function DecisionsChart({ title, buckets, from, to, bucketSeconds, outcomes, zoomHref }: Props) {
  const router = useRouter();
  const captionId = useId();
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dragTo, setDragTo] = useState<number | null>(null);
  const bucketMs = bucketSeconds * 1000;
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const byStart = new Map(buckets.map((bucket) => [Date.parse(bucket.start), bucket.counts]));
  const data: ({ start: number } & Record<string, number>)[] = [];
  for (let start = Math.floor(fromMs / bucketMs) * bucketMs; start < toMs; start += bucketMs) data.push({ start, ...Object.fromEntries(outcomes.map((outcome) => [outcome, byStart.get(start)?.[outcome] ?? 0])) });
  const totals = Object.fromEntries(outcomes.map((outcome) => [outcome, buckets.reduce((sum, bucket) => sum + (bucket.counts[outcome] ?? 0), 0)]));
  const total = Object.values(totals).reduce((sum, value) => sum + value, 0);
  const unit = bucketSeconds === 60 ? "minute" : bucketSeconds === 3_600 ? "hour" : bucketSeconds % 3_600 === 0 ? `${bucketSeconds / 3_600} hours` : `${bucketSeconds / 60} minutes`;
  const summary = `${total.toLocaleString("en")} decisions from ${from.slice(0, 16).replace("T", " ")} to ${to.slice(0, 16).replace("T", " ")} UTC: ${outcomes.map((outcome) => `${totals[outcome]!.toLocaleString("en")} ${outcomeLabel(outcome)}`).join(", ")}`;

  const finishDrag = () => {
    if (zoomHref && dragFrom !== null && dragTo !== null && dragFrom !== dragTo) {
      const start = Math.min(dragFrom, dragTo);
      const end = Math.max(dragFrom, dragTo) + bucketMs;
      const url = new URL(zoomHref, window.location.origin);
      url.searchParams.set("from", new Date(start).toISOString());
      url.searchParams.set("to", new Date(Math.min(end, toMs)).toISOString());
      url.searchParams.delete("cursor");
      router.push(`${url.pathname}?${url.searchParams}`);
    }
    setDragFrom(null);
    setDragTo(null);
  };
  const labelOf = (state: { activeLabel?: string | number } | null) => (state && state.activeLabel !== undefined ? Number(state.activeLabel) : null);

  return (
    <figure className="card chart-card" aria-labelledby={captionId}>
      <figcaption id={captionId}>
        <strong>{title}</strong> <span className="muted">({total.toLocaleString("en")} in range)</span>
        <span className="chart-legend">
          {outcomes.map((outcome) => (
            <span key={outcome}>
              <span className="swatch" style={{ background: OUTCOME_COLORS[outcome] }} aria-hidden="true" /> {outcomeLabel(outcome)}
            </span>
          ))}
        </span>
      </figcaption>
      <div className="chart-area" role="img" aria-label={summary}>
        <ResponsiveContainer width="100%" height={200}>
          <BarChart
            data={data}
            margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
            barCategoryGap={1}
            accessibilityLayer={false}
            onMouseDown={zoomHref ? (state) => setDragFrom(labelOf(state)) : undefined}
            onMouseMove={zoomHref ? (state) => dragFrom !== null && setDragTo(labelOf(state)) : undefined}
            onMouseUp={zoomHref ? finishDrag : undefined}
            onMouseLeave={zoomHref ? () => (setDragFrom(null), setDragTo(null)) : undefined}
            style={zoomHref ? { cursor: "crosshair", userSelect: "none" } : undefined}
          >
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="start" tickFormatter={(value: number) => shortTime(value, bucketSeconds)} stroke="var(--muted)" fontSize={11} minTickGap={24} />
            <YAxis allowDecimals={false} stroke="var(--muted)" fontSize={11} width={44} />
            <Tooltip
              labelFormatter={(value) => `${new Date(Number(value)).toISOString().slice(0, 16).replace("T", " ")} UTC`}
              contentStyle={{ background: "var(--surface)", border: "1px solid var(--border)", color: "var(--text)" }}
              cursor={{ fill: "var(--surface-2)" }}
            />
            {outcomes.map((outcome) => (
              <Bar key={outcome} dataKey={outcome} name={outcomeLabel(outcome)} stackId="outcome" fill={OUTCOME_COLORS[outcome]} isAnimationActive={false} />
            ))}
            {dragFrom !== null && dragTo !== null ? <ReferenceArea x1={Math.min(dragFrom, dragTo)} x2={Math.max(dragFrom, dragTo)} fill="var(--accent)" fillOpacity={0.2} /> : null}
          </BarChart>
        </ResponsiveContainer>
      </div>
      {zoomHref ? <p className="muted chart-hint">Drag across the bars to zoom into that time.</p> : null}
      <details>
        <summary>Show the numbers</summary>
        <p className="visually-hidden">{summary}</p>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{`${title}, per ${unit}`}</caption>
            <thead>
              <tr>
                <th scope="col">From (UTC)</th>
                {outcomes.map((outcome) => (
                  <th scope="col" key={outcome}>
                    {outcomeLabel(outcome)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {buckets.map((bucket) => (
                <tr key={bucket.start}>
                  <th scope="row" className="mono">
                    {bucket.start.slice(0, 16).replace("T", " ")}
                  </th>
                  {outcomes.map((outcome) => (
                    <td key={outcome}>{(bucket.counts[outcome] ?? 0).toLocaleString("en")}</td>
                  ))}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                {outcomes.map((outcome) => (
                  <td key={outcome}>{totals[outcome]!.toLocaleString("en")}</td>
                ))}
              </tr>
            </tfoot>
          </table>
        </div>
      </details>
    </figure>
  );
}
