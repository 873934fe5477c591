import { DecisionAction } from "@/components/decisions/decision-action";
import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { readingFromReplica } from "@/app/_server/read-scope";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getDecisionTrace, TraceQuery, type TraceNode } from "@/lib/decisions/explore-decisions";
import { decisionHref } from "@/components/ui/entity-links";
import { formatUtc } from "@/components/ui/format-utc";
import { DecisionsNav } from "@/components/decisions/decisions-nav";
import { OutcomeBadge } from "@/components/decisions/outcome-badge";
import { readPageQuery } from "@/lib/http/query";

export const metadata: Metadata = { title: "Trace" };
export const dynamic = "force-dynamic";


function TraceBranch({ nodes }: { nodes: TraceNode[] }) {
  return (
    <ul className="trace-tree">
      {nodes.map(({ decision, children }) => (
        <li key={`${decision.enforcementPointId}/${decision.decisionId}`}>
          <div className="trace-node">
            <OutcomeBadge outcome={decision.outcome} /> <strong>{decision.agentRef}</strong> → <DecisionAction name={decision.actionName} kind={decision.actionKind} /> on <code>{decision.resourceType}:{decision.resourceId}</code>{" "}
            <Link href={decisionHref({ enforcementPointId: decision.enforcementPointId, decisionId: decision.decisionId, time: decision.time.toISOString() })}>{formatUtc(decision.time, "millisecond")}</Link>
            {decision.delegation?.length ? <div className="muted">via {decision.delegation.join(" → ")}</div> : null}
          </div>
          {children.length ? <TraceBranch nodes={children} /> : null}
        </li>
      ))}
    </ul>
  );
}

async function PageContent({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("decisions.read", "/decisions/trace");
  const params = readPageQuery(await searchParams, TraceQuery);
  const key = { traceId: params.trace, taskId: params.task };
  if (!key.traceId && !key.taskId) {
    return (
      <>
        <PageHeader title="Trace" />
        <DecisionsNav current="/decisions/explore" />
        <EmptyState title="Choose a trace">Open a decision in the explorer and follow its trace link.</EmptyState>
      </>
    );
  }
  const roots = await getDecisionTrace({ ctx, key });
  return (
    <>
      <PageHeader title={key.traceId ? `Trace ${key.traceId}` : `Task ${key.taskId}`} description="Planner → delegates → tool calls, with each decision's delegation chain." />
      <DecisionsNav current="/decisions/explore" />
      {roots.length === 0 ? (
        <EmptyState title="No decision in this trace">It may have passed retention, or the enforcement points have not reported it yet.</EmptyState>
      ) : (
        <section className="card" aria-label="Decision tree">
          <TraceBranch nodes={roots} />
        </section>
      )}
    </>
  );
}

/** Reads from the read replica when one is configured and close enough (docs/operations.md, *Read replica*). */
export default async function Page(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return readingFromReplica(() => PageContent(props));
}
