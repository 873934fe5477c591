/**
 * Chart colours per decision outcome (CSS variables from app/globals.css, one value per theme).
 * Allow is blue and deny is red-orange, a pair told apart with the common colour-vision deficiencies;
 * every chart also names the outcomes in its legend and its table.
 */
export const OUTCOME_COLORS: Record<string, string> = {
  allow: "var(--chart-allow)",
  deny: "var(--chart-deny)",
  approval_required: "var(--chart-approval)",
  error: "var(--chart-error)",
};

const LABELS: Record<string, string> = { allow: "allow", deny: "deny", approval_required: "approval required", error: "error" };
export const outcomeLabel = (outcome: string) => LABELS[outcome] ?? outcome;
