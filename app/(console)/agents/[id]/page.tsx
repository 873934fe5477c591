import type { Metadata } from "next";
import Link from "next/link";
import { orNotFound, requirePageActor } from "@/app/_server/page-guard";
import { readingFromReplica } from "@/app/_server/read-scope";
import { ActionForm } from "@/components/ui/action-form";
import { RiskBadge } from "@/components/inventory/badges";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { AGENT_STATUS_OPTIONS, SelectField } from "@/components/inventory/select-field";
import { DataTable } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { CREDENTIAL_KINDS, DATA_SENSITIVITIES, ENVIRONMENTS, RISK_TIERS } from "@/db/schema/inventory";
import { declaredVsObserved } from "@/lib/agents/declared-vs-observed";
import { agentActivityTrend } from "@/lib/agents/activity-trend";
import { AgentActivityCharts } from "@/components/inventory/agent-activity-charts";
import { getAgent } from "@/lib/agents/list-agents";
import { hasPermission } from "@/lib/auth/require-permission";
import { findingsOfAgent } from "@/lib/findings/dashboard";
import { FINDING_LABELS } from "@/lib/findings/schemas";
import { listPeople } from "@/lib/people/people";
import { listTeams } from "@/lib/people/teams";
import { acceptFindingAction, assignOwnershipAction, changeStatusAction, overrideRiskAction, resolveFindingAction, updateAgentDetailsAction, updateScopeAction } from "../actions";
import { formatUtc } from "@/components/ui/format-utc";
import { CredentialPosture, POSTURE_WINDOW_DAYS } from "@/components/identity/credential-posture";
import { listAgentKeys } from "@/lib/identity/agent-keys";
import { observedCredentialPosture } from "@/lib/identity/tasks-view";

export const metadata: Metadata = { title: "Agent" };

/** The default acceptance expiry offered in the form. */
function dayFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const when = (value: Date | string | null | undefined) => (value ? `${formatUtc(value)} UTC` : "Never");

async function AgentPageContent({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePageActor("agents.read", `/agents/${id}`);
  const [agent, observed, agentFindings, people, teams] = await orNotFound(Promise.all([
    getAgent({ ctx, input: { agentId: id } }),
    declaredVsObserved({ ctx, input: { agentId: id } }),
    findingsOfAgent(ctx, id),
    listPeople({ ctx, input: { active: "true", limit: 500 } }),
    listTeams({ ctx }),
  ]));
  const [posture, keys, activity] = await Promise.all([
    observedCredentialPosture({ ctx, agentId: agent.id, since: new Date(dayFromNow(-POSTURE_WINDOW_DAYS)) }),
    listAgentKeys({ ctx, agentId: agent.id }),
    agentActivityTrend({ ctx, agentId: agent.id }),
  ]);
  const canWrite = hasPermission(ctx.actor, "agents.write");
  const canAssign = hasPermission(ctx.actor, "agents.assign_owner");
  const canManageFindings = hasPermission(ctx.actor, "findings.manage");
  const defaultExpiry = dayFromNow(30);
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
        <section className="card" aria-labelledby="h-summary">
          <h2 id="h-summary">Summary</h2>
          <dl className="facts">
            <dt>Description</dt>
            <dd>{agent.description || <span className="muted">None</span>}</dd>
            <dt>Owner</dt>
            <dd data-testid="agent-owner">{agent.owner ? `${agent.owner.name} <${agent.owner.email}>${agent.owner.active ? "" : " (deactivated)"}` : <span className="badge danger">No owner{agent.inTeamQueue ? " — in team queue" : ""}</span>}</dd>
            <dt>Backup owner</dt>
            <dd>{agent.backupOwner ? `${agent.backupOwner.name} <${agent.backupOwner.email}>` : "None"}</dd>
            <dt>Team</dt>
            <dd>{agent.team?.name ?? "None"}</dd>
            <dt>Model / provider</dt>
            <dd>{agent.modelProvider || "—"}</dd>
            <dt>Framework</dt>
            <dd>{agent.framework || "—"}</dd>
            <dt>Credential</dt>
            <dd>
              {agent.credentialKind ?? "unknown"}
              {agent.credentialMaxLifetimeSeconds ? `, lives up to ${agent.credentialMaxLifetimeSeconds}s` : ""}
              {agent.credentialLastRotatedAt ? `, rotated ${when(agent.credentialLastRotatedAt)}` : ""}
            </dd>
            <dt>Data sensitivity</dt>
            <dd>{agent.dataSensitivity ?? "unknown"}</dd>
            <dt>Identities</dt>
            <dd>
              {agent.identities.length ? (
                <ul className="plain-list">
                  {agent.identities.map((identity) => (
                    <li key={`${identity.kind}:${identity.value}`}>
                      <span className="muted">{identity.kind}</span> <code>{identity.value}</code>
                    </li>
                  ))}
                </ul>
              ) : (
                "None"
              )}
            </dd>
            <dt>Last attested</dt>
            <dd>{when(agent.lastAttestedAt)}</dd>
          </dl>
          {canWrite ? (
            <details className="edit-details">
              <summary>Edit details</summary>
              <ActionForm action={updateAgentDetailsAction} submitLabel="Save details" className="stack" label="Edit agent details" successMessage="Details saved.">
                <input type="hidden" name="agentId" value={agent.id} />
                <div className="field">
                  <label htmlFor="agent-name">Name</label>
                  <input id="agent-name" name="name" defaultValue={agent.name} required maxLength={200} />
                </div>
                <div className="field">
                  <label htmlFor="agent-description">Description</label>
                  <textarea id="agent-description" name="description" rows={3} defaultValue={agent.description ?? ""} maxLength={4000} />
                </div>
                <SelectField id="agent-environment" name="environment" label="Environment" defaultValue={agent.environment ?? ""} options={ENVIRONMENTS.map((value) => [value, value])}>
                  <option value="">Unknown</option>
                </SelectField>
                <SelectField id="agent-credential-kind" name="credentialKind" label="Credential kind" defaultValue={agent.credentialKind ?? ""} options={CREDENTIAL_KINDS.map((value) => [value, value.replaceAll("_", " ")])}>
                  <option value="">Unknown</option>
                </SelectField>
                <div className="field">
                  <label htmlFor="agent-credential-lifetime">Credential lifetime (seconds)</label>
                  <input id="agent-credential-lifetime" name="credentialMaxLifetimeSeconds" type="number" min={1} inputMode="numeric" defaultValue={agent.credentialMaxLifetimeSeconds ?? ""} aria-describedby="agent-credential-lifetime-hint" />
                  <span className="hint" id="agent-credential-lifetime-hint">
                    The longest a credential lives; blank when unknown or it never expires
                  </span>
                </div>
                <SelectField id="agent-data-sensitivity" name="dataSensitivity" label="Data sensitivity" defaultValue={agent.dataSensitivity ?? ""} options={DATA_SENSITIVITIES.map((value) => [value, value])}>
                  <option value="">Unknown</option>
                </SelectField>
              </ActionForm>
            </details>
          ) : null}
        </section>

        <section className="card" aria-labelledby="h-risk">
          <h2 id="h-risk">Risk</h2>
          <p>
            Effective tier <RiskBadge tier={agent.riskTier} overridden={!!agent.riskOverride} /> · computed <RiskBadge tier={agent.computedRiskTier} />
          </p>
          {agent.riskOverride ? <p>Override justification: {agent.riskOverride.justification}</p> : null}
          <ul>
            {agent.riskReasons.length ? agent.riskReasons.map((reason) => <li key={reason}>{reason}</li>) : <li>No risk factor found</li>}
          </ul>
          {canWrite ? (
            <ActionForm action={overrideRiskAction} submitLabel="Save override" className="stack" label="Override risk tier" successMessage="Risk tier saved.">
              <input type="hidden" name="agentId" value={agent.id} />
              <SelectField id="risk-tier" name="tier" label="Override tier" defaultValue={agent.riskOverride?.tier ?? ""} options={RISK_TIERS.map((tier) => [tier, tier])}>
                <option value="">No override (use computed)</option>
              </SelectField>
              <div className="field">
                <label htmlFor="risk-justification">Justification</label>
                <textarea id="risk-justification" name="justification" rows={2} defaultValue={agent.riskOverride?.justification ?? ""} />
              </div>
            </ActionForm>
          ) : null}
        </section>
      </div>

      {canAssign || canWrite ? (
        <section className="card" aria-labelledby="h-ownership">
          <h2 id="h-ownership">Ownership and status</h2>
          {canAssign ? (
            <ActionForm action={assignOwnershipAction} submitLabel="Save ownership" label="Assign ownership" confirm={`Change the ownership of ${agent.name}?`} successMessage="Ownership saved.">
              <input type="hidden" name="agentIds" value={agent.id} />
              <PersonSelect id="own-owner" name="ownerId" label="Owner" current={agent.owner?.id} options={people.items.map((p) => [p.id, `${p.name} <${p.email}>`])} />
              <PersonSelect id="own-backup" name="backupOwnerId" label="Backup owner" current={agent.backupOwner?.id} options={people.items.map((p) => [p.id, `${p.name} <${p.email}>`])} />
              <PersonSelect id="own-team" name="teamId" label="Team" current={agent.team?.id} options={teams.map((t) => [t.id, t.name])} />
            </ActionForm>
          ) : null}
          {canWrite ? (
            <ActionForm action={changeStatusAction} submitLabel="Change status" label="Change status" confirm={`Change the status of ${agent.name}?`} successMessage="Status saved.">
              <input type="hidden" name="agentIds" value={agent.id} />
              <SelectField id="agent-status" name="status" label="Status" defaultValue={agent.status} options={AGENT_STATUS_OPTIONS} />
            </ActionForm>
          ) : null}
        </section>
      ) : null}

      <section className="card" aria-labelledby="h-observed">
        <h2 id="h-observed">Declared vs observed</h2>
        <p className="muted">
          Last {observed.windowDays} days of recorded decisions. Last seen: {when(observed.lastSeenAt)}. Denies: {observed.denies}.
        </p>
        <DataTable
          caption="Actions used"
          rows={observed.used}
          rowKey={(use) => use.action}
          rowAttributes={(use) => ({ className: use.declared ? undefined : "out-of-scope" })}
          empty="No decisions in the window. Connect an enforcement point that sees this agent, or check its identities."
          columns={[
            { header: "Action", cell: (use) => <code>{use.action}</code> },
            { header: "Declared?", cell: (use) => (use.declared ? "Yes" : <span className="badge danger">Out of scope</span>) },
            { header: "Resource types", cell: (use) => use.resourceTypes.join(", ") },
            { header: "Allowed", cell: (use) => use.allows },
            { header: "Denied", cell: (use) => use.denies },
            { header: "Last used", cell: (use) => when(use.lastAt) },
          ]}
        />
        <h3>Declared but never used</h3>
        {observed.unusedDeclared.length ? (
          <p>
            Candidates to remove:{" "}
            {observed.unusedDeclared.map((action) => (
              <code key={action} className="chip">
                {action}
              </code>
            ))}
          </p>
        ) : (
          <p className="muted">Every declared action was used.</p>
        )}
        <div className="detail-grid">
          <div>
            <h3>Enforcement points passed through</h3>
            <ul>
              {observed.endpoints.map((ep) => (
                <li key={ep.enforcementPointId}>
                  {ep.name ?? ep.enforcementPointId} — {ep.decisions} decisions, last {when(ep.lastAt)}
                </li>
              ))}
              {observed.endpoints.length === 0 ? <li className="muted">None</li> : null}
            </ul>
          </div>
          <div>
            <h3>Delegated by</h3>
            <ul>
              {observed.delegatedBy.map((d) => (
                <li key={d.ref}>
                  {d.agent ? <Link href={`/agents/${d.agent.id}`}>{d.agent.name}</Link> : <code>{d.ref}</code>} — {d.decisions}
                </li>
              ))}
              {observed.delegatedBy.length === 0 ? <li className="muted">Nobody</li> : null}
            </ul>
            <h3>Delegates to</h3>
            <ul>
              {observed.delegatesTo.map((d) => (
                <li key={d.agentId}>
                  <Link href={`/agents/${d.agentId}`}>{d.name ?? d.agentId}</Link> — {d.decisions}
                </li>
              ))}
              {observed.delegatesTo.length === 0 ? <li className="muted">Nobody (as of the last findings refresh)</li> : null}
            </ul>
          </div>
        </div>
        {canWrite ? (
          <ActionForm action={updateScopeAction} submitLabel="Save declared scope" className="stack" label="Declared scope" successMessage="Scope saved.">
            <input type="hidden" name="agentId" value={agent.id} />
            <div className="field">
              <label htmlFor="scope-actions">Declared actions (one per line)</label>
              <textarea id="scope-actions" name="declaredActions" rows={4} defaultValue={agent.declaredActions.join("\n")} />
            </div>
            <div className="field">
              <label htmlFor="scope-types">Declared resource types (one per line)</label>
              <textarea id="scope-types" name="declaredResourceTypes" rows={2} defaultValue={agent.declaredResourceTypes.join("\n")} />
            </div>
          </ActionForm>
        ) : null}
      </section>

      <AgentActivityCharts days={activity} />

      <section className="card" aria-labelledby="h-findings">
        <h2 id="h-findings">Findings</h2>
        {agentFindings.length === 0 ? <p className="muted">No findings for this agent.</p> : null}
        <ul className="finding-list">
          {agentFindings.map((finding) => (
            <li key={finding.id} data-finding={finding.kind} data-status={finding.status}>
              <strong>{FINDING_LABELS[finding.kind]}</strong> <span className={`badge ${finding.status === "open" ? "danger" : ""}`}>{finding.status}</span> — {finding.detail}
              {finding.status === "accepted" ? (
                <span className="muted">
                  {" "}
                  (accepted until {when(finding.acceptedUntil)}: {finding.justification})
                </span>
              ) : null}
              {canManageFindings && finding.status === "open" ? (
                <div className="finding-actions">
                  <ActionForm action={resolveFindingAction} submitLabel="Mark resolved" label={`Resolve ${FINDING_LABELS[finding.kind]}`}>
                    <input type="hidden" name="findingId" value={finding.id} />
                  </ActionForm>
                  <ActionForm action={acceptFindingAction} submitLabel="Accept risk" label={`Accept ${FINDING_LABELS[finding.kind]}`} confirm="Accept this finding until the expiry date?">
                    <input type="hidden" name="findingId" value={finding.id} />
                    <div className="field">
                      <label htmlFor={`just-${finding.id}`}>Justification</label>
                      <input id={`just-${finding.id}`} name="justification" />
                    </div>
                    <div className="field">
                      <label htmlFor={`exp-${finding.id}`}>Expires</label>
                      <input id={`exp-${finding.id}`} name="expiresAt" type="date" defaultValue={defaultExpiry} />
                    </div>
                  </ActionForm>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <CredentialPosture agentId={agent.id} declaredKind={agent.credentialKind ?? null} posture={posture} keys={keys} />

      <section className="card" aria-labelledby="h-recent">
        <h2 id="h-recent">Recent decisions</h2>
        <p>
          <Link href={`/decisions?agent=${encodeURIComponent(agent.id)}`}>Open all of this agent&apos;s decisions in the explorer</Link>
        </p>
        <DataTable
          caption="Recent decisions"
          rows={observed.recent}
          rowKey={(decision) => `${decision.enforcementPointId}/${decision.decisionId}`}
          empty="No decisions recorded for this agent yet."
          columns={[
            {
              header: "Time",
              cell: (decision) => <Link href={`/decisions?agent=${encodeURIComponent(agent.id)}&decision=${encodeURIComponent(decision.decisionId)}`}>{when(decision.time)}</Link>,
            },
            { header: "Action", cell: (decision) => <code>{decision.actionName}</code> },
            {
              header: "Resource",
              cell: (decision) => (
                <>
                  {decision.resourceType} {decision.resourceId}
                </>
              ),
            },
            {
              header: "Outcome",
              cell: (decision) => <span className={`badge ${decision.outcome === "allow" ? "ok" : decision.outcome === "deny" ? "danger" : "warn"}`}>{decision.outcome}</span>,
            },
            { header: "Enforcement point", cell: (decision) => decision.enforcementPointId },
          ]}
        />
      </section>
    </>
  );
}

function PersonSelect({ id, name, label, current, options }: { id: string; name: string; label: string; current: string | undefined; options: [string, string][] }) {
  return (
    <SelectField id={id} name={name} label={label} defaultValue={current ?? "none"} options={options}>
      <option value="none">None</option>
    </SelectField>
  );
}

/** Reads from the read replica when one is configured and close enough (docs/operations.md, *Read replica*). */
export default async function AgentPage(props: { params: Promise<{ id: string }> }) {
  return readingFromReplica(() => AgentPageContent(props));
}
