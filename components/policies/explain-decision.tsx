"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ExplainedDecision } from "@/lib/policies/explain";
import { policyApi, policyQueries } from "./api";


function Verdict({ title, result }: { title: string; result: ExplainedDecision }) {
  return (
    <div className="card">
      <h3>{title}</h3>
      <p>
        <span className={result.decision === "allow" ? "badge ok" : "badge danger"}>{result.decision}</span>{" "}
        {result.determiningPolicies.length ? <>determined by {result.determiningPolicies.map((id) => <code key={id}>{id} </code>)}</> : "no policy determined it (default deny)"}
      </p>
      <p className="muted">{result.reason}</p>
      {result.erroringPolicies.length ? (
        <p className="notice warn">
          Errored: {result.erroringPolicies.map((id) => <code key={id}>{id} </code>)}
        </p>
      ) : null}
      {result.errors.length ? <p className="notice warn">{result.errors.join("; ")}</p> : null}
    </div>
  );
}

/**
 * "Evaluate now" for a recorded decision that carries a request: the decision and determining
 * policies under the current published version and any chosen one. Embed on the decision page.
 */
export function ExplainDecision({ enforcementPointId, decisionId }: { enforcementPointId: string; decisionId: string }) {
  const [revision, setRevision] = useState("");
  const versions = useQuery(policyQueries.versions());
  const explain = useMutation({
    mutationFn: () => policyApi.explain({ enforcementPointId, decisionId, ...(revision ? { revision: Number(revision) } : {}) }),
  });
  return (
    <section className="card" aria-labelledby="explain-title">
      <h2 id="explain-title">Evaluate now</h2>
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          explain.mutate();
        }}
      >
        <div className="field">
          <label htmlFor="explain-revision">Also compare with</label>
          <select id="explain-revision" value={revision} onChange={(event) => setRevision(event.target.value)}>
            <option value="">only the current version</option>
            {(versions.data?.versions ?? []).map((version) => (
              <option key={version.id} value={String(version.revision)}>
                revision {version.revision}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary" disabled={explain.isPending}>
          Evaluate now
        </button>
      </form>
      <div aria-live="polite">
        {explain.error ? <p className="notice error">{explain.error.message}</p> : null}
        {explain.data ? (
          <div className="grid-cards">
            <div className="card">
              <h3>Recorded</h3>
              <p>
                {explain.data.recorded.outcome}
                {explain.data.recorded.policyRevision ? ` under revision ${explain.data.recorded.policyRevision}` : ""}
              </p>
            </div>
            <Verdict title={`Current (revision ${explain.data.current.revision})`} result={explain.data.current} />
            {explain.data.chosen ? <Verdict title={`Revision ${explain.data.chosen.revision}`} result={explain.data.chosen} /> : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}
