import { afterEach, describe, expect, it } from "vitest";
import { announce } from "../approvals/events";
import { setProcessJobQueueForTests } from "./process-queue";
import type { JobQueue } from "./queue";
import { noteDrainQuiet, QUIET_HOLD_MS, WAKE_SPACING_MS, wakeJob } from "./wake";

afterEach(() => {
  setProcessJobQueueForTests(undefined);
  noteDrainQuiet("outbound-delivery", false);
});

/** Records when this process's queue was asked to wake a drain (the queue's own wake is tested on a real queue in drains.test.ts). */
function recordingQueue(sendMs: number) {
  const sends: number[] = [];
  const queue = {
    definitions: [{ name: "outbound-delivery" }, { name: "approval-upkeep" }],
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
    setProcessJobQueueForTests({ definitions: [{ name: "outbound-delivery" }], wake: async () => void sends.push(Date.now()) } as unknown as JobQueue);
    wakeJob("approval-upkeep");
    setProcessJobQueueForTests(undefined);
    await new Promise((resolve) => setTimeout(resolve, WAKE_SPACING_MS * 2));
    wakeJob("outbound-delivery");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sends).toEqual([]);
  });

  it("skips a routine wake while the drain's last run had nothing to serve, but never a wake that makes work servable", async () => {
    const sends = recordingQueue(1);
    noteDrainQuiet("outbound-delivery", true);
    wakeJob("outbound-delivery", { unlessQuiet: true }); // an ingest commit
    await new Promise((resolve) => setTimeout(resolve, WAKE_SPACING_MS * 2));
    expect(sends).toHaveLength(0);
    wakeJob("outbound-delivery"); // a destination created
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sends).toHaveLength(1);
    // The hint lapses: a run on another console may have found a destination since.
    noteDrainQuiet("outbound-delivery", true, Date.now() - QUIET_HOLD_MS - 1);
    await new Promise((resolve) => setTimeout(resolve, WAKE_SPACING_MS * 2));
    wakeJob("outbound-delivery", { unlessQuiet: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sends).toHaveLength(2);
  });

  it("wakes approval upkeep when a request ends (its callback is due), not for every new or escalated request", async () => {
    const sends = recordingQueue(1);
    announce({ id: "arq_new", status: "pending" });
    await new Promise((resolve) => setTimeout(resolve, WAKE_SPACING_MS * 2));
    expect(sends).toHaveLength(0);
    announce({ id: "arq_new", status: "approved" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sends).toHaveLength(1);
  });
});
