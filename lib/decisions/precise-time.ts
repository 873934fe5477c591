/**
 * An RFC 3339 timestamp as UTC ISO text with the sender's sub-millisecond digits kept, up to
 * microseconds (what PostgreSQL's timestamptz stores): `2026-01-31T12:00:44.381902118+01:00` →
 * `2026-01-31T11:00:44.381902Z`. Digits past the sixth are truncated (PostgreSQL would round
 * them; truncating keeps the text and the stored value equal). `millis` is `Date.parse(time)`.
 */
export function preciseUtc(time: string, millis: number): string {
  const iso = new Date(millis).toISOString(); // …SS.mmmZ
  const fraction = /T\d{2}:\d{2}:\d{2}\.(\d+)/.exec(time)?.[1] ?? "";
  if (fraction.length <= 3) return iso;
  // The offset shifts whole minutes, never the fraction: the sender's digits 4–6 are the microseconds.
  return `${iso.slice(0, -1)}${fraction.slice(3, 6)}Z`;
}
