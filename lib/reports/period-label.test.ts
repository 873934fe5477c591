import { describe, expect, it } from "vitest";
import { periodLabels, periodText, utcTimestamp } from "./period-label";

describe("report period labels", () => {
  it("names the last day a whole-day period covers, not the next midnight it is stored with", () => {
    // The form's "To (inclusive)" 2026-11-30 is stored as 2026-12-01T00:00Z (half-open).
    expect(periodLabels({ start: "2026-11-01T00:00:00.000Z", end: "2026-12-01T00:00:00.000Z" })).toEqual({ from: "2026-11-01", to: "2026-11-30", wholeDays: true });
    expect(periodText({ start: new Date("2026-11-30T00:00:00Z"), end: new Date("2026-12-01T00:00:00Z") })).toBe("2026-11-30 to 2026-11-30 (UTC, inclusive)");
  });

  it("reads a period that is not whole days as exact UTC instants with the end marked exclusive", () => {
    expect(periodText({ start: "2026-11-01T06:30:00.000Z", end: "2026-11-02T06:30:00.000Z" })).toBe("2026-11-01 06:30:00 UTC to 2026-11-02 06:30:00 UTC (exclusive)");
  });

  it("writes absolute times in UTC with the zone named, whatever the process's zone", () => {
    expect(utcTimestamp("2026-11-30T23:59:59.999+02:00")).toBe("2026-11-30 21:59:59 UTC");
  });
});
