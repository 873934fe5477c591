"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { DataTable } from "@/components/ui/data-table";
import { decisionHref } from "@/components/ui/entity-links";
import { EntityRef } from "@/components/ui/entity-ref";
import type { ReplayResult } from "@/lib/policies/replay";
import { policyApi, policyQueries } from "./api";
import { AgentPicker } from "@/components/inventory/agent-picker";
import { EnforcementPointPicker } from "@/components/enforcement-points/enforcement-point-picker";
import { ReplayFlipsChart } from "@/components/charts/replay-flips-chart";



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
    ...policyQueries.replay(jobId ?? "none"),
    enabled: Boolean(jobId),
    refetchInterval: (query) => (query.state.data && ["done", "cancelled", "failed"].includes(query.state.data.status) ? false : 1000),
  });
  const start = useMutation({
    mutationFn: () =>
      policyApi.startReplay({ limit: Number(limit), ...(agentId ? { agentId } : {}), ...(enforcementPointId ? { enforcementPointId } : {}), ...(from ? { from: new Date(from).toISOString() } : {}), ...(to ? { to: new Date(to).toISOString() } : {}) }),
    onSuccess: (started) => {
      setError(null);
      setJobId(started.id);
    },
    onError: (failure) => setError(failure.message),
  });
  const cancel = useMutation({
    mutationFn: () => policyApi.cancelReplay(jobId!),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: policyQueries.replay(jobId ?? "none").queryKey }),
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
          <AgentPicker id="replay-agent" value={agentId} onChange={setAgentId} />
          <EnforcementPointPicker id="replay-ep" value={enforcementPointId} onChange={setEnforcementPointId} />
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
              <ReplayBuckets result={data.result} />
              <ReplayFlipsChart groups={data.result.byAgentAction} />
              {data.result.byAgentAction.length ? (
                <DataTable
                  caption="Flips by agent and action"
                  rows={data.result.byAgentAction}
                  rowKey={(group) => `${group.agentId}/${group.action}`}
                  columns={[
                    { header: "Agent", cell: (group) => <EntityRef kind="agent" id={group.agentId} name={group.agentName} /> },
                    { header: "Action", cell: (group) => group.action },
                    { header: "allow → deny", cell: (group) => group.allowToDeny },
                    { header: "deny → allow", cell: (group) => group.denyToAllow },
                  ]}
                />
              ) : null}
              {data.result.examples.length ? (
                <DataTable
                  caption="Examples of decisions that would change"
                  rows={data.result.examples}
                  rowKey={(example) => `${example.enforcementPointId}/${example.decisionId}`}
                  columns={[
                    { header: "Decision", rowHeader: true, cell: (example) => <a href={decisionHref(example)}>{example.decisionId}</a> },
                    { header: "Recorded at (UTC)", cell: (example) => <time dateTime={example.time}>{example.time.slice(0, 19).replace("T", " ")}</time> },
                    { header: "Agent", cell: (example) => <EntityRef kind="agent" id={example.agentId} name={example.agentName} /> },
                    { header: "Enforcement point", cell: (example) => <EntityRef kind="enforcement_point" id={example.enforcementPointId} name={example.enforcementPointName} /> },
                    { header: "Action", cell: (example) => example.action },
                    { header: "Recorded → replayed", cell: (example) => `${example.recorded} → ${example.replayed}${example.requestable ? " (requestable)" : ""}` },
                    { header: "Determined by", cell: (example) => (example.determiningPolicies.length ? example.determiningPolicies.join(", ") : <span className="muted">no policy (default deny)</span>) },
                  ]}
                />
              ) : null}
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/**
 * Every bucket a replayed decision can land in, so they add up to the decisions replayed: flips,
 * unchanged, not comparable (the recorded outcome was neither allow nor deny) and invalid requests
 * (the recorded request could not be rebuilt for Cedar).
 */
export function ReplayBuckets({ result }: { result: ReplayResult }) {
  const buckets: [string, number, string][] = [
    ["allow → deny", result.allowToDeny, "Allowed when recorded, denied by the draft"],
    ["deny → allow", result.denyToAllow, "Denied when recorded, allowed by the draft"],
    ["unchanged", result.unchanged, "Same outcome under the draft"],
    ["not comparable", result.notComparable, "The recorded outcome was neither allow nor deny (an error or a request for approval)"],
    ["invalid request", result.invalidRequests, "The recorded request could not be rebuilt as a Cedar request"],
  ];
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  return (
    <>
      <div className="grid-cards" data-testid="replay-buckets">
        {buckets.map(([label, count, hint]) => (
          <div className="card" key={label} title={hint}>
            <div className="stat">{count.toLocaleString("en-US")}</div>
            {label}
          </div>
        ))}
      </div>
      <p className="muted small">
        {buckets.map(([label, count]) => `${count.toLocaleString("en-US")} ${label}`).join(" + ")} = {total.toLocaleString("en-US")} decisions replayed.
      </p>
    </>
  );
}
