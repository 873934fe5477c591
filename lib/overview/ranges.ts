import { z } from "zod";

/**
 * Quick ranges of the decisions chart (Overview and explorer): the span back from now and the bar
 * width, chosen so every range draws 15–168 bars.
 */
export const QUICK_RANGES = {
  "15m": { label: "15 min", spanMs: 15 * 60_000, bucketSeconds: 60 },
  "1h": { label: "1 h", spanMs: 3_600_000, bucketSeconds: 60 },
  "24h": { label: "24 h", spanMs: 86_400_000, bucketSeconds: 3_600 },
  "7d": { label: "7 d", spanMs: 7 * 86_400_000, bucketSeconds: 6 * 3_600 },
} as const;
export type QuickRange = keyof typeof QUICK_RANGES;
export const QUICK_RANGE_KEYS = Object.keys(QUICK_RANGES) as QuickRange[];

/** The Overview's URL: which quick range the decisions chart shows (default 24 h). */
export const OverviewQuery = z.object({
  range: z.enum(QUICK_RANGE_KEYS as [QuickRange, ...QuickRange[]]).default("24h").catch("24h").describe("Decisions chart range: 15m, 1h, 24h or 7d"),
});
export type OverviewQuery = z.infer<typeof OverviewQuery>;

/** The [from, to) window of a quick range ending at `now`. */
export function quickRangeWindow(range: QuickRange, now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - QUICK_RANGES[range].spanMs), to: now };
}
