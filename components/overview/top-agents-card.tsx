import Link from "next/link";
import type { AgentRanking, OutOfScopeRanking } from "@/lib/overview/overview";
import { agentHref, decisionsHref, findingsHref } from "./links";
import { formatCount } from "./stat";

const DAY_MS = 86_400_000;

/** The agents with the most denies, and those acting outside their declared scope, over the last `days` UTC days (activity rollups). */
export function TopAgentsCard({ denies, outOfScope, now, days }: { denies: AgentRanking[]; outOfScope: OutOfScopeRanking[]; now: Date; days: number }) {
  // The rollup counts whole UTC days: the explorer link covers the same days.
  const from = new Date(Date.parse(now.toISOString().slice(0, 10)) - (days - 1) * DAY_MS);
  return (
    <section className="card overview-card" aria-labelledby="overview-top-agents">
      <h2 id="overview-top-agents">Agents to look at</h2>
      <h3>Most denies, last {days} days</h3>
      {denies.length === 0 ? (
        <p className="muted">No agent was denied in the last {days} days (as of the last activity refresh, every 10 minutes).</p>
      ) : (
        <div className="table-wrap"><table className="compact">
          <caption className="visually-hidden">Agents with the most denies in the last {days} days</caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Denies</th>
              <th scope="col">Deny rate</th>
            </tr>
          </thead>
          <tbody>
            {denies.map((row) => (
              <tr key={row.agentId}>
                <th scope="row">
                  <Link href={agentHref(row.agentId)} title={row.agentId}>
                    {row.name}
                  </Link>
                </th>
                <td>
                  <Link href={decisionsHref({ from, to: now, outcome: "deny", agent: row.agentId })} aria-label={`${row.denies} denies of ${row.name}`}>
                    {formatCount(row.denies)}
                  </Link>
                </td>
                <td>{row.decisions ? `${((row.denies / row.decisions) * 100).toFixed(1)}%` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
      <h3>Out-of-scope actions, last {days} days</h3>
      {outOfScope.length === 0 ? (
        <p className="muted">No agent used an undeclared action in the last {days} days (as of the last activity refresh, every 10 minutes).</p>
      ) : (
        <div className="table-wrap"><table className="compact">
          <caption className="visually-hidden">Agents using actions they did not declare</caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Undeclared actions</th>
            </tr>
          </thead>
          <tbody>
            {outOfScope.map((row) => (
              <tr key={row.agentId}>
                <th scope="row">
                  <Link href={agentHref(row.agentId)} title={row.agentId}>
                    {row.name}
                  </Link>
                </th>
                <td>
                  <Link href={agentHref(row.agentId)} aria-label={`${row.actionCount} undeclared actions of ${row.name}`}>
                    {formatCount(row.actionCount)}
                  </Link>{" "}
                  <span className="muted mono overview-actions">{row.actions.join(", ")}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
      <p>
        <Link href={findingsHref("out_of_scope")}>All out-of-scope findings</Link>
      </p>
    </section>
  );
}
