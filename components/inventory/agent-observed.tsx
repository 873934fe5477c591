import { ActionForm } from "@/components/ui/action-form";
import { DataTable } from "@/components/ui/data-table";
import { EntityRef } from "@/components/ui/entity-ref";
import type { DeclaredVsObserved } from "@/lib/agents/declared-vs-observed";
import type { AgentView } from "@/lib/agents/schemas";
import type { FormAction } from "@/lib/http/action-result";
import { when } from "./agent-summary";

/** The agent page's "Declared vs observed" card: actions used, unused declared scope, EPs and delegation by name, and the scope form for editors. */
export function AgentObserved({ agent, observed, updateScope }: { agent: AgentView; observed: DeclaredVsObserved; updateScope?: FormAction }) {
  return (
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
      ) : agent.declaredActions.length ? (
        <p className="muted">Every declared action was used.</p>
      ) : (
        <p className="muted">It declares no actions, so every action it uses is out of scope.</p>
      )}
      <div className="detail-grid">
        <div>
          <h3>Enforcement points passed through</h3>
          <ul data-testid="agent-enforcement-points">
            {observed.endpoints.map((ep) => (
              <li key={ep.enforcementPointId}>
                <EntityRef kind="enforcement_point" id={ep.enforcementPointId} name={ep.name} /> — {ep.decisions} decisions, last {when(ep.lastAt)}
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
                {d.agent ? <EntityRef kind="agent" id={d.agent.id} name={d.agent.name} /> : <code title="Not an inventory agent: the reference the enforcement point sent">{d.ref}</code>} — {d.decisions}
              </li>
            ))}
            {observed.delegatedBy.length === 0 ? <li className="muted">Nobody</li> : null}
          </ul>
          <h3>Delegates to</h3>
          <ul>
            {observed.delegatesTo.map((d) => (
              <li key={d.agentId}>
                <EntityRef kind="agent" id={d.agentId} name={d.name} /> — {d.decisions}
              </li>
            ))}
            {observed.delegatesTo.length === 0 ? <li className="muted">Nobody (as of the last findings refresh)</li> : null}
          </ul>
        </div>
      </div>
      {updateScope ? (
        <ActionForm action={updateScope} submitLabel="Save declared scope" className="stack" label="Declared scope" successMessage="Scope saved.">
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
  );
}
