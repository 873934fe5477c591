/**
 * Decision outcomes and severities as badges that never rely on colour alone: each shows its label and a
 * shape (✓ ✕ ⏸ ! for outcomes; ‼ ▲ ◆ ▽ i for severities), and takes its colour from the CVD-safe tokens in
 * app/globals.css (`--outcome-*`, `--severity-*`). The shape is aria-hidden: the label is what is read.
 */
export const OUTCOME_TONES = {
  allow: { tone: "allow", icon: "✓", label: "allow" },
  deny: { tone: "deny", icon: "✕", label: "deny" },
  approval_required: { tone: "approval", icon: "⏸", label: "approval required" },
  error: { tone: "error", icon: "!", label: "error" },
} as const;

export const SEVERITY_TONES = {
  critical: { tone: "critical", icon: "‼", label: "critical" },
  high: { tone: "high", icon: "▲", label: "high" },
  medium: { tone: "medium", icon: "◆", label: "medium" },
  low: { tone: "low", icon: "▽", label: "low" },
  info: { tone: "info", icon: "i", label: "info" },
} as const;

type Tone = { tone: string; icon: string; label: string };

function ToneBadge({ tone, suffix }: { tone: Tone; suffix?: React.ReactNode }) {
  return (
    <span className="status-badge" data-tone={tone.tone}>
      <span className="status-icon" aria-hidden="true">
        {tone.icon}
      </span>
      {tone.label}
      {suffix}
    </span>
  );
}

/** A decision outcome (allow, deny, approval_required, error); an unknown one shows as error-toned with its raw name. */
export function OutcomeBadge({ outcome }: { outcome: string }) {
  const tone: Tone = OUTCOME_TONES[outcome as keyof typeof OUTCOME_TONES] ?? { ...OUTCOME_TONES.error, label: outcome };
  return <ToneBadge tone={tone} />;
}

/** A severity or risk tier (critical, high, medium, low, info); `suffix` adds text such as "(override)". */
export function SeverityBadge({ severity, suffix }: { severity: string; suffix?: React.ReactNode }) {
  const tone: Tone = SEVERITY_TONES[severity as keyof typeof SEVERITY_TONES] ?? { ...SEVERITY_TONES.info, label: severity };
  return <ToneBadge tone={tone} suffix={suffix} />;
}
