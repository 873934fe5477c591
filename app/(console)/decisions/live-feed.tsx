"use client";

import { useEffect, useRef, useState } from "react";
import type { DecisionFilter } from "@/lib/decisions/filters";
import type { FeedEvent } from "@/lib/decisions/live-stream";
import type { DecisionSummary } from "@/lib/decisions/schemas";
import { decisionHref } from "./decision-links";
import { DecisionCells } from "./decision-cells";

/** Rows kept on screen; older ones fall off, so a burst never grows the DOM. */
const MAX_ROWS = 200;

export function LiveFeed({ filter, epNames }: { filter: DecisionFilter; epNames: Record<string, string> }) {
  const [rows, setRows] = useState<DecisionSummary[]>([]);
  const [paused, setPaused] = useState(false);
  const [missed, setMissed] = useState(0);
  const [rate, setRate] = useState(0);
  const [connection, setConnection] = useState<"connecting" | "live" | "reconnecting">("connecting");
  const pausedRef = useRef(paused);
  useEffect(() => {
    pausedRef.current = paused;
  }, [paused]);
  const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value) as [string, string][]).toString();

  useEffect(() => {
    const source = new EventSource(`/api/v1/decisions/stream${query ? `?${query}` : ""}`);
    source.addEventListener("ready", () => setConnection("live"));
    source.addEventListener("error", () => setConnection("reconnecting"));
    source.addEventListener("rate", (event) => setRate((JSON.parse((event as MessageEvent<string>).data) as { ratePerSecond: number }).ratePerSecond));
    source.addEventListener("decisions", (event) => {
      const batch = JSON.parse((event as MessageEvent<string>).data) as FeedEvent;
      setRate(batch.ratePerSecond);
      if (pausedRef.current) {
        setMissed((count) => count + batch.decisions.length + batch.skipped);
        return;
      }
      setRows((current) => [...batch.decisions.slice().reverse(), ...current].slice(0, MAX_ROWS));
    });
    return () => source.close();
  }, [query]);

  return (
    <section aria-labelledby="live-heading" className="card">
      <div className="feed-toolbar">
        <h2 id="live-heading">Live decisions</h2>
        <span className={`badge ${connection === "live" ? "ok" : "warn"}`} role="status" aria-live="polite">
          {connection === "live" ? "live" : connection}
        </span>
        <span className="feed-rate" aria-label="Decisions per second matching the filters">
          {rate.toLocaleString()} / s
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
