const LENGTH = { minute: 16, second: 19, millisecond: 23 } as const;

/** A timestamp as the console shows it: "2026-11-29 10:45" in UTC, to the given precision. */
export function formatUtc(value: Date | string | number, precision: keyof typeof LENGTH = "minute"): string {
  return new Date(value).toISOString().slice(0, LENGTH[precision]).replace("T", " ");
}
