const RISK_CLASS: Record<string, string> = { low: "ok", medium: "", high: "warn", critical: "danger" };

export function RiskBadge({ tier, overridden }: { tier: string; overridden?: boolean }) {
  return (
    <span className={`badge ${RISK_CLASS[tier] ?? ""}`}>
      {tier}
      {overridden ? <span title="Overridden by a security engineer"> (override)</span> : null}
    </span>
  );
}
