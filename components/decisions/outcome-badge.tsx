const CLASS: Record<string, string> = { allow: "ok", deny: "danger", approval_required: "warn", error: "warn" };

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return <span className={`badge ${CLASS[outcome] ?? ""}`}>{outcome.replace("_", " ")}</span>;
}
