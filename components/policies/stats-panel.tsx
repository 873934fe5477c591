"use client";

import { useQuery } from "@tanstack/react-query";
import { DataTable } from "@/components/ui/data-table";
import { policyQueries } from "./api";

/** Per published policy: what it determined lately, and whether it ever can. */
export function StatsPanel() {
  const stats = useQuery({ ...policyQueries.stats(), staleTime: 60_000 });
  return (
    <section className="card" aria-labelledby="stats-title">
      <h2 id="stats-title">Published policies in use</h2>
      {stats.isPending ? <p className="muted">Counting…</p> : null}
      {stats.error ? <p className="notice error">{stats.error.message}</p> : null}
      {stats.data && stats.data.revision === null ? <p className="muted">Nothing is published yet; publish the draft to see how each policy is used.</p> : null}
      {stats.data && (stats.data.unmappedTypes.subjectTypes.length || stats.data.unmappedTypes.resourceTypes.length) ? (
        <div className="notice error" role="status">
          <strong>Unmapped AuthZEN types: these requests are denied.</strong>{" "}
          {[...stats.data.unmappedTypes.subjectTypes.map((item) => `subject type "${item.type}" (${item.count.toLocaleString()} recent requests)`), ...stats.data.unmappedTypes.resourceTypes.map((item) => `resource type "${item.type}" (${item.count.toLocaleString()})`)].join("; ")}. Map
          them to a Cedar entity type in Settings (PDP subject and resource types), or fix the enforcement point.
        </div>
      ) : null}
      {stats.data?.policies.length ? (
        <>
          <DataTable
            caption="Decisions determined per policy"
            rows={stats.data.policies}
            rowKey={(policy) => policy.policyId}
            columns={[
              {
                header: "Policy",
                cell: (policy) => (
                  <>
                    <code>{policy.policyId}</code>
                    <div className="muted">{policy.description}</div>
                  </>
                ),
              },
              { header: "Effect", cell: (policy) => policy.effect },
              { header: "Last 7 days", cell: (policy) => policy.determinedLast7Days.toLocaleString() },
              { header: "Last 30 days", cell: (policy) => policy.determinedLast30Days.toLocaleString() },
              { header: "Errors (30 days)", cell: (policy) => policy.erroredLast30Days.toLocaleString() },
              {
                header: "Flags",
                cell: (policy) => (
                  <>
                    {policy.status === "errors" ? (
                      <span className="badge danger" title={`Errored in ${policy.erroredLast30Days.toLocaleString()} recorded decisions (30 days) and ${policy.erroredInSample.toLocaleString()} sampled requests`}>
                        errors
                      </span>
                    ) : null}{" "}
                    {policy.neverMatches ? <span className="badge warn">never matches</span> : null} {policy.alwaysShadowed ? <span className="badge danger">always shadowed</span> : null}
                  </>
                ),
              },
            ]}
          />
          <p className="muted">Counts are for the published revision {stats.data.revision} only. Shadowing and errors are also measured on the {stats.data.sample.toLocaleString()} most recent recorded requests.</p>
        </>
      ) : null}
    </section>
  );
}
