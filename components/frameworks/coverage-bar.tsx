type Coverage = { covered: number; partial: number; gap: number; notApplicable: number; percent: number };

/** Stacked bar of item statuses with a text equivalent for screen readers. */
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
    </div>
  );
}
