"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { DataTable } from "@/components/ui/data-table";
import { FormStatus } from "@/components/ui/form-status";
import type { TestResult } from "@/lib/policies/run-tests";
import type { TestSeed } from "@/lib/policies/test-from-decision";
import { policyApi, policyQueries } from "./api";

const EXAMPLE_REQUEST = JSON.stringify(
  {
    principal: { type: "Steward::Agent", id: "example-agent" },
    action: { type: "Steward::Action", id: "read" },
    resource: { type: "Steward::Resource", id: "ledger" },
    context: { request: {}, actionName: "read", destination: "", external: false, destructive: false, approved: false, dataSensitivity: "restricted", sensitivityLevel: 3, taskPurpose: "", delegationDepth: 0, hour: 10, weekday: 1 },
  },
  null,
  2,
);
const EXAMPLE_ENTITIES = JSON.stringify(
  [
    {
      uid: { type: "Steward::Agent", id: "example-agent" },
      attrs: { name: "Example", status: "active", environment: "prod", riskTier: "high", hasOwner: true, credentialKind: "static_api_key", staticCredential: true, dataSensitivity: "restricted", declaredActions: ["read"], declaredResourceTypes: [] },
      parents: [],
    },
    { uid: { type: "Steward::Resource", id: "ledger" }, attrs: {}, parents: [] },
  ],
  null,
  2,
);

const json = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * Policy tests: results of the last run (every draft load runs them) and a form to add one. With a
 * `seed` (from "Make a test from this decision"), the form starts filled with that decision's request,
 * entities and recorded outcome, or says why it could not be.
 */
export function TestsPanel({ results, canWrite, seed }: { results: TestResult[]; canWrite: boolean; seed?: TestSeed }) {
  const queryClient = useQueryClient();
  const filled = seed?.ok ? seed : null;
  const [name, setName] = useState(filled?.name ?? "");
  const [expected, setExpected] = useState<"allow" | "deny">(filled?.expectedDecision ?? "deny");
  const [request, setRequest] = useState(filled ? json(filled.request) : EXAMPLE_REQUEST);
  const [entities, setEntities] = useState(filled ? json(filled.entities) : EXAMPLE_ENTITIES);
  const [expectedPolicies, setExpectedPolicies] = useState("");
  // What the last "Add test" did, said (and focused, as focus fell to the page) by the shared FormStatus.
  const [outcome, setOutcome] = useState<{ ok: boolean; message?: string } | null>(null);

  const add = useMutation({
    mutationFn: () => {
      let parsedRequest: unknown;
      let parsedEntities: unknown;
      try {
        parsedRequest = JSON.parse(request);
      } catch {
        throw new Error("The request is not valid JSON");
      }
      try {
        parsedEntities = JSON.parse(entities);
      } catch {
        throw new Error("The entities are not valid JSON");
      }
      const policies = expectedPolicies.split(",").map((item) => item.trim()).filter(Boolean);
      return policyApi.saveTest({ name, request: parsedRequest, entities: parsedEntities, expectedDecision: expected, expectedPolicies: policies.length ? policies : null });
    },
    onSuccess: async () => {
      const added = name;
      setName("");
      await queryClient.invalidateQueries({ queryKey: policyQueries.draft().queryKey });
      setOutcome({ ok: true, message: `Added the test "${added}"; the table above shows its result.` });
    },
    onError: (failure) => setOutcome({ ok: false, message: failure.message }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => policyApi.deleteTest(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: policyQueries.draft().queryKey }),
  });
  const rerun = useMutation({ mutationFn: () => queryClient.invalidateQueries({ queryKey: policyQueries.draft().queryKey }) });

  const failing = results.filter((result) => !result.passed).length;
  return (
    <section className="card" aria-labelledby="tests-title">
      <h2 id="tests-title">Tests</h2>
      <p aria-live="polite" data-testid="test-summary">
        {results.length === 0 ? "No tests yet. Add one below: a request, its entities and the decision you expect." : failing ? `${failing} of ${results.length} failing` : `All ${results.length} passing`}
      </p>
      {results.length ? (
        <DataTable
          rows={results}
          rowKey={(result) => result.id}
          columns={[
            { header: "Test", cell: (result) => result.name },
            { header: "Result", cell: (result) => (result.passed ? <span className="badge ok">passed</span> : <span className="badge danger">failed</span>) },
            { header: "Detail", cell: (result) => result.message },
            canWrite && {
              header: <span className="visually-hidden">Actions</span>,
              cell: (result) => (
                <button type="button" className="link-button" onClick={() => window.confirm(`Delete the test "${result.name}"?`) && remove.mutate(result.id)}>
                  Delete
                </button>
              ),
            },
          ]}
        />
      ) : null}
      <button type="button" onClick={() => rerun.mutate()} disabled={rerun.isPending}>
        {rerun.isPending ? "Running…" : "Run tests"}
      </button>
      {canWrite ? (
        <form
          className="stack test-form"
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate();
          }}
        >
          <h3>Add a test</h3>
          {seed ? (
            <p className={seed.ok ? "notice ok" : "notice error"} data-testid="test-seed">
              {seed.ok
                ? `Filled in from decision ${seed.source.decisionId}: its request and entities as the draft reads them, expecting the recorded ${seed.expectedDecision}. Review, then add.`
                : `No test from decision ${seed.source.decisionId}: ${seed.message}`}
            </p>
          ) : null}
          <div className="field">
            <label htmlFor="test-name">Name</label>
            <input id="test-name" value={name} onChange={(event) => setName(event.target.value)} required />
          </div>
          <div className="field">
            <label htmlFor="test-expected">Expected decision</label>
            <select id="test-expected" value={expected} onChange={(event) => setExpected(event.target.value as "allow" | "deny")}>
              <option value="allow">allow</option>
              <option value="deny">deny</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="test-policies">Expected determining policies (optional)</label>
            <input id="test-policies" value={expectedPolicies} onChange={(event) => setExpectedPolicies(event.target.value)} placeholder="pol_…, pol_…" />
          </div>
          <div className="field">
            <label htmlFor="test-request">Request (Cedar principal, action, resource, context)</label>
            <textarea id="test-request" rows={8} className="mono" value={request} onChange={(event) => setRequest(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="test-entities">Entities (Cedar entity JSON)</label>
            <textarea id="test-entities" rows={8} className="mono" value={entities} onChange={(event) => setEntities(event.target.value)} />
          </div>
          <FormStatus state={outcome} success={outcome?.ok ? outcome.message : null} />
          <button type="submit" className="primary" disabled={add.isPending}>
            Add test
          </button>
        </form>
      ) : null}
    </section>
  );
}
