import { subscribeToDecisions } from "./feed";
import { matchesFilter, type DecisionFilter } from "./filters";
import type { DecisionSummary } from "./schemas";

/** How often matched decisions are sent: one event per tick keeps a burst from flooding the browser. */
export const FLUSH_MS = 200;
/** At most this many decisions per event; the rest are counted as skipped, never queued without bound. */
export const MAX_PER_FLUSH = 200;
const HEARTBEAT_MS = 15_000;

export type FeedEvent = { decisions: DecisionSummary[]; skipped: number; ratePerSecond: number; sentAt: string };

/**
 * A server-sent-events body for the live feed. Decisions that match the filter are batched per
 * tick; under a burst the newest MAX_PER_FLUSH are sent and the rest only counted, so neither the
 * server's memory nor the page's rendering grows with the ingest rate.
 */
export async function openDecisionStream(filter: DecisionFilter, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  let pending: DecisionSummary[] = [];
  let skipped = 0;
  let windowStart = Date.now();
  let windowCount = 0;
  let ratePerSecond = 0;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;

  const unsubscribe = await subscribeToDecisions((batch) => {
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

  const send = (text: string) => {
    try {
      controller?.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  };
  const flush = () => {
    const elapsed = Date.now() - windowStart;
    if (elapsed >= 1000) {
      ratePerSecond = Math.round((windowCount * 1000) / elapsed);
      windowStart = Date.now();
      windowCount = 0;
    }
    if (!pending.length && !skipped) return;
    const event: FeedEvent = { decisions: pending, skipped, ratePerSecond, sentAt: new Date().toISOString() };
    pending = [];
    skipped = 0;
    send(`event: decisions\ndata: ${JSON.stringify(event)}\n\n`);
  };
  const ticker = setInterval(flush, FLUSH_MS);
  const heartbeat = setInterval(() => send(`event: rate\ndata: ${JSON.stringify({ ratePerSecond })}\n\n`), HEARTBEAT_MS);
  let closed = false;
  function close() {
    if (closed) return;
    closed = true;
    clearInterval(ticker);
    clearInterval(heartbeat);
    unsubscribe();
    try {
      controller?.close();
    } catch {
      // already closed by the client
    }
  }
  signal.addEventListener("abort", close);

  return new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      send(`retry: 2000\nevent: ready\ndata: {}\n\n`);
    },
    cancel: close,
  });
}
