import { DecisionAction } from "@/components/decisions/decision-action";
import type { Metadata } from "next";
import { orNotFound, requirePageActor } from "@/app/_server/page-guard";
import { DecisionAgentRef } from "@/components/decisions/decision-cells";
import { DataTable } from "@/components/ui/data-table";
import { EntityRef } from "@/components/ui/entity-ref";
import { formatUtc } from "@/components/ui/format-utc";
import { PageHeader } from "@/components/ui/page-header";
import { DelegationTree } from "@/components/identity/delegation-tree";
import { hasPermission } from "@/lib/auth/require-permission";
import { getTask } from "@/lib/identity/tasks-view";
import { EndTaskForm } from "@/components/identity/end-task-form";
import { endTaskAction } from "../actions";

export const metadata: Metadata = { title: "Task" };
export const dynamic = "force-dynamic";

const at = (date: Date) => <time dateTime={date.toISOString()}>{formatUtc(date, "second")} UTC</time>;

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePageActor("identity.read", `/tasks/${encodeURIComponent(id)}`);
  const { task, tree, tokens, releases, decisions } = await orNotFound(getTask({ ctx, taskId: id }));
  const canEnd = hasPermission(ctx.actor, "tasks.end") && task.state !== "ended";
  return (
    <>
      <PageHeader title={task.purpose} description={<span className="mono">{task.id}</span>} actions={canEnd ? <EndTaskForm taskId={task.id} endTask={endTaskAction} /> : null} />
      <section className="card" aria-labelledby="h-task">
        <h2 id="h-task">Summary</h2>
        <dl className="summary">
          <dt>State</dt>
          <dd>{task.state}{task.endedAt ? <> — ended {at(task.endedAt)} by {task.endedByName && task.endedBy ? <EntityRef kind="agent" id={task.endedBy} name={task.endedByName} /> : task.endedBy}</> : null}</dd>
          <dt>Initiator</dt>
          <dd>{task.initiatorType === "person" ? `person ${task.initiator}` : <>agent <EntityRef kind="agent" id={task.initiator} name={task.rootAgentName} /></>}</dd>
          <dt>Started</dt>
          <dd>{at(task.createdAt)}</dd>
          <dt>Tokens expire by</dt>
          <dd>{at(task.tokensExpireAt)}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="h-tree">
        <h2 id="h-tree">Delegation tree</h2>
        <p className="muted">Each hop is one task token: the agent that holds it and the scope it carries. A delegated token&apos;s scope is within its parent&apos;s.</p>
        <DelegationTree nodes={tree} />
      </section>
      <section className="card" aria-labelledby="h-tokens">
        <h2 id="h-tokens">Tokens</h2>
        <DataTable
          caption="Task tokens"
          rows={tokens}
          rowKey={(token) => token.jti}
          empty="No token was issued for this task: its agent exchanges its credential at /oauth/token to get one."
          columns={[
            { header: "jti", rowHeader: true, className: "mono", cell: (token) => token.jti },
            { header: "Agent", cell: (token) => <EntityRef kind="agent" id={token.agentId} name={token.agentName} /> },
            { header: "Scope", className: "mono", cell: (token) => token.scope.join(" ") },
            { header: "Audience", className: "mono", cell: (token) => token.audience },
            { header: "Presented", className: "mono", cell: (token) => `${token.authMethod}: ${token.presentedIdentity}` },
            { header: "Expires", cell: (token) => at(token.expiresAt) },
            { header: "Status", cell: (token) => (token.state === "revoked" ? <span className="badge danger">revoked ({token.revokedReason})</span> : token.state === "expired" ? <span className="badge muted">expired</span> : <span className="badge ok">live</span>) },
          ]}
        />
      </section>
      <section className="card" aria-labelledby="h-releases">
        <h2 id="h-releases">Secret releases</h2>
        <DataTable
          caption="Secrets released for this task"
          rows={releases}
          rowKey={(release) => release.id}
          empty="No secret was released for this task."
          columns={[
            { header: "Secret", rowHeader: true, cell: (release) => release.secretName },
            { header: "Released", cell: (release) => release.released },
            { header: "To enforcement point", className: "mono", cell: (release) => release.enforcementPointId },
            { header: "For token", className: "mono", cell: (release) => release.jti },
            { header: "At", cell: (release) => at(release.at) },
          ]}
        />
      </section>
      <section className="card" aria-labelledby="h-decisions">
        <h2 id="h-decisions">Decisions</h2>
        <DataTable
          caption="Decisions of this task (token issuance and enforcement)"
          rows={decisions}
          rowKey={(decision) => `${decision.enforcementPointId}/${decision.decisionId}`}
          empty="No decision recorded for this task yet."
          columns={[
            { header: "Time", cell: (decision) => at(decision.time) },
            { header: "Agent", cell: (decision) => <DecisionAgentRef agentId={decision.agentId} agentRef={decision.agentRef} agentName={decision.agentName} /> },
            { header: "Action", className: "mono", rowHeader: true, cell: (decision) => <DecisionAction name={decision.actionName} kind={decision.actionKind} clip /> },
            { header: "Outcome", cell: (decision) => <span className={`badge ${decision.outcome === "allow" ? "ok" : "danger"}`}>{decision.outcome}</span> },
            {
              header: "Reasons",
              cell: (decision) =>
                decision.namedReasons.map(({ reason, policyName }, index) => (
                  <span key={`${index}-${reason}`}>
                    {index ? "; " : ""}
                    {policyName ? <EntityRef kind="policy" id={reason} name={policyName} /> : reason}
                  </span>
                )),
            },
            { header: "Enforcement point", cell: (decision) => <EntityRef kind="enforcement_point" id={decision.enforcementPointId} name={decision.enforcementPointName} /> },
          ]}
        />
      </section>
    </>
  );
}
