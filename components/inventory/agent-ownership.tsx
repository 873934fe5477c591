import { ActionForm } from "@/components/ui/action-form";
import { OwnerPicker, type AddPersonAction } from "@/components/inventory/owner-picker";
import { AGENT_STATUS_OPTIONS, SelectField } from "@/components/inventory/select-field";
import type { AgentView } from "@/lib/agents/schemas";
import type { FormAction } from "@/lib/http/action-result";
import type { OwnerCandidate } from "@/lib/people/owner-candidates";

/**
 * The agent page's "Ownership and status" card. `assign` (owner, backup owner, team) and
 * `changeStatus` are each given only to those allowed; `addPerson` enables the pickers' inline add.
 */
export function AgentOwnership({
  agent,
  candidates,
  teams,
  assign,
  addPerson,
  changeStatus,
}: {
  agent: AgentView;
  candidates: OwnerCandidate[];
  teams: { id: string; name: string }[];
  assign?: FormAction;
  addPerson?: AddPersonAction;
  changeStatus?: FormAction;
}) {
  if (!assign && !changeStatus) return null;
  return (
    <section className="card" aria-labelledby="h-ownership">
      <h2 id="h-ownership">Ownership and status</h2>
      {assign ? (
        <ActionForm action={assign} submitLabel="Save ownership" label="Assign ownership" confirm={`Change the ownership of ${agent.name}?`} successMessage="Ownership saved.">
          <input type="hidden" name="agentIds" value={agent.id} />
          <OwnerPicker id="own-owner" name="ownerId" label="Owner" candidates={candidates} current={agent.owner?.id} addPerson={addPerson} />
          <OwnerPicker id="own-backup" name="backupOwnerId" label="Backup owner" candidates={candidates} current={agent.backupOwner?.id} addPerson={addPerson} />
          <SelectField id="own-team" name="teamId" label="Team" defaultValue={agent.team?.id ?? "none"} options={teams.map((team) => [team.id, team.name])}>
            <option value="none">None</option>
          </SelectField>
        </ActionForm>
      ) : null}
      {changeStatus ? (
        <ActionForm action={changeStatus} submitLabel="Change status" label="Change status" confirm={`Change the status of ${agent.name}?`} successMessage="Status saved.">
          <input type="hidden" name="agentIds" value={agent.id} />
          <SelectField id="agent-status" name="status" label="Status" defaultValue={agent.status} options={AGENT_STATUS_OPTIONS} />
        </ActionForm>
      ) : null}
    </section>
  );
}
