"use client";

import { useQuery } from "@tanstack/react-query";
import type { PolicyStats } from "@/lib/policies/stats";
import { api, policyKeys } from "./api";

/** Per published policy: what it determined lately, and whether it ever can. */
export function StatsPanel() {
  const stats = useQuery({ queryKey: policyKeys.stats, queryFn: () => api<{ revision: number | null; sample: number; policies: PolicyStats[] }>("/api/v1/policies/stats"), staleTime: 60_000 });
  return (
    <section className="card" aria-labelledby="stats-title">
      <h2 id="stats-title">Published policies in use</h2>
      {stats.isPending ? <p className="muted">Counting…</p> : null}
      {stats.error ? <p className="notice error">{stats.error.message}</p> : null}
      {stats.data && stats.data.revision === null ? <p className="muted">Nothing is published yet; publish the draft to see how each policy is used.</p> : null}
      {stats.data?.policies.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Decisions determined per policy</caption>
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">Effect</th>
                <th scope="col">Last 7 days</th>
                <th scope="col">Last 30 days</th>
                <th scope="col">Flags</th>
              </tr>
            </thead>
            <tbody>
              {stats.data.policies.map((policy) => (
                <tr key={policy.policyId}>
                  <td>
                    <code>{policy.policyId}</code>
                    <div className="muted">{policy.description}</div>
                  </td>
                  <td>{policy.effect}</td>
                  <td>{policy.determinedLast7Days.toLocaleString()}</td>
                  <td>{policy.determinedLast30Days.toLocaleString()}</td>
                  <td>
                    {policy.neverMatches ? <span className="badge warn">never matches</span> : null} {policy.alwaysShadowed ? <span className="badge danger">always shadowed</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">Shadowing is measured on the {stats.data.sample.toLocaleString()} most recent recorded requests.</p>
        </div>
      ) : null}
    </section>
  );
}
