import Link from "next/link";
import type { AgentCounts } from "@/lib/overview/overview";
import { agentsHref } from "./links";
import { formatCount, Stat } from "./stat";

/** Inventory at a glance: every number opens the agent list with the matching filter. */
export function AgentsCard({ agents }: { agents: AgentCounts }) {
  return (
    <section className="card overview-card" aria-labelledby="overview-agents">
      <h2 id="overview-agents">Agents</h2>
      {agents.total === 0 ? (
        <p>
          No agent yet. <Link href="/agents/new">Register one</Link>, <Link href="/agents/import">import a CSV</Link>, or connect an enforcement point: agents it reports appear as discovered.
        </p>
      ) : (
        <div className="stat-row">
          <Stat value={formatCount(agents.total)} label="total" href={agentsHref()} />
          <Stat value={formatCount(agents.unowned)} label="without an owner" href={agentsHref({ ownerId: "none" })} tone={agents.unowned ? "warn" : undefined} />
          <Stat value={formatCount(agents.discovered)} label="discovered (shadow)" href={agentsHref({ status: "discovered" })} tone={agents.discovered ? "warn" : undefined} />
          <Stat value={formatCount(agents.stale)} label="stale" href={agentsHref({ finding: "stale" })} tone={agents.stale ? "warn" : undefined} />
        </div>
      )}
    </section>
  );
}
