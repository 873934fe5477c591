import Link from "next/link";
import { DecisionAction } from "@/components/decisions/decision-action";
import { OutcomeBadge } from "@/components/decisions/outcome-badge";
import { DataTable } from "@/components/ui/data-table";
import { decisionHref } from "@/components/ui/entity-links";
import { EntityRef } from "@/components/ui/entity-ref";
import type { DeclaredVsObserved } from "@/lib/agents/declared-vs-observed";
import { when } from "./agent-summary";

/** The agent page's last decisions, each linking to the recorded decision, its EP by name. */
export function AgentRecentDecisions({ agentId, recent }: { agentId: string; recent: DeclaredVsObserved["recent"] }) {
  return (
    <section className="card" aria-labelledby="h-recent">
      <h2 id="h-recent">Recent decisions</h2>
      <p>
        <Link href={`/decisions/explore?agent=${encodeURIComponent(agentId)}`}>Open all of this agent&apos;s decisions in the explorer</Link>
      </p>
      <DataTable
        caption="Recent decisions"
        rows={recent}
        rowKey={(decision) => `${decision.enforcementPointId}/${decision.decisionId}`}
        empty="No decisions recorded for this agent yet."
        columns={[
          { header: "Time", cell: (decision) => <Link href={decisionHref(decision)}>{when(decision.time)}</Link> },
          { header: "Action", className: "mono", cell: (decision) => <DecisionAction name={decision.actionName} kind={decision.actionKind} clip /> },
          {
            header: "Resource",
            cell: (decision) => (
              <>
                {decision.resourceType} {decision.resourceId}
              </>
            ),
          },
          { header: "Outcome", cell: (decision) => <OutcomeBadge outcome={decision.outcome} /> },
          { header: "Enforcement point", cell: (decision) => <EntityRef kind="enforcement_point" id={decision.enforcementPointId} name={decision.enforcementPointName} /> },
        ]}
      />
    </section>
  );
}
