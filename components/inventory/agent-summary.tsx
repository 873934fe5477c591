import { ActionForm } from "@/components/ui/action-form";
import { SelectField } from "@/components/inventory/select-field";
import { EntityRef } from "@/components/ui/entity-ref";
import { formatUtc } from "@/components/ui/format-utc";
import type { AgentView } from "@/lib/agents/schemas";
import type { FormAction } from "@/lib/http/action-result";

export const when = (value: Date | string | null | undefined) => (value ? `${formatUtc(value)} UTC` : "Never");

/** The value lists the details form offers (from db/enums, passed in: components read no db/). */
export type AgentDetailChoices = { environments: readonly string[]; credentialKinds: readonly string[]; dataSensitivities: readonly string[] };

/** The agent page's summary card, with the "Edit details" form for those who may edit agents. */
export function AgentSummary({ agent, choices, updateDetails }: { agent: AgentView; choices: AgentDetailChoices; updateDetails?: FormAction }) {
  return (
    <section className="card" aria-labelledby="h-summary">
      <h2 id="h-summary">Summary</h2>
      <dl className="facts">
        <dt>Description</dt>
        <dd>{agent.description || <span className="muted">None</span>}</dd>
        <dt>Owner</dt>
        <dd data-testid="agent-owner">
          {agent.owner ? (
            <>
              <EntityRef kind="person" id={agent.owner.id} name={agent.owner.name} /> <span className="muted">&lt;{agent.owner.email}&gt;</span>
              {agent.owner.active ? "" : " (deactivated)"}
            </>
          ) : (
            <span className="badge danger">No owner{agent.inTeamQueue ? " — in team queue" : ""}</span>
          )}
        </dd>
        <dt>Backup owner</dt>
        <dd>
          {agent.backupOwner ? (
            <>
              <EntityRef kind="person" id={agent.backupOwner.id} name={agent.backupOwner.name} /> <span className="muted">&lt;{agent.backupOwner.email}&gt;</span>
            </>
          ) : (
            "None"
          )}
        </dd>
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
      {updateDetails ? (
        <details className="edit-details">
          <summary>Edit details</summary>
          <ActionForm action={updateDetails} submitLabel="Save details" className="stack" label="Edit agent details" successMessage="Details saved.">
            <input type="hidden" name="agentId" value={agent.id} />
            <div className="field">
              <label htmlFor="agent-name">Name</label>
              <input id="agent-name" name="name" defaultValue={agent.name} required maxLength={200} />
            </div>
            <div className="field">
              <label htmlFor="agent-description">Description</label>
              <textarea id="agent-description" name="description" rows={3} defaultValue={agent.description ?? ""} maxLength={4000} />
            </div>
            <SelectField id="agent-environment" name="environment" label="Environment" defaultValue={agent.environment ?? ""} options={choices.environments.map((value) => [value, value])}>
              <option value="">Unknown</option>
            </SelectField>
            <SelectField id="agent-credential-kind" name="credentialKind" label="Credential kind" defaultValue={agent.credentialKind ?? ""} options={choices.credentialKinds.map((value) => [value, value.replaceAll("_", " ")])}>
              <option value="">Unknown</option>
            </SelectField>
            <div className="field">
              <label htmlFor="agent-credential-lifetime">Credential lifetime (seconds)</label>
              <input id="agent-credential-lifetime" name="credentialMaxLifetimeSeconds" type="number" min={1} inputMode="numeric" defaultValue={agent.credentialMaxLifetimeSeconds ?? ""} aria-describedby="agent-credential-lifetime-hint" />
              <span className="hint" id="agent-credential-lifetime-hint">
                The longest a credential lives; blank when unknown or it never expires
              </span>
            </div>
            <SelectField id="agent-data-sensitivity" name="dataSensitivity" label="Data sensitivity" defaultValue={agent.dataSensitivity ?? ""} options={choices.dataSensitivities.map((value) => [value, value])}>
              <option value="">Unknown</option>
            </SelectField>
          </ActionForm>
        </details>
      ) : null}
    </section>
  );
}
