import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { testDecisionSummary } from "@/testing/decisions";
import { StewardError } from "../errors";
import { resetShutdownForTests, shutdown } from "../shutdown";
import { publishDecisions } from "./feed";
import { DecisionFilter } from "./filters";
import { MAX_PER_FLUSH, openDecisionStream, resumePoint, type StreamOptions } from "./live-stream";
import type { DecisionSummary } from "./schemas";

suiteDatabase();

const noFilter = DecisionFilter.parse({});
type Event = { id?: string; event: string; data: unknown };

/** Reads a stream's server-sent events as they come; `until` stops at the first event that matches. */
function reader(body: ReadableStream<Uint8Array>) {
  const events: Event[] = [];
  const source = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let done = false;
  const pump = (async () => {
    for (;;) {
      const chunk = await source.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const fields = Object.fromEntries(block.split("\n").filter((line) => !line.startsWith(":") && line.includes(": ")).map((line) => [line.slice(0, line.indexOf(": ")), line.slice(line.indexOf(": ") + 2)]));
        if (fields.event) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data ?? "null") });
      }
    }
    done = true;
  })();
  return {
    events,
    isDone: () => done,
    ended: pump,
    async until(predicate: (event: Event) => boolean, timeoutMs = 5_000): Promise<Event> {
      const started = Date.now();
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        if (Date.now() - started > timeoutMs) throw new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(",")}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    cancel: () => source.cancel(),
  };
}

const decision = testDecisionSummary;

const options = (overrides: Partial<StreamOptions> = {}): StreamOptions => ({
  signal: new AbortController().signal,
  actorKey: `user:${Math.random()}`,
  maxPerActor: 5,
  maxLifetimeMs: 60_000,
  stillAllowed: async () => true,
  resumeAfter: undefined,
  ...overrides,
});

describe("the live feed stream tells the truth", () => {
  it("orders each batch by decision time, not by arrival, and counts what it did not send", async () => {
    const stream = reader(await openDecisionStream(noFilter, options()));
    await stream.until((e) => e.event === "ready");
    publishDecisions([decision("2026-01-01T00:00:03.000Z"), decision("2026-01-01T00:00:01.000Z"), decision("2026-01-01T00:00:02.000Z")]);
    const first = (await stream.until((e) => e.event === "decisions")).data as { decisions: DecisionSummary[]; skipped: number };
    expect(first.decisions.map((d) => d.time)).toEqual(["2026-01-01T00:00:01.000Z", "2026-01-01T00:00:02.000Z", "2026-01-01T00:00:03.000Z"]);
    expect(first.skipped).toBe(0);

    // A burst beyond one event's worth: every matching decision is either sent or counted.
    const burst = Array.from({ length: MAX_PER_FLUSH + 137 }, (_, i) => decision(new Date(Date.UTC(2026, 0, 2, 0, 0, 0, i)).toISOString(), { actionName: "burst" }));
    publishDecisions(burst);
    const next = (await stream.until((e) => e.event === "decisions" && (e.data as { decisions: DecisionSummary[] }).decisions[0]?.actionName === "burst")).data as { decisions: DecisionSummary[]; skipped: number };
    expect(next.decisions).toHaveLength(MAX_PER_FLUSH);
    expect(next.skipped).toBe(137);
    await stream.cancel();
  });

  it("sends the rate as it falls back to 0 after traffic stops", async () => {
    const stream = reader(await openDecisionStream(noFilter, options()));
    await stream.until((e) => e.event === "ready");
    const started = Date.now();
    publishDecisions(Array.from({ length: 50 }, () => decision(new Date().toISOString())));
    await stream.until((e) => e.event === "rate" && (e.data as { ratePerSecond: number }).ratePerSecond > 0, 3_000);
    await stream.until((e) => e.event === "rate" && (e.data as { ratePerSecond: number }).ratePerSecond === 0 && stream.events.indexOf(e) > stream.events.findIndex((x) => x.event === "rate" && (x.data as { ratePerSecond: number }).ratePerSecond > 0), 4_000);
    expect(Date.now() - started).toBeLessThan(4_000);
    await stream.cancel();
  });

  it("states the gap after a reconnect: from the last event id the client saw to the moment it is back", async () => {
    const first = reader(await openDecisionStream(noFilter, options()));
    const ready = await first.until((e) => e.event === "ready");
    await first.cancel();
    const lastSeen = Number(ready.id);
    expect(lastSeen).toBeGreaterThan(Date.now() - 10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const again = reader(await openDecisionStream(noFilter, options({ resumeAfter: resumePoint(String(lastSeen), null) })));
    const gap = (await again.until((e) => e.event === "gap")).data as { from: string; to: string };
    expect(gap.from).toBe(new Date(lastSeen).toISOString());
    expect(Date.parse(gap.to)).toBeGreaterThan(lastSeen);
    await again.cancel();
    // A first connection has nothing to resume, and a garbage id is ignored rather than trusted.
    expect(resumePoint(null, null)).toBeUndefined();
    expect(resumePoint("not-a-number", "1")).toBeUndefined();
    expect(resumePoint(String(Date.now() + 60_000), null)).toBeUndefined();
  });

  it("ends the stream when the actor is no longer allowed, at the next heartbeat", async () => {
    let allowed = true;
    const stream = reader(await openDecisionStream(noFilter, options({ heartbeatMs: 100, stillAllowed: async () => allowed })));
    await stream.until((e) => e.event === "ready");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stream.isDone()).toBe(false);
    allowed = false;
    const end = await stream.until((e) => e.event === "end", 2_000);
    expect(end.data).toEqual({ reason: "unauthorized" });
    await stream.ended;
    // Nothing is delivered after the end.
    publishDecisions([decision(new Date().toISOString())]);
    expect(stream.events.at(-1)?.event).toBe("end");
  });

  it("ends a stream whose re-check fails (database down) rather than streaming on unverified", async () => {
    const stream = reader(await openDecisionStream(noFilter, options({ heartbeatMs: 100, stillAllowed: async () => Promise.reject(new Error("connection refused")) })));
    expect((await stream.until((e) => e.event === "end", 2_000)).data).toEqual({ reason: "unauthorized" });
  });

  it("caps stream lifetime and streams per actor", async () => {
    const lived = reader(await openDecisionStream(noFilter, options({ maxLifetimeMs: 200 })));
    expect((await lived.until((e) => e.event === "end", 2_000)).data).toEqual({ reason: "lifetime" });
    await lived.ended;

    const actorKey = "user:capped";
    const open = [await openDecisionStream(noFilter, options({ actorKey, maxPerActor: 2 })), await openDecisionStream(noFilter, options({ actorKey, maxPerActor: 2 }))];
    const refused = await openDecisionStream(noFilter, options({ actorKey, maxPerActor: 2 })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StewardError);
    expect((refused as StewardError).status).toBe(429);
    // Closing one frees its place.
    await open[0]!.cancel();
    const third = await openDecisionStream(noFilter, options({ actorKey, maxPerActor: 2 }));
    await third.cancel();
    await open[1]!.cancel();
  });

  it("a graceful stop ends every open stream with a reason the browser reconnects on", async () => {
    resetShutdownForTests();
    const streams = [reader(await openDecisionStream(noFilter, options())), reader(await openDecisionStream(noFilter, options()))];
    await Promise.all(streams.map((s) => s.until((e) => e.event === "ready")));
    let serverClosed = false;
    const code = await shutdown({
      signal: "SIGTERM",
      deadlineMs: 2_000,
      closeServer: async () => {
        serverClosed = true;
      },
      closeDatabase: async () => {},
      log: () => {},
    });
    expect(code).toBe(0);
    expect(serverClosed).toBe(true);
    for (const stream of streams) {
      await stream.ended;
      expect(stream.events.at(-1)?.data).toEqual({ reason: "shutdown" });
    }
    resetShutdownForTests();
  });

  it("a stop whose in-flight requests outlast the deadline is cut off and reports it", async () => {
    resetShutdownForTests();
    const started = Date.now();
    let databaseClosed = false;
    const code = await shutdown({
      signal: "SIGTERM",
      deadlineMs: 300,
      closeServer: () => new Promise(() => {}),
      closeDatabase: async () => {
        databaseClosed = true;
      },
      log: () => {},
    });
    expect(code).toBe(1);
    expect(databaseClosed).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    resetShutdownForTests();
  });
});
