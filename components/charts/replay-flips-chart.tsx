"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type ReplayFlipGroup = { agentId: string; action: string; allowToDeny: number; denyToAllow: number };

const TOP = 10;

/**
 * Horizontal bars of a replay's flips (allow → deny, deny → allow) for the agent/action pairs with
 * the most, at most ten. The replay's table of every pair is its text alternative; the summary says
 * what the bars show for screen readers.
 */
export function ReplayFlipsChart({ groups }: { groups: ReplayFlipGroup[] }) {
  const top = [...groups].sort((a, b) => b.allowToDeny + b.denyToAllow - (a.allowToDeny + a.denyToAllow)).slice(0, TOP);
  if (!top.length) return null;
  const data = top.map((group) => ({ name: `${group.agentId} · ${group.action}`, allowToDeny: group.allowToDeny, denyToAllow: group.denyToAllow }));
  const summary = `Flips for the ${top.length} agent and action pairs with the most: ${data.map((row) => `${row.name}: ${row.allowToDeny} allow to deny, ${row.denyToAllow} deny to allow`).join("; ")}`;
  return (
    <figure className="chart-card">
      <figcaption>
        <strong>Flips by agent and action</strong> <span className="muted">(top {top.length}; every pair is in the table below)</span>
      </figcaption>
      <div className="chart-area" role="img" aria-label={summary}>
        <ResponsiveContainer width="100%" height={40 + top.length * 28}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} stroke="var(--muted)" fontSize={11} />
            <YAxis type="category" dataKey="name" width={180} stroke="var(--muted)" fontSize={11} tickFormatter={(value: string) => (value.length > 28 ? `${value.slice(0, 27)}…` : value)} />
            <Tooltip contentStyle={{ background: "var(--surface)", border: "1px solid var(--border)", color: "var(--text)" }} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="allowToDeny" name="allow → deny" stackId="flip" fill="var(--outcome-deny)" isAnimationActive={false} />
            <Bar dataKey="denyToAllow" name="deny → allow" stackId="flip" fill="var(--outcome-allow)" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
