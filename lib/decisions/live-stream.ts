import { StewardError } from "../errors";
import { trackStream } from "../shutdown";
import { subscribeToDecisions } from "./feed";
import { matchesFilter, type DecisionFilter } from "./filters";
import type { DecisionSummary } from "./schemas";

/** How often matched decisions are sent: one event per tick keeps a burst from flooding the browser. */
export const FLUSH_MS = 200;
/** At most this many decisions per event; the rest are counted as skipped, never queued without bound. */
export const MAX_PER_FLUSH = 200;
/** How often the rate is recomputed and sent when it changed (so it falls to 0 within a second or two of the last decision). */
export const RATE_MS = 1_000;
/** Keep-alive comment and actor re-check interval. */
export const HEARTBEAT_MS = 10_000;

/**
 * One `decisions` event. `decisions` are ordered by decision time (oldest first); `skipped` counts
 * matching decisions that were committed but not sent (the burst exceeded MAX_PER_FLUSH per tick).
 */
export type FeedEvent = { decisions: DecisionSummary[]; skipped: number; ratePerSecond: number; sentAt: string };
/** Sent first after a reconnect: decisions committed between `from` and `to` were not streamed; the explorer has them. */
export type FeedGap = { from: string; to: string };
/** Why the server ended a stream (the browser reconnects unless it is "unauthorized"). */
export type FeedEnd = { reason: "shutdown" | "lifetime" | "unauthorized" };

export type StreamOptions = {
  signal: AbortSignal;
  /** Who holds the stream: at most `maxPerActor` open at once per key. */
  actorKey: string;
  maxPerActor: number;
  /** The stream is ended after this long (ms); the client reconnects and is authenticated afresh. */
  maxLifetimeMs: number;
  /** Re-checks the actor (active, not revoked, still allowed); false ends the stream. Run every heartbeat. */
  stillAllowed: () => Promise<boolean>;
  /** The last event id the client saw (Last-Event-ID or ?after=): a reconnect, so the gap since then is stated. */
  resumeAfter: number | undefined;
  heartbeatMs?: number;
};

const holder = globalThis as typeof globalThis & { __stewardFeedStreams?: Map<string, number> };
const perActor = (holder.__stewardFeedStreams ??= new Map());

/** Streams open right now for an actor key. */
export const openStreamsFor = (actorKey: string) => perActor.get(actorKey) ?? 0;

/**
 * A server-sent-events body for the live feed. Decisions that match the filter are batched per
 * tick; under a burst the newest MAX_PER_FLUSH are sent and the rest only counted, so neither the
 * server's memory nor the page's rendering grows with the ingest rate. Each event carries an id
 * (the server's clock in ms) so a reconnecting client can be told exactly which span it missed.
 * Throws StewardError("rate_limited") when the actor already holds `maxPerActor` streams.
 */
export async function openDecisionStream(filter: DecisionFilter, options: StreamOptions): Promise<ReadableStream<Uint8Array>> {
  const held = openStreamsFor(options.actorKey);
  if (held >= options.maxPerActor) {
    throw new StewardError("rate_limited", `At most ${options.maxPerActor} live-feed streams per user at once; close another tab or wait for one to end`);
  }
  perActor.set(options.actorKey, held + 1);
  const encoder = new TextEncoder();
  const openedAt = Date.now();
  let pending: DecisionSummary[] = [];
  let skipped = 0;
  let windowStart = openedAt;
  let windowCount = 0;
  let ratePerSecond = 0;
  let sentRate = -1;
  let lastId = openedAt;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let closed = false;

  let unsubscribe: () => void;
  try {
    unsubscribe = await subscribeToDecisions((batch) => {
      for (const decision of batch) {
        if (!matchesFilter(decision, filter)) continue;
        windowCount++;
        pending.push(decision);
      }
      if (pending.length > MAX_PER_FLUSH) {
        skipped += pending.length - MAX_PER_FLUSH;
        pending = pending.slice(-MAX_PER_FLUSH);
      }
    });
  } catch (error) {
    release();
    throw error;
  }

  // Ids only move forward, even if the clock steps back.
  const nextId = () => (lastId = Math.max(lastId + 1, Date.now()));
  const send = (text: string) => {
    if (closed) return;
    try {
      controller?.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  };
  const sendEvent = (event: string, data: unknown) => send(`id: ${nextId()}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const flush = () => {
    if (!pending.length && !skipped) return;
    const decisions = pending.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    const event: FeedEvent = { decisions, skipped, ratePerSecond, sentAt: new Date().toISOString() };
    pending = [];
    skipped = 0;
    sendEvent("decisions", event);
  };
  const updateRate = () => {
    const now = Date.now();
    ratePerSecond = Math.round((windowCount * 1000) / Math.max(1, now - windowStart));
    windowStart = now;
    windowCount = 0;
    if (ratePerSecond !== sentRate) {
      sentRate = ratePerSecond;
      send(`event: rate\ndata: ${JSON.stringify({ ratePerSecond })}\n\n`);
    }
  };
  const heartbeat = async () => {
    send(`: keep-alive\n\n`);
    if (Date.now() - openedAt >= options.maxLifetimeMs) return end("lifetime");
    let allowed = false;
    try {
      allowed = await options.stillAllowed();
    } catch {
      // Cannot tell (database down): do not keep streaming to someone we cannot vouch for.
      allowed = false;
    }
    if (!allowed) end("unauthorized");
  };
  const ticker = setInterval(flush, FLUSH_MS);
  const rateTicker = setInterval(updateRate, RATE_MS);
  const heartbeatTicker = setInterval(() => void heartbeat(), options.heartbeatMs ?? HEARTBEAT_MS);
  const lifetime = setTimeout(() => end("lifetime"), options.maxLifetimeMs);
  const untrack = trackStream(() => end("shutdown"));

  function end(reason: FeedEnd["reason"]) {
    if (closed) return;
    flush();
    // "unauthorized" tells the page not to reconnect; the others are followed by a reconnect.
    sendEvent("end", { reason } satisfies FeedEnd);
    close();
  }
  function release() {
    const left = openStreamsFor(options.actorKey) - 1;
    if (left > 0) perActor.set(options.actorKey, left);
    else perActor.delete(options.actorKey);
  }
  function close() {
    if (closed) return;
    closed = true;
    clearInterval(ticker);
    clearInterval(rateTicker);
    clearInterval(heartbeatTicker);
    clearTimeout(lifetime);
    untrack();
    unsubscribe();
    release();
    try {
      controller?.close();
    } catch {
      // already closed by the client
    }
  }
  options.signal.addEventListener("abort", close);

  return new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      send(`retry: 2000\n`);
      sendEvent("ready", {});
      if (options.resumeAfter !== undefined && options.resumeAfter < openedAt) {
        sendEvent("gap", { from: new Date(options.resumeAfter).toISOString(), to: new Date(openedAt).toISOString() } satisfies FeedGap);
      }
    },
    cancel: close,
  });
}

/** The resume point a client sent: the Last-Event-ID header, else `?after=`; ignored unless a plausible ms timestamp. */
export function resumePoint(lastEventId: string | null, after: string | null): number | undefined {
  const raw = lastEventId ?? after;
  if (!raw || !/^\d{13}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value <= Date.now() ? value : undefined;
}
