"use client";

import { useEffect, useState } from "react";
import { formatUtc } from "./format-utc";

const UNITS: [limitSeconds: number, divisor: number, unit: Intl.RelativeTimeFormatUnit][] = [
  [60, 1, "second"],
  [3_600, 60, "minute"],
  [86_400, 3_600, "hour"],
  [30 * 86_400, 86_400, "day"],
  [365 * 86_400, 30 * 86_400, "month"],
  [Infinity, 365 * 86_400, "year"],
];
const words = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "3 minutes ago" / "in 2 days" for `at` seen from `now` (both ms since the epoch). */
export function relativeText(at: number, now: number): string {
  const seconds = Math.round((at - now) / 1000);
  const [, divisor, unit] = UNITS.find(([limit]) => Math.abs(seconds) < limit)!;
  return words.format(Math.round(seconds / divisor), unit);
}

/**
 * How long until the text of a time `ageMs` old may change: every second while it counts seconds
 * ("12 seconds ago", a liveness signal such as an enforcement point's last report), every 30 s after.
 */
export function nextTickMs(ageMs: number): number {
  return Math.abs(ageMs) < 60_000 ? 1_000 : 30_000;
}

/**
 * The console's time convention (docs/console.md): relative text, with the absolute UTC time on hover
 * and on keyboard focus (title, and `<time dateTime>` for assistive technology). The text keeps
 * ticking (nextTickMs). Before hydration it shows the absolute UTC time, so server and client agree.
 */
export function RelativeTime({ value, precision = "second" }: { value: string | Date; precision?: "minute" | "second" | "millisecond" }) {
  const at = new Date(value);
  const atMs = at.getTime();
  const absolute = `${formatUtc(at, precision)} UTC`;
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const current = Date.now();
      setNow(current);
      timer = setTimeout(tick, nextTickMs(current - atMs));
    };
    timer = setTimeout(tick, 0);
    return () => clearTimeout(timer);
  }, [atMs]);
  return (
    <time dateTime={at.toISOString()} title={absolute} tabIndex={0} className="relative-time">
      {now === null ? absolute : relativeText(at.getTime(), now)}
      <span className="visually-hidden"> ({absolute})</span>
    </time>
  );
}
