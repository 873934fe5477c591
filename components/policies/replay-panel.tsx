"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { DataTable } from "@/components/ui/data-table";
import type { ReplayResult } from "@/lib/policies/replay";
import { api, policyKeys } from "./api";
import { ReplayFlipsChart } from "@/components/charts/replay-flips-chart";

type ReplayJob = { id: string; status: "queued" | "running" | "done" | "cancelled" | "failed"; total: number; processed: number; result: ReplayResult | null; error: string | null };

const decisionHref = (example: ReplayResult["examples"][number]) => `/decisions/${encodeURIComponent(example.enforcementPointId)}/${encodeURIComponent(example.decisionId)}`;

/** Impact analysis: replay the draft against recorded decisions, with progress and cancel. */
export function ReplayPanel({ canRun }: { canRun: boolean }) {
  const queryClient = useQueryClient();
  const [jobId, setJobId] = useState<string | null>(null);
  const [limit, setLimit] = useState("10000");
  const [agentId, setAgentId] = useState("");
  const [enforcementPointId, setEnforcementPointId] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [error, setError] = useState<string | null>(null);

  const job = useQuery({
    queryKey: policyKeys.replay(jobId ?? "none"),
    queryFn: () => api<ReplayJob>(`/api/v1/policies/replays/${jobId}`),
    enabled: Boolean(jobId),
    refetchInterval: (query) => (query.state.data && ["done", "cancelled", "failed"].includes(query.state.data.status) ? false : 1000),
  });
  const start = useMutation({
    mutationFn: () =>
      api<{ id: string }>("/api/v1/policies/replays", {
        body: { limit: Number(limit), ...(agentId ? { agentId } : {}), ...(enforcementPointId ? { enforcementPointId } : {}), ...(from ? { from: new Date(from).toISOString() } : {}), ...(to ? { to: new Date(to).toISOString() } : {}) },
      }),
    onSuccess: (started) => {
      setError(null);
      setJobId(started.id);
    },
    onError: (failure) => setError(failure.message),
  });
  const cancel = useMutation({
    mutationFn: () => api(`/api/v1/policies/replays/${jobId}/cancel`, { body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: policyKeys.replay(jobId ?? "none") }),
  });

  const data = job.data;
  const running = data && (data.status === "queued" || data.status === "running");
  return (
    <section className="card" aria-labelledby="replay-title">
      <h2 id="replay-title">Replay the draft</h2>
      <p className="muted">Evaluates the draft against recorded decisions that carry a request, newest first, and shows what would change.</p>
      {canRun ? (
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            start.mutate();
          }}
        >
          <div className="field">
            <label htmlFor="replay-limit">Last N decisions</label>
            <input id="replay-limit" type="number" min={1} max={1000000} value={limit} onChange={(event) => setLimit(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="replay-agent">Agent id</label>
            <input id="replay-agent" value={agentId} onChange={(event) => setAgentId(event.target.value)} placeholder="any" />
          </div>
          <div className="field">
            <label htmlFor="replay-ep">Enforcement point id</label>
            <input id="replay-ep" value={enforcementPointId} onChange={(event) => setEnforcementPointId(event.target.value)} placeholder="any" />
          </div>
          <div className="field">
            <label htmlFor="replay-from">From</label>
            <input id="replay-from" type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="replay-to">To</label>
            <input id="replay-to" type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} />
          </div>
          <button type="submit" className="primary" disabled={start.isPending || Boolean(running)}>
            Start replay
          </button>
        </form>
      ) : null}
      <div aria-live="polite">{error ? <p className="notice error">{error}</p> : null}</div>
      {data ? (
        <div className="replay-job">
          <p>
            Status: <strong>{data.status}</strong> · {data.processed.toLocaleString()} of {data.total.toLocaleString()} decisions
          </p>
          <progress max={Math.max(data.total, 1)} value={data.processed} aria-label="Replay progress" />
          {running ? (
            <button type="button" onClick={() => cancel.mutate()}>
              Cancel
            </button>
          ) : null}
          {data.error ? <p className="notice error">{data.error}</p> : null}
          {data.result ? (
            <>
              <div className="grid-cards">
                <div className="card">
                  <div className="stat">{data.result.allowToDeny.toLocaleString()}</div>allow → deny
                </div>
                <div className="card">
                  <div className="stat">{data.result.denyToAllow.toLocaleString()}</div>deny → allow
                </div>
                <div className="card">
                  <div className="stat">{data.result.unchanged.toLocaleString()}</div>unchanged
                </div>
              </div>
              <ReplayFlipsChart groups={data.result.byAgentAction} />
              {data.result.byAgentAction.length ? (
                <DataTable
                  caption="Flips by agent and action"
                  rows={data.result.byAgentAction}
                  rowKey={(group) => `${group.agentId}/${group.action}`}
                  columns={[
                    { header: "Agent", cell: (group) => <a href={`/agents/${encodeURIComponent(group.agentId)}`}>{group.agentId}</a> },
                    { header: "Action", cell: (group) => group.action },
                    { header: "allow → deny", cell: (group) => group.allowToDeny },
                    { header: "deny → allow", cell: (group) => group.denyToAllow },
                  ]}
                />
              ) : null}
              {data.result.examples.length ? (
                <>
                  <h3>Examples</h3>
                  <ul>
                    {data.result.examples.map((example) => (
                      <li key={`${example.enforcementPointId}/${example.decisionId}`}>
                        <a href={decisionHref(example)}>{example.decisionId}</a> {example.agentId} {example.action}: {example.recorded} → {example.replayed}
                        {example.determiningPolicies.length ? ` (by ${example.determiningPolicies.join(", ")})` : ""}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
