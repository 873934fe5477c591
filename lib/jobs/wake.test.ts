import { afterEach, describe, expect, it } from "vitest";
import { setProcessJobQueueForTests } from "./process-queue";
import type { JobQueue } from "./queue";
import { WAKE_SPACING_MS, wakeJob } from "./wake";

afterEach(() => setProcessJobQueueForTests(undefined));

/** Records when this process's queue was asked to wake a drain (the queue's own wake is tested on a real queue in drains.test.ts). */
function recordingQueue(sendMs: number) {
  const sends: number[] = [];
  const queue = {
    definitions: [{ name: "outbound-delivery" }],
    wake: async () => {
      sends.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, sendMs));
    },
  } as unknown as JobQueue;
  setProcessJobQueueForTests(queue);
  return sends;
}

describe("wakeJob", () => {
  it("collapses a burst of commits into sends at least WAKE_SPACING_MS apart, and always sends after the last commit", async () => {
    const sends = recordingQueue(2);
    const started = Date.now();
    let lastCommit = 0;
    let commits = 0;
    while (Date.now() - started < 400) {
      wakeJob("outbound-delivery"); // an ingest commit every ~2 ms
      commits++;
      lastCommit = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, WAKE_SPACING_MS * 3));
    const gaps = sends.slice(1).map((at, index) => at - sends[index]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(WAKE_SPACING_MS - 2); // timers may fire a millisecond early
    expect(sends.length).toBeLessThanOrEqual(Math.ceil(400 / WAKE_SPACING_MS) + 2);
    // The point of it: a send per ~50 ms of commits, not one per commit (or one per send's round trip).
    expect(sends.length).toBeLessThanOrEqual(Math.ceil(commits / 10));
    expect(sends.at(-1)!).toBeGreaterThanOrEqual(lastCommit);
  });

  it("sends the first wake after a quiet spell at once", async () => {
    const sends = recordingQueue(1);
    await new Promise((resolve) => setTimeout(resolve, WAKE_SPACING_MS * 2));
    const at = Date.now();
    wakeJob("outbound-delivery");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sends).toHaveLength(1);
    expect(sends[0]! - at).toBeLessThan(20);
  });

  it("skips a drain this process's queue does not run, and a process without a queue", async () => {
    const sends = recordingQueue(1);
    wakeJob("approval-upkeep");
    setProcessJobQueueForTests(undefined);
    await new Promise((resolve) => setTimeout(resolve, WAKE_SPACING_MS * 2));
    wakeJob("outbound-delivery");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sends).toEqual([]);
  });
});
