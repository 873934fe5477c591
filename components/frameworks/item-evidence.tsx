import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { EntityRef } from "@/components/ui/entity-ref";
import type { readAlignment } from "@/lib/frameworks/read-frameworks";
import type { FormAction } from "@/lib/http/action-result";
import { StatusBadge } from "./status-badge";

type Alignment = Awaited<ReturnType<typeof readAlignment>>;
export type AlignmentItem = Alignment["frameworks"][number]["items"][number];
export type ControlResult = Alignment["controls"][number];
export type MappingActions = { removeMapping: FormAction; addMapping: FormAction; setApplicability: FormAction };

/**
 * One framework item's evidence cell: each mapped control with its status, why it maps, the failing
 * agents (with their decisions and agent lens), the policies tagged with the item, and — for
 * engineers — the forms that change its mapping and applicability (the actions passed in).
 */
export function ItemEvidence({ frameworkId: id, item, results, controls, days, canEdit, actions: { removeMapping, addMapping, setApplicability } }: { frameworkId: string; item: AlignmentItem; results: Map<string, ControlResult>; controls: ControlResult[]; days: number; canEdit: boolean; actions: MappingActions }) {
  return (
    <td>
      {item.controls.length === 0 && item.policies.length === 0 ? (
        <span className="muted small">{item.isLeaf ? "No control or policy mapped: a gap." : "Rolled up from its sub-items."}</span>
      ) : null}
      {item.controls.map((mapping) => {
        const result = results.get(mapping.controlId);
        return (
          <details key={mapping.controlId} className="evidence">
            <summary>
              <StatusBadge status={mapping.status} /> {result?.title ?? mapping.controlId}
              {mapping.origin === "custom" ? <strong className="small"> · custom mapping</strong> : null}
              <span className="muted small mapping-rationale">Why it maps: {mapping.rationale || "no rationale recorded"}</span>
            </summary>
            <p className="small">{result?.summary}</p>
            {result && result.failingAgentCount > 0 ? (
              <ul className="small">
                {result.failingAgents.map((agent) => (
                  <li key={agent.agentId}>
                    <Link href={`/agents/${agent.agentId}`}>{agent.agentName}</Link> — {agent.detail} (
                    <Link href={`/decisions?agent=${encodeURIComponent(agent.agentId)}`}>decisions</Link>,{" "}
                    <Link href={`/frameworks/${id}?scope=agent:${encodeURIComponent(agent.agentId)}&days=${days}`}>agent lens</Link>)
                  </li>
                ))}
                {result.failingAgentCount > result.failingAgents.length ? <li>and {result.failingAgentCount - result.failingAgents.length} more</li> : null}
              </ul>
            ) : null}
            {canEdit ? (
              <ActionForm
                browserValidation
                label={false}
                action={removeMapping}
                hidden={{ controlId: mapping.controlId, frameworkId: id, itemId: item.itemId }}
                submitLabel="Remove mapping"
                pendingLabel="Removing…"
                confirmWith="dialog"
                confirm={`Remove ${mapping.controlId} from ${item.itemId}?`}
                danger
              >
                <div className="field">
                  <label htmlFor={`remove-why-${item.itemId}-${mapping.controlId}`}>Why remove it</label>
                  <input id={`remove-why-${item.itemId}-${mapping.controlId}`} name="rationale" required minLength={10} maxLength={1000} />
                </div>
              </ActionForm>
            ) : null}
          </details>
        );
      })}
      {item.policies.map((policy) => (
        <div key={policy.policyId} className="small">
          Policy <EntityRef kind="policy" id={policy.policyId} name={policy.policyName} /> is tagged with this item
        </div>
      ))}
      {canEdit ? (
        <details className="edit-mappings">
          <summary>Edit mapping for {item.itemId}</summary>
          <ActionForm browserValidation label={false} pendingLabel="Saving…" action={addMapping} hidden={{ frameworkId: id, itemId: item.itemId }} submitLabel="Map control" successTone="quiet" successMessage="Mapped.">
            <div className="field">
              <label htmlFor={`control-${item.itemId}`}>Control</label>
              <select id={`control-${item.itemId}`} name="controlId" required>
                {controls
                  .filter((control) => !item.controls.some((mapped) => mapped.controlId === control.controlId))
                  .map((control) => (
                    <option key={control.controlId} value={control.controlId}>
                      {control.title}
                    </option>
                  ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`rationale-${item.itemId}`}>Why it maps</label>
              <input id={`rationale-${item.itemId}`} name="rationale" required minLength={10} maxLength={1000} />
            </div>
          </ActionForm>
          <ActionForm browserValidation label={false} pendingLabel="Saving…" action={setApplicability} hidden={{ frameworkId: id, itemId: item.itemId }} submitLabel={item.notApplicableReason ? "Update applicability" : "Mark not applicable"} successTone="quiet" successMessage="Saved.">
            <div className="field">
              <label htmlFor={`na-${item.itemId}`}>Not applicable because (empty = applicable)</label>
              <input id={`na-${item.itemId}`} name="notApplicableReason" defaultValue={item.notApplicableReason ?? ""} maxLength={2000} />
            </div>
          </ActionForm>
        </details>
      ) : null}
    </td>
  );
}
