/**
 * How a report's period reads to people. Periods are stored half-open, [start, end): the form's
 * "To (inclusive)" day D is stored as D+1 00:00 UTC so the evaluation covers the whole of D. Shown
 * and exported, the period names the last day it covers, never that next midnight.
 */
const DAY_MS = 86_400_000;

const isMidnightUtc = (date: Date) => date.getTime() % DAY_MS === 0;

/** "2026-11-30 14:03:12 UTC": the console's absolute time (seconds, UTC, zone named). */
export function utcTimestamp(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * The period as `{ from, to }` labels. Whole UTC days (both ends at midnight) read as the first and
 * last day covered, "2026-11-01" to "2026-11-30"; any other period reads as its exact instants with
 * the end marked exclusive.
 */
export function periodLabels(period: { start: Date | string; end: Date | string }): { from: string; to: string; wholeDays: boolean } {
  const start = new Date(period.start);
  const end = new Date(period.end);
  if (isMidnightUtc(start) && isMidnightUtc(end) && end.getTime() > start.getTime()) {
    return { from: start.toISOString().slice(0, 10), to: new Date(end.getTime() - DAY_MS).toISOString().slice(0, 10), wholeDays: true };
  }
  return { from: utcTimestamp(start), to: `${utcTimestamp(end)} (exclusive)`, wholeDays: false };
}

/** "2026-11-01 to 2026-11-30 (UTC, inclusive)". */
export function periodText(period: { start: Date | string; end: Date | string }): string {
  const labels = periodLabels(period);
  return labels.wholeDays ? `${labels.from} to ${labels.to} (UTC, inclusive)` : `${labels.from} to ${labels.to}`;
}
