import { SeverityBadge } from "@/components/ui/status-badge";

export function RiskBadge({ tier, overridden }: { tier: string; overridden?: boolean }) {
  return <SeverityBadge severity={tier} suffix={overridden ? <span title="Overridden by a security engineer"> (override)</span> : null} />;
}
