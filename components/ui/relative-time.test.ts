import { describe, expect, it } from "vitest";
import { nextTickMs, relativeText } from "./relative-time";

describe("relative time", () => {
  const now = Date.parse("2026-12-02T10:00:00Z");

  it("counts seconds, then minutes", () => {
    expect(relativeText(now - 12_000, now)).toBe("12 seconds ago");
    expect(relativeText(now - 3 * 60_000, now)).toBe("3 minutes ago");
  });

  it("ticks every second while it counts seconds, every 30 s after", () => {
    expect(nextTickMs(12_000)).toBe(1_000);
    expect(nextTickMs(59_999)).toBe(1_000);
    expect(nextTickMs(60_000)).toBe(30_000);
    expect(nextTickMs(-5_000)).toBe(1_000);
  });
});
