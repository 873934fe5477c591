import type { Metadata } from "next";
import { orNotFound, requirePageActor } from "@/app/_server/page-guard";
import { readingFromReplica } from "@/app/_server/read-scope";
import { RiskBadge } from "@/components/inventory/badges";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { AgentActivityCharts } from "@/components/inventory/agent-activity-charts";
import { AgentFindings } from "@/components/inventory/agent-findings";
import { AgentObserved } from "@/components/inventory/agent-observed";
import { AgentOwnership } from "@/components/inventory/agent-ownership";
import { AgentRecentDecisions } from "@/components/inventory/agent-recent-decisions";
import { AgentRisk } from "@/components/inventory/agent-risk";
import { AgentSummary } from "@/components/inventory/agent-summary";
import { CredentialPosture, POSTURE_WINDOW_DAYS } from "@/components/identity/credential-posture";
import { PageHeader } from "@/components/ui/page-header";
import { CREDENTIAL_KINDS, DATA_SENSITIVITIES, ENVIRONMENTS, RISK_TIERS } from "@/db/schema/inventory";
import { agentActivityTrend } from "@/lib/agents/activity-trend";
import { declaredVsObserved } from "@/lib/agents/declared-vs-observed";
import { getAgent } from "@/lib/agents/list-agents";
import { hasPermission } from "@/lib/auth/require-permission";
import { findingsOfAgent } from "@/lib/findings/dashboard";
import { FINDING_LABELS } from "@/lib/findings/schemas";
import { listAgentKeys } from "@/lib/identity/agent-keys";
import { observedCredentialPosture } from "@/lib/identity/tasks-view";
import { listOwnerCandidates } from "@/lib/people/owner-candidates";
import { listTeams } from "@/lib/people/teams";
import { acceptFindingAction, assignOwnershipAction, changeStatusAction, createPersonAction, overrideRiskAction, resolveFindingAction, updateAgentDetailsAction, updateScopeAction } from "../actions";

export const metadata: Metadata = { title: "Agent" };

/** A date `days` from now as YYYY-MM-DD (negative: in the past). */
const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function AgentPageContent({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePageActor("agents.read", `/agents/${id}`);
  const canWrite = hasPermission(ctx.actor, "agents.write");
  const canAssign = hasPermission(ctx.actor, "agents.assign_owner");
  const canManageFindings = hasPermission(ctx.actor, "findings.manage");
  const [agent, observed, agentFindings, candidates, teams] = await orNotFound(
    Promise.all([getAgent({ ctx, input: { agentId: id } }), declaredVsObserved({ ctx, input: { agentId: id } }), findingsOfAgent(ctx, id), canAssign ? listOwnerCandidates({ ctx }) : [], canAssign ? listTeams({ ctx }) : []]),
  );
  const [posture, keys, activity] = await Promise.all([
    observedCredentialPosture({ ctx, agentId: agent.id, since: new Date(dayFromNow(-POSTURE_WINDOW_DAYS)) }),
    listAgentKeys({ ctx, agentId: agent.id }),
    agentActivityTrend({ ctx, agentId: agent.id }),
  ]);
  return (
    <>
      <PageHeader
        title={agent.name}
        description={
          <>
            <code>{agent.id}</code> · <span className="badge">{agent.status}</span> · {agent.environment ?? "environment unknown"} · risk <RiskBadge tier={agent.riskTier} overridden={!!agent.riskOverride} />
          </>
        }
      />
      <InventoryNav current="" />
      <div className="detail-grid">
        <AgentSummary agent={agent} choices={{ environments: ENVIRONMENTS, credentialKinds: CREDENTIAL_KINDS, dataSensitivities: DATA_SENSITIVITIES }} updateDetails={canWrite ? updateAgentDetailsAction : undefined} />
        <AgentRisk agent={agent} riskTiers={RISK_TIERS} overrideRisk={canWrite ? overrideRiskAction : undefined} />
      </div>
      <AgentOwnership
        agent={agent}
        candidates={candidates}
        teams={teams}
        assign={canAssign ? assignOwnershipAction : undefined}
        addPerson={canAssign && canWrite ? createPersonAction : undefined}
        changeStatus={canWrite ? changeStatusAction : undefined}
      />
      <AgentObserved agent={agent} observed={observed} updateScope={canWrite ? updateScopeAction : undefined} />
      <AgentActivityCharts days={activity} />
      <AgentFindings
        findings={agentFindings.map((finding) => ({ ...finding, label: FINDING_LABELS[finding.kind] }))}
        defaultExpiry={dayFromNow(30)}
        manage={canManageFindings ? { resolve: resolveFindingAction, accept: acceptFindingAction } : undefined}
      />
      <CredentialPosture agentId={agent.id} declaredKind={agent.credentialKind ?? null} posture={posture} keys={keys} />
      <AgentRecentDecisions agentId={agent.id} recent={observed.recent} />
    </>
  );
}

/** Reads from the read replica when one is configured and close enough (docs/operations.md, *Read replica*). */
export default async function AgentPage(props: { params: Promise<{ id: string }> }) {
  return readingFromReplica(() => AgentPageContent(props));
}
