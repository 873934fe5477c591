import { describe, expect, it } from "vitest";
import { holdLine, nextHoldTickMs } from "./hold-line";

const heldUntil = "2026-12-02T03:45:12.000Z";
const expiresAt = "2026-12-02T04:44:27.000Z";
const at = (iso: string) => new Date(iso).getTime();

describe("holdLine", () => {
  it("says until when the call waits and the seconds left, rounded up", () => {
    expect(holdLine(heldUntil, expiresAt, at("2026-12-02T03:44:27.000Z"))).toEqual({ running: true, text: "The call waits until 03:45:12 UTC (45 s left)" });
    expect(holdLine(heldUntil, expiresAt, at("2026-12-02T03:45:11.200Z")).text).toBe("The call waits until 03:45:12 UTC (1 s left)");
  });
  it("once the hold passed, says approving lets only the next attempt through, until the request's expiry", () => {
    const passed = "The call stopped waiting at 03:45:12 UTC; approving now lets the agent's next attempt through until 2026-12-02 04:44 UTC";
    expect(holdLine(heldUntil, expiresAt, at(heldUntil))).toEqual({ running: false, text: passed });
    expect(holdLine(heldUntil, expiresAt, at("2026-12-02T04:00:00.000Z")).text).toBe(passed);
  });
});

describe("nextHoldTickMs", () => {
  it("ticks at the next whole second of the countdown, and stops once the hold passed", () => {
    expect(nextHoldTickMs(heldUntil, at("2026-12-02T03:45:00.000Z"))).toBe(1000);
    expect(nextHoldTickMs(heldUntil, at("2026-12-02T03:45:00.300Z"))).toBe(700);
    expect(nextHoldTickMs(heldUntil, at(heldUntil))).toBeNull();
  });
});
