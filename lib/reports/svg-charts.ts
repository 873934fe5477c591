import type { CoverageSummary } from "../frameworks/alignment";

export const escapeXml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!);

const COLORS = { covered: "#067647", partial: "#b88700", gap: "#b42318", notApplicable: "#8a94a6" };

/** Stacked horizontal bars, one per framework: covered / partial / gap / not applicable. */
export function coverageBarsSvg(rows: (CoverageSummary & { label: string })[]): string {
  const width = 720;
  const labelWidth = 190;
  const barWidth = width - labelWidth - 70;
  const rowHeight = 30;
  const height = rows.length * rowHeight + 40;
  const bars = rows
    .map((row, index) => {
      const y = 10 + index * rowHeight;
      const total = row.covered + row.partial + row.gap + row.notApplicable || 1;
      let x = labelWidth;
      const segments = (["covered", "partial", "gap", "notApplicable"] as const)
        .map((key) => {
          const w = (barWidth * row[key]) / total;
          const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="20" fill="${COLORS[key]}"><title>${key}: ${row[key]}</title></rect>`;
          x += w;
          return rect;
        })
        .join("");
      return `<text x="0" y="${y + 15}" font-size="12">${escapeXml(row.label)}</text>${segments}<text x="${labelWidth + barWidth + 6}" y="${y + 15}" font-size="12">${row.percent}%</text>`;
    })
    .join("");
  const legendY = height - 14;
  const legend = (["covered", "partial", "gap", "notApplicable"] as const)
    .map((key, i) => `<rect x="${labelWidth + i * 120}" y="${legendY - 10}" width="12" height="12" fill="${COLORS[key]}"/><text x="${labelWidth + i * 120 + 16}" y="${legendY}" font-size="12">${key === "notApplicable" ? "not applicable" : key}</text>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Coverage by framework" font-family="system-ui, sans-serif" fill="currentColor">${bars}${legend}</svg>`;
}

export type TrendSeries = { label: string; points: { at: Date; percent: number }[] };

const PALETTE = ["#2f55d4", "#067647", "#b42318", "#8a5a00", "#7a3fc8", "#0e7490", "#be185d"];

/** Coverage percentage per framework over time, one line per framework. */
export function coverageTrendSvg(series: TrendSeries[]): string {
  const width = 720;
  const height = 280;
  const left = 44;
  const right = 180;
  const top = 14;
  const bottom = 36;
  const all = series.flatMap((line) => line.points);
  if (all.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 60" width="100%" role="img" aria-label="No coverage history yet" font-family="system-ui, sans-serif" fill="currentColor"><text x="10" y="35" font-size="13">No snapshots yet: create a report to start the trend.</text></svg>`;
  }
  const minT = Math.min(...all.map((p) => p.at.getTime()));
  const maxT = Math.max(...all.map((p) => p.at.getTime()));
  const span = maxT - minT || 1;
  const x = (t: number) => left + ((width - left - right) * (t - minT)) / span;
  const y = (percent: number) => top + ((height - top - bottom) * (100 - percent)) / 100;
  const grid = [0, 25, 50, 75, 100]
    .map((p) => `<line x1="${left}" x2="${width - right}" y1="${y(p)}" y2="${y(p)}" stroke="#8a94a6" stroke-opacity="0.35"/><text x="4" y="${y(p) + 4}" font-size="11">${p}%</text>`)
    .join("");
  const lines = series
    .map((line, index) => {
      const color = PALETTE[index % PALETTE.length];
      const points = line.points.map((p) => `${x(p.at.getTime()).toFixed(1)},${y(p.percent).toFixed(1)}`).join(" ");
      const dots = line.points
        .map((p) => `<circle cx="${x(p.at.getTime()).toFixed(1)}" cy="${y(p.percent).toFixed(1)}" r="3" fill="${color}"><title>${escapeXml(line.label)} ${p.at.toISOString().slice(0, 16)}: ${p.percent}%</title></circle>`)
        .join("");
      const legend = `<rect x="${width - right + 12}" y="${top + index * 18}" width="10" height="10" fill="${color}"/><text x="${width - right + 26}" y="${top + index * 18 + 9}" font-size="11">${escapeXml(line.label)}</text>`;
      return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>${dots}${legend}`;
    })
    .join("");
  const axis = `<text x="${left}" y="${height - 10}" font-size="11">${new Date(minT).toISOString().slice(0, 10)}</text><text x="${width - right}" y="${height - 10}" font-size="11" text-anchor="end">${new Date(maxT).toISOString().slice(0, 10)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Coverage trend by framework" font-family="system-ui, sans-serif" fill="currentColor">${grid}${lines}${axis}</svg>`;
}
