import { formatUtc } from "@/components/ui/format-utc";

/** "HH:MM:SS UTC" of a time (the console shows times in UTC). */
export const clockUtc = (value: string | number | Date) => `${formatUtc(value, "second").slice(11)} UTC`;

export type HoldLine = { running: boolean; text: string };

/**
 * What an approver reads about the enforcement point's held call (`heldUntil`, the submission's
 * held_until) at `now` (ms): while the hold runs, until when the call waits and how many seconds are
 * left; once it passed, that approving only lets the agent's next attempt through, until the
 * request's own expiry. The request's expiry alone would suggest the call waits that long.
 */
export function holdLine(heldUntil: string, expiresAt: string, now: number): HoldLine {
  const at = new Date(heldUntil).getTime();
  const left = Math.ceil((at - now) / 1000);
  if (left > 0) return { running: true, text: `The call waits until ${clockUtc(at)} (${left} s left)` };
  return { running: false, text: `The call stopped waiting at ${clockUtc(at)}; approving now lets the agent's next attempt through until ${formatUtc(expiresAt)} UTC` };
}

/** How long until the line's text changes: at the next whole second while it counts down; never after. */
export function nextHoldTickMs(heldUntil: string, now: number): number | null {
  const remaining = new Date(heldUntil).getTime() - now;
  if (remaining <= 0) return null;
  return remaining % 1000 || 1000;
}
