import { OUTCOME_TONES } from "@/components/ui/status-badge";

/**
 * Chart colours per decision outcome: the same `--outcome-*` tokens the outcome badges use (app/globals.css,
 * one value per theme, Okabe–Ito hues checked for contrast and colour-vision deficiencies in
 * components/ui/tokens.test.ts). Every chart also names the outcomes in its legend and its table.
 */
export const OUTCOME_COLORS: Record<string, string> = {
  allow: "var(--outcome-allow)",
  deny: "var(--outcome-deny)",
  approval_required: "var(--outcome-approval)",
  error: "var(--outcome-error)",
};

export const outcomeLabel = (outcome: string) => OUTCOME_TONES[outcome as keyof typeof OUTCOME_TONES]?.label ?? outcome;
