"use client";

import { useEffect, useRef, useState } from "react";
import type { DecisionFilter } from "@/lib/decisions/filters";
import type { FeedEnd, FeedEvent, FeedGap } from "@/lib/decisions/live-stream";
import type { DecisionSummary } from "@/lib/decisions/schemas";
import { decisionHref } from "./decision-links";
import { DecisionCells } from "@/components/decisions/decision-cells";

/** Rows kept on screen; older ones fall off, so a burst never grows the DOM. */
const MAX_ROWS = 200;

/** Newest first by decision time; ties keep arrival order. */
const byTimeDesc = (a: DecisionSummary, b: DecisionSummary) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0);
const clock = (iso: string) => iso.slice(11, 19);

export function LiveFeed({ filter, epNames }: { filter: DecisionFilter; epNames: Record<string, string> }) {
  const [rows, setRows] = useState<DecisionSummary[]>([]);
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
        setRows((current) => [...batch.decisions, ...current].sort(byTimeDesc).slice(0, MAX_ROWS));
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
      {rows.length === 0 ? (
        <p className="muted">Waiting for decisions… Send one with its enforcement point&apos;s token to POST /api/v1/decisions, or run npm run demo:traffic.</p>
      ) : (
        <div className="table-wrap">
          <table className="feed-table">
            <caption className="visually-hidden">Newest decisions first, at most {MAX_ROWS}</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Outcome</th>
                <th scope="col">Agent</th>
                <th scope="col">Action</th>
                <th scope="col">Resource</th>
                <th scope="col">Enforcement point</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.enforcementPointId}/${row.decisionId}`} data-decision-id={row.decisionId}>
                  <DecisionCells
                    href={decisionHref(row)}
                    timeLabel={row.time.slice(11, 23)}
                    outcome={row.outcome}
                    agentRef={row.agentRef}
                    actionName={row.actionName}
                    resource={`${row.resourceType}:${row.resourceId}`}
                    enforcementPoint={epNames[row.enforcementPointId] ?? row.enforcementPointId}
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
