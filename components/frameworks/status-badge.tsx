const TONE: Record<string, string> = { covered: "ok", pass: "ok", partial: "warn", gap: "danger", fail: "danger", not_applicable: "", unknown: "" };
const LABEL: Record<string, string> = { covered: "Covered", partial: "Partial", gap: "Gap", not_applicable: "Not applicable", pass: "Pass", fail: "Fail", unknown: "Not measurable" };

/** A status as text plus colour, so it never relies on colour alone. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${TONE[status] ?? ""}`}>{LABEL[status] ?? status}</span>;
}
