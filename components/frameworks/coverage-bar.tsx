type Coverage = { covered: number; partial: number; gap: number; notApplicable: number; percent: number };

/** How the percentage is counted (lib/frameworks/alignment.ts): shown beside every bar, so "partial" is never a surprise. */
export const COVERAGE_RULE = "Coverage % = (covered + ½ × partial) ÷ applicable items; not-applicable items are left out.";

/** Stacked bar of item statuses with a text equivalent for screen readers and the counting rule as its legend. */
export function CoverageBar({ coverage }: { coverage: Coverage }) {
  const total = coverage.covered + coverage.partial + coverage.gap + coverage.notApplicable || 1;
  const label = `${coverage.percent}% coverage: ${coverage.covered} covered, ${coverage.partial} partial, ${coverage.gap} gaps, ${coverage.notApplicable} not applicable`;
  return (
    <div className="coverage">
      <div className="coverage-bar" role="img" aria-label={label}>
        <span className="seg covered" style={{ width: `${(100 * coverage.covered) / total}%` }} />
        <span className="seg partial" style={{ width: `${(100 * coverage.partial) / total}%` }} />
        <span className="seg gap" style={{ width: `${(100 * coverage.gap) / total}%` }} />
        <span className="seg na" style={{ width: `${(100 * coverage.notApplicable) / total}%` }} />
      </div>
      <span className="muted">{label}</span>
      <span className="muted small coverage-legend">
        <span className="swatch covered" aria-hidden="true" /> covered <span className="swatch partial" aria-hidden="true" /> partial (counts half) <span className="swatch gap" aria-hidden="true" /> gap{" "}
        <span className="swatch na" aria-hidden="true" /> not applicable. {COVERAGE_RULE}
      </span>
    </div>
  );
}
