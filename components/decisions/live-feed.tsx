"use client";

import { useEffect, useRef, useState } from "react";
import type { DecisionFilter } from "@/lib/decisions/filters";
import type { FeedEnd, FeedEvent, FeedGap } from "@/lib/decisions/live-stream";
import type { DecisionSummary } from "@/lib/decisions/schemas";
import { decisionHref } from "@/components/ui/entity-links";
import { DecisionCells } from "./decision-cells";
import { formatUtc } from "@/components/ui/format-utc";

/** Rows kept on screen; older ones fall off, so a burst never grows the DOM. */
const MAX_ROWS = 200;

/** How many recorded decisions the feed opens with, so it is never empty while traffic is quiet. */
export const BACKFILL_ROWS = 100;

const rowKey = (row: Pick<DecisionSummary, "enforcementPointId" | "decisionId">) => `${row.enforcementPointId}/${row.decisionId}`;

/** Adds rows to the feed, once each (the backfill and the stream may both carry a decision), newest first. */
export function mergeFeedRows(current: DecisionSummary[], incoming: DecisionSummary[]): DecisionSummary[] {
  const seen = new Set(current.map(rowKey));
  const fresh = incoming.filter((row) => !seen.has(rowKey(row)) && (seen.add(rowKey(row)), true));
  return fresh.length ? [...fresh, ...current].sort(byTimeDesc).slice(0, MAX_ROWS) : current;
}

/** Newest first by decision time; ties keep arrival order. */
const byTimeDesc = (a: DecisionSummary, b: DecisionSummary) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0);
const clock = (iso: string) => iso.slice(11, 19);

/** The explorer API's rows carry every summary field (and more); the feed keeps the summary. */
const toFeedRow = (row: DecisionSummary): DecisionSummary => ({
  enforcementPointId: row.enforcementPointId,
  decisionId: row.decisionId,
  time: row.time,
  receivedAt: row.receivedAt,
  agentId: row.agentId,
  agentRef: row.agentRef,
  agentName: row.agentName ?? null,
  actionName: row.actionName,
  actionKind: row.actionKind,
  resourceType: row.resourceType,
  resourceId: row.resourceId,
  outcome: row.outcome,
  reasons: row.reasons ?? [],
  traceId: row.traceId,
  taskId: row.taskId,
  spanId: row.spanId,
  parentSpanId: row.parentSpanId,
});

/** Keyed by its filter where it is used (app/(console)/decisions/page.tsx): a new filter starts a new feed, with its own history. */
export function LiveFeed({ filter, epNames }: { filter: DecisionFilter; epNames: Record<string, string> }) {
  const [rows, setRows] = useState<DecisionSummary[]>([]);
  /** The opening read of the last BACKFILL_ROWS matching decisions: pending, done, or failed with a reason. */
  const [backfill, setBackfill] = useState<{ state: "pending" | "done" } | { state: "failed"; message: string }>({ state: "pending" });
  const [paused, setPaused] = useState(false);
  const [missed, setMissed] = useState(0);
  const [rate, setRate] = useState(0);
  const [connection, setConnection] = useState<"connecting" | "live" | "reconnecting" | "ended">("connecting");
  /** Decisions the server counted but did not send while live (a burst beyond what the page shows). */
  const [skipped, setSkipped] = useState<{ count: number; since: string } | null>(null);
  /** Spans during which the feed was disconnected: decisions committed then were not streamed. */
  const [gaps, setGaps] = useState<FeedGap[]>([]);
  const pausedRef = useRef(paused);
  useEffect(() => {
    pausedRef.current = paused;
  }, [paused]);
  const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value) as [string, string][]).toString();

  useEffect(() => {
    let source: EventSource | undefined;
    let lastEventId: string | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let backoff = 1_000;
    let backfilled = false;
    // Read the recent history once the stream is subscribed, so nothing committed in between is lost
    // (a decision in both is shown once).
    const loadBackfill = async () => {
      try {
        const params = new URLSearchParams(query);
        params.set("limit", String(BACKFILL_ROWS));
        const response = await fetch(`/api/v1/decisions?${params}`, { headers: { accept: "application/json" } });
        if (!response.ok) throw new Error(`the explorer answered ${response.status}`);
        const body = (await response.json()) as { decisions: DecisionSummary[] };
        if (stopped) return;
        setRows((current) => mergeFeedRows(current, body.decisions.map(toFeedRow)));
        setBackfill({ state: "done" });
      } catch (error) {
        if (!stopped) setBackfill({ state: "failed", message: (error as Error).message });
      }
    };
    const remember = (event: Event) => {
      const id = (event as MessageEvent<string>).lastEventId;
      if (id) lastEventId = id;
    };
    const connect = () => {
      const params = new URLSearchParams(query);
      // A fresh EventSource does not send Last-Event-ID: say where we left off.
      if (lastEventId) params.set("after", lastEventId);
      const text = params.toString();
      const current = new EventSource(`/api/v1/decisions/stream${text ? `?${text}` : ""}`);
      source = current;
      current.addEventListener("ready", (event) => {
        remember(event);
        backoff = 1_000;
        setConnection("live");
        if (!backfilled) {
          backfilled = true;
          void loadBackfill();
        }
      });
      current.addEventListener("error", () => {
        setRate(0);
        if (stopped) return;
        setConnection("reconnecting");
        // The browser retries by itself unless the server answered with an error status; then we do.
        if (current.readyState === EventSource.CLOSED) {
          retry = setTimeout(connect, backoff);
          backoff = Math.min(backoff * 2, 15_000);
        }
      });
      current.addEventListener("rate", (event) => setRate((JSON.parse((event as MessageEvent<string>).data) as { ratePerSecond: number }).ratePerSecond));
      current.addEventListener("gap", (event) => {
        remember(event);
        const gap = JSON.parse((event as MessageEvent<string>).data) as FeedGap;
        setGaps((current) => [gap, ...current].slice(0, 5));
      });
      current.addEventListener("end", (event) => {
        remember(event);
        const { reason } = JSON.parse((event as MessageEvent<string>).data) as FeedEnd;
        if (reason === "unauthorized") {
          stopped = true;
          current.close();
          setRate(0);
          setConnection("ended");
        }
      });
      current.addEventListener("decisions", (event) => {
        remember(event);
        const batch = JSON.parse((event as MessageEvent<string>).data) as FeedEvent;
        setRate(batch.ratePerSecond);
        if (pausedRef.current) {
          setMissed((count) => count + batch.decisions.length + batch.skipped);
          return;
        }
        if (batch.skipped > 0) setSkipped((current) => ({ count: (current?.count ?? 0) + batch.skipped, since: current?.since ?? batch.decisions[0]?.time ?? batch.sentAt }));
        setRows((current) => mergeFeedRows(current, batch.decisions));
      });
    };
    connect();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      source?.close();
    };
  }, [query]);

  const explorerHref = (from: string, to: string) => {
    const params = new URLSearchParams(query);
    params.set("from", from);
    params.set("to", to);
    return `/decisions/explore?${params.toString()}`;
  };
  const live = connection === "live";

  return (
    <section aria-labelledby="live-heading" className="card">
      <div className="feed-toolbar">
        <h2 id="live-heading">Live decisions</h2>
        <span className={`badge ${live ? "ok" : "warn"}`} role="status" aria-live="polite">
          {connection}
        </span>
        <span className="feed-rate" aria-label="Decisions per second matching the filters" data-testid="feed-rate">
          {/* No connection, no rate: an old figure would claim traffic no one is measuring. */}
          {live ? `${rate.toLocaleString()} / s` : "— / s"}
        </span>
        <button
          type="button"
          onClick={() => {
            setPaused(!paused);
            if (paused) setMissed(0);
          }}
          aria-pressed={paused}
        >
          {paused ? "Resume" : "Pause"}
        </button>
        {paused ? (
          <span className="muted" aria-live="polite">
            Paused: {missed.toLocaleString()} new decisions not shown
          </span>
        ) : null}
      </div>
      {connection === "ended" ? (
        <p className="notice warn" role="alert">
          The live feed ended: your session or token no longer allows it. Sign in again to resume.
        </p>
      ) : null}
      {skipped && !paused ? (
        <p className="notice" aria-live="polite" data-testid="feed-skipped">
          {skipped.count.toLocaleString()} more not shown (too many to display live) —{" "}
          <a href={explorerHref(new Date(Date.parse(skipped.since) - 1000).toISOString(), new Date().toISOString())}>open the explorer</a>
        </p>
      ) : null}
      {gaps.map((gap) => (
        <p className="notice warn" key={gap.from} aria-live="polite" data-testid="feed-gap">
          Disconnected from {clock(gap.from)} to {clock(gap.to)} UTC: decisions committed then are not in this feed —{" "}
          <a href={explorerHref(new Date(Date.parse(gap.from) - 60_000).toISOString(), new Date(Date.parse(gap.to) + 60_000).toISOString())}>open the explorer for that span</a>
        </p>
      ))}
      {backfill.state === "failed" ? (
        <p className="notice warn" role="status">
          The last {BACKFILL_ROWS} decisions could not be loaded ({backfill.message}); new ones still appear here as they arrive.
        </p>
      ) : null}
      {rows.length === 0 ? (
        backfill.state === "pending" ? (
          <p className="muted" aria-busy="true">
            Loading the last {BACKFILL_ROWS} matching decisions…
          </p>
        ) : (
          <p className="muted">
            No matching decision in the last 24 hours. Waiting for new ones… Send one with its enforcement point&apos;s token to POST /api/v1/decisions, or run npm run demo:traffic.
          </p>
        )
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table className="feed-table">
            <caption className="visually-hidden">Newest decisions first, at most {MAX_ROWS}: the last {BACKFILL_ROWS} recorded, then new ones as they arrive</caption>
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Outcome</th>
                <th scope="col">Agent</th>
                <th scope="col">Action</th>
                <th scope="col">Resource</th>
                <th scope="col">Enforcement point</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={rowKey(row)} data-decision-id={row.decisionId}>
                  <DecisionCells
                    href={decisionHref(row)}
                    timeLabel={formatUtc(row.time, "millisecond")}
                    outcome={row.outcome}
                    agent={row}
                    actionName={row.actionName}
                    actionKind={row.actionKind}
                    resource={`${row.resourceType}:${row.resourceId}`}
                    enforcementPoint={{ id: row.enforcementPointId, name: epNames[row.enforcementPointId] ?? null }}
                  />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
