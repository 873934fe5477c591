import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { abortController } from "./abort";
import { sleep } from "./policy-source";

describe("sleeping on a component's long-lived stop signal", () => {
  it("leaves no abort listener behind once the timer fires, however many rounds", async () => {
    const stop = abortController();
    for (let round = 0; round < 50; round++) await sleep(1, stop.signal);
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });

  it("ends at once on abort and leaves nothing behind", async () => {
    const stop = abortController();
    const sleeping = sleep(60_000, stop.signal);
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(1);
    const t0 = Date.now();
    stop.abort();
    await sleeping;
    expect(Date.now() - t0).toBeLessThan(100);
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });
});
