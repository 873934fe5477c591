import { createHash } from "node:crypto";
import type { DatabaseHandle } from "@/db/client";
import { advanceDestinationCursor, leaseDueDestinations, pauseDestination, setDestinationBackoff, pruneDeliveries, readAlertsAfter, readAuditAfter, readDecisionsAfter, recordDelivery, releaseLeases, type CursorUpdate, type DecisionCursor, type DestinationRow } from "@/db/outbound";
import { BATCH_SIZE, deliver, type OpenDestination } from "./deliver";
import { DecisionWindow } from "./decision-window";
import { openDestinationSecret, redactSecrets } from "./destination-secret";
import { alertEvent, auditEvent, decisionEvent, type DecisionEventRow, type OutboundEvent, type OutboundStream } from "./events";
import type { DecisionFilter } from "./schemas";
import type { SendResult } from "./transports";

/** A destination's lease outlives any one attempt (10 s send timeout) with room to spare. */
const LEASE_MS = 60_000;
/** How long one destination is pumped per pass before its lease is renewed by the next pass. */
const PASS_BUDGET_MS = 10_000;
const MAX_BACKOFF_MS = 5 * 60_000;
const DELIVERY_LOG_ROWS = 500;

export type PassResult = { delivered: number; dropped: number; failures: number };
/** A pass's result, and how many destinations were due (leased) for it: 0 when there was nothing to send to. */
export type DeliveryPass = PassResult & { destinations: number };

/**
 * Sends every destination what it has not yet received, stream by stream, in cursor order. A cursor
 * moves only after the receiver acknowledged the batch (HTTP 2xx; for syslog, the bytes flushed and
 * the connection closed cleanly), so nothing is skipped; a retry resends the same events under the
 * same batch id, which receivers de-duplicate on (each event also carries its own stable id).
 * Transient failures back off exponentially (or by Retry-After); a refusal that retrying cannot fix
 * (4xx other than 408/429, or an address the network guard refuses) pauses the destination until an
 * administrator resumes it — it is never silently skipped.
 */
export async function runDeliveryPass(handle: DatabaseHandle, owner: string, window = newDecisionWindow(handle)): Promise<DeliveryPass> {
  const leased = await leaseDueDestinations(handle.db, owner, LEASE_MS);
  const results = await Promise.all(leased.map((destination) => pumpDestination(handle, owner, destination, window)));
  if (leased.length) await releaseLeases(handle.db, owner);
  return results.reduce<DeliveryPass>((total, result) => ({ ...total, delivered: total.delivered + result.delivered, dropped: total.dropped + result.dropped, failures: total.failures + result.failures }), { delivered: 0, dropped: 0, failures: 0, destinations: leased.length });
}

/** The shared read of the decision stream for one database handle (see DecisionWindow). */
export function newDecisionWindow(handle: DatabaseHandle): DecisionWindow {
  return new DecisionWindow((cursor, limit) => readDecisionsAfter(handle, cursor, limit), Math.max(...Object.values(BATCH_SIZE)));
}

async function pumpDestination(handle: DatabaseHandle, owner: string, row: DestinationRow, window: DecisionWindow): Promise<PassResult> {
  const result: PassResult = { delivered: 0, dropped: 0, failures: 0 };
  let open: OpenDestination;
  try {
    open = { id: row.id, kind: row.kind, config: row.config, secret: openDestinationSecret(row), allowPrivateNetwork: row.allowPrivateNetwork };
  } catch (error) {
    await pauseDestination(handle.db, row.id, owner, `The destination's secret cannot be opened (${(error as Error).message}); re-enter it`);
    result.failures++;
    return result;
  }
  const streams = new Set(row.streams as OutboundStream[]);
  const state = { decisionCursor: { xid: row.decisionCursorXid, enforcementPointId: row.decisionCursorEp, decisionId: row.decisionCursorId } as DecisionCursor, auditCursor: row.auditCursor, alertCursor: row.alertCursor };
  const started = Date.now();
  const read = () => {
    const batch = nextBatch(handle, window, row, streams, state);
    batch.catch(() => {}); // a read that fails while a send is in flight is reported when awaited, not as unhandled
    return batch;
  };
  let following = read();
  while (Date.now() - started < PASS_BUDGET_MS) {
    const next = await following;
    if (!next) break;
    // Read the following batch while this one is sent, so the read's round trip hides behind the send's. Cursors
    // persist only after an acknowledgement, in order; a batch read ahead and never sent is read again next pass.
    following = read();
    if (next.dropped) {
      result.dropped += next.dropped;
      await recordDelivery(handle.db, { destinationId: row.id, stream: next.stream, batchId: "-", events: next.dropped, outcome: "dropped", responseExcerpt: `older than the ${row.maxBacklogDays}-day backlog limit, or no longer stored` });
    }
    if (next.events.length === 0) {
      await advanceDestinationCursor(handle.db, row.id, owner, next.advance, next.dropped);
      continue;
    }
    const batchId = `msg_${createHash("sha256").update(`${row.id}\u0000${next.events[0]!.id}\u0000${next.events.at(-1)!.id}\u0000${next.events.length}`).digest("hex").slice(0, 32)}`;
    const sent = await deliver(open, next.events, batchId);
    const excerpt = redactSecrets(sent.excerpt, open.secret);
    if (sent.ok) {
      await Promise.all([
        advanceDestinationCursor(handle.db, row.id, owner, next.advance, next.dropped),
        recordDelivery(handle.db, { destinationId: row.id, stream: next.stream, batchId, events: next.events.length, outcome: "delivered", status: sent.status, latencyMs: sent.latencyMs, responseExcerpt: excerpt }),
      ]);
      result.delivered += next.events.length;
      continue;
    }
    result.failures++;
    await recordDelivery(handle.db, { destinationId: row.id, stream: next.stream, batchId, events: next.events.length, outcome: sent.retryable ? "retrying" : "paused", status: sent.status, latencyMs: sent.latencyMs, responseExcerpt: excerpt });
    if (sent.retryable) await backOff(handle, owner, row, sent, excerpt);
    else await pauseDestination(handle.db, row.id, owner, `${sent.status ? `HTTP ${sent.status}` : "Refused"}: ${excerpt || "no detail"}`);
    break;
  }
  await following.catch(() => null); // a read ahead is not left running past the pass (and its lease)
  await pruneDeliveries(handle.db, row.id, DELIVERY_LOG_ROWS);
  return result;
}

type CursorState = { decisionCursor: DecisionCursor; auditCursor: number; alertCursor: number };
type Batch = { stream: OutboundStream; events: OutboundEvent[]; dropped: number; advance: CursorUpdate };

/** The next batch of the first stream that has anything pending (decisions, then audit, then alerts). */
async function nextBatch(handle: DatabaseHandle, window: DecisionWindow, row: DestinationRow, streams: Set<OutboundStream>, state: CursorState): Promise<Batch | null> {
  const size = BATCH_SIZE[row.kind];
  if (streams.has("decisions")) {
    const items = await window.after(state.decisionCursor, size);
    if (items.length) {
      const cutoff = Date.now() - row.maxBacklogDays * 86_400_000;
      let dropped = 0;
      const events: OutboundEvent[] = [];
      for (const item of items) {
        if (!item.row || Date.parse(item.row.receivedAt) < cutoff) dropped++;
        else if (matchesFilter(item.row, row.decisionFilter as DecisionFilter)) events.push(sharedDecisionEvent(item.row));
      }
      state.decisionCursor = items.at(-1)!.cursor;
      return { stream: "decisions", events, dropped, advance: { decisionCursorXid: state.decisionCursor.xid, decisionCursorEp: state.decisionCursor.enforcementPointId, decisionCursorId: state.decisionCursor.decisionId } };
    }
  }
  if (streams.has("audit")) {
    const rows = await readAuditAfter(handle, state.auditCursor, size);
    if (rows.length) {
      state.auditCursor = rows.at(-1)!.seq;
      return { stream: "audit", events: rows.map(auditEvent), dropped: 0, advance: { auditCursor: state.auditCursor } };
    }
  }
  const rows = await readAlertsAfter(handle, row.id, streams.has("alerts"), state.alertCursor, size);
  if (rows.length) {
    state.alertCursor = rows.at(-1)!.seq;
    return { stream: "alerts", events: rows.map(alertEvent), dropped: 0, advance: { alertCursor: state.alertCursor } };
  }
  return null;
}

/** Destinations sharing the window share each decision's event too (events are never mutated). */
const eventsOfRows = new WeakMap<DecisionEventRow, OutboundEvent>();
function sharedDecisionEvent(row: DecisionEventRow): OutboundEvent {
  let event = eventsOfRows.get(row);
  if (!event) eventsOfRows.set(row, (event = decisionEvent(row)));
  return event;
}

export function matchesFilter(row: { outcome: string; agentId: string; enforcementPointId: string; actionName: string }, filter: DecisionFilter): boolean {
  if (filter.outcomes?.length && !filter.outcomes.includes(row.outcome as never)) return false;
  if (filter.agentIds?.length && !filter.agentIds.includes(row.agentId)) return false;
  if (filter.enforcementPointIds?.length && !filter.enforcementPointIds.includes(row.enforcementPointId)) return false;
  if (filter.actions?.length && !filter.actions.includes(row.actionName)) return false;
  return true;
}

export function backoffMs(failures: number, retryAfterMs: number | null): number {
  if (retryAfterMs !== null) return Math.min(Math.max(retryAfterMs, 1_000), 3_600_000);
  const base = Math.min(1_000 * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

async function backOff(handle: DatabaseHandle, owner: string, row: DestinationRow, sent: SendResult, excerpt: string): Promise<void> {
  const failures = row.consecutiveFailures + 1;
  await setDestinationBackoff(handle.db, row.id, owner, { failures, nextAttemptAt: new Date(Date.now() + backoffMs(failures, sent.retryAfterMs)), error: `${sent.status ? `HTTP ${sent.status}` : "Connection"}: ${excerpt}` });
}
