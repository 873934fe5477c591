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
 * The console's time convention (docs/console.md): relative text, with the absolute UTC time on hover
 * and on keyboard focus (title, and `<time dateTime>` for assistive technology). The text refreshes
 * every 30 s. Before hydration it shows the absolute UTC time, so server and client agree.
 */
export function RelativeTime({ value, precision = "second" }: { value: string | Date; precision?: "minute" | "second" | "millisecond" }) {
  const at = new Date(value);
  const absolute = `${formatUtc(at, precision)} UTC`;
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 30_000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, []);
  return (
    <time dateTime={at.toISOString()} title={absolute} tabIndex={0} className="relative-time">
      {now === null ? absolute : relativeText(at.getTime(), now)}
      <span className="visually-hidden"> ({absolute})</span>
    </time>
  );
}
