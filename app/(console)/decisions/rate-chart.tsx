import { formatUtc } from "@/components/ui/format-utc";

const OUTCOME_COLORS: Record<string, string> = { allow: "var(--ok)", deny: "var(--danger)", approval_required: "var(--warn)", error: "var(--muted)" };

/** Stacked bars of decisions per bucket by outcome, in plain SVG, with the numbers as a table for screen readers. */
export function RateChart({ counts, from, to, bucketSeconds, outcomes }: { counts: { bucket: Date; outcome: string; count: number }[]; from: Date; to: Date; bucketSeconds: number; outcomes: readonly string[] }) {
  const bucketMs = bucketSeconds * 1000;
  const start = Math.floor(from.getTime() / bucketMs) * bucketMs;
  const bucketCount = Math.max(1, Math.ceil((to.getTime() - start) / bucketMs));
  const totals = new Map<number, Record<string, number>>();
  for (const row of counts) {
    const key = row.bucket.getTime();
    const entry = totals.get(key) ?? {};
    entry[row.outcome] = (entry[row.outcome] ?? 0) + row.count;
    totals.set(key, entry);
  }
  const max = Math.max(1, ...[...totals.values()].map((entry) => Object.values(entry).reduce((sum, value) => sum + value, 0)));
  const width = 720;
  const height = 160;
  const barWidth = width / bucketCount;
  const unit = bucketSeconds === 60 ? "minute" : `${bucketSeconds / 60} minutes`;
  const total = counts.reduce((sum, row) => sum + row.count, 0);
  return (
    <figure className="card rate-chart">
      <figcaption>
        <strong>Decisions per {unit} by outcome</strong> <span className="muted">({total.toLocaleString()} in range, peak {max.toLocaleString()})</span>
        <span className="chart-legend">
          {outcomes.map((outcome) => (
            <span key={outcome}>
              <span className="swatch" style={{ background: OUTCOME_COLORS[outcome] }} aria-hidden="true" /> {outcome}
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${total} decisions between ${from.toISOString()} and ${to.toISOString()}, at most ${max} per ${unit}`} preserveAspectRatio="none">
        {[...totals.entries()].map(([key, entry]) => {
          const x = ((key - start) / bucketMs) * barWidth;
          let y = height;
          return outcomes.map((outcome) => {
            const value = entry[outcome] ?? 0;
            if (!value) return null;
            const barHeight = (value / max) * (height - 4);
            y -= barHeight;
            return (
              <rect key={`${key}-${outcome}`} x={x} y={y} width={Math.max(1, barWidth - 1)} height={barHeight} fill={OUTCOME_COLORS[outcome]}>
                <title>{`${new Date(key).toISOString().slice(0, 16)} ${outcome}: ${value}`}</title>
              </rect>
            );
          });
        })}
      </svg>
      <details>
        <summary>Show the numbers</summary>
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">From (UTC)</th>
                {outcomes.map((outcome) => (
                  <th scope="col" key={outcome}>
                    {outcome}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...totals.entries()].map(([key, entry]) => (
                <tr key={key}>
                  <th scope="row" className="mono">
                    {formatUtc(key)}
                  </th>
                  {outcomes.map((outcome) => (
                    <td key={outcome}>{entry[outcome] ?? 0}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
