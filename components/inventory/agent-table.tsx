"use client";

import Link from "next/link";
import { useState } from "react";
import type { AgentView } from "@/lib/agents/schemas";
import { DataTable } from "@/components/ui/data-table";
import type { TableSort } from "@/components/ui/table-sort";
import type { FormAction } from "@/lib/http/action-result";
import { ActionForm } from "@/components/ui/action-form";
import { RiskBadge } from "./badges";
import { AGENT_STATUS_OPTIONS, SelectField } from "./select-field";
import { formatUtc } from "@/components/ui/format-utc";
import type { OwnerCandidate } from "@/lib/people/owner-candidates";
import { OwnerPicker, type AddPersonAction } from "./owner-picker";

type Option = { id: string; label: string };

/** The agent list with row selection and confirmed bulk actions (assign owner / backup / team, change status). */
export function AgentTable({
  agents,
  candidates,
  addPerson,
  teams,
  canAssign,
  canWrite,
  findingLabels,
  assignAction,
  statusAction,
  sort,
}: {
  agents: AgentView[];
  /** Who may own agents (directory people and console users), for the bulk owner pickers. */
  candidates: OwnerCandidate[];
  /** Lets the bulk pickers add a person inline (only for those who may also edit people). */
  addPerson?: AddPersonAction;
  teams: Option[];
  canAssign: boolean;
  canWrite: boolean;
  findingLabels: Record<string, string>;
  assignAction: FormAction;
  statusAction: FormAction;
  /** The list's server-side order: Agent, Risk and Last seen headers sort through it. */
  sort?: TableSort;
}) {
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (id: string) => setSelected((current) => (current.includes(id) ? current.filter((x) => x !== id) : [...current, id]));
  const allSelected = agents.length > 0 && selected.length === agents.length;
  const hidden = selected.map((id) => <input key={id} type="hidden" name="agentIds" value={id} />);
  const n = selected.length;
  return (
    <>
      {(canAssign || canWrite) && n > 0 ? (
        <section className="card bulk-bar" aria-label="Bulk actions">
          <p>
            <strong>{n}</strong> agent{n === 1 ? "" : "s"} selected
          </p>
          {canAssign ? (
            <ActionForm action={assignAction} submitLabel="Assign" label="Bulk assign" confirm={`Change ownership of ${n} agent${n === 1 ? "" : "s"}?`} successMessage="Ownership updated.">
              {hidden}
              <OwnerPicker id="bulk-ownerId" name="ownerId" label="Owner" candidates={candidates} current="" addPerson={addPerson} empty={LEAVE_UNCHANGED} clearable />
              <OwnerPicker id="bulk-backupOwnerId" name="backupOwnerId" label="Backup owner" candidates={candidates} current="" addPerson={addPerson} empty={LEAVE_UNCHANGED} clearable />
              <PersonSelect name="teamId" label="Team" options={teams} />
            </ActionForm>
          ) : null}
          {canWrite ? (
            <ActionForm action={statusAction} submitLabel="Change status" label="Bulk status" confirm={`Change the status of ${n} agent${n === 1 ? "" : "s"}?`} successMessage="Status updated.">
              {hidden}
              <SelectField id="bulk-status" name="status" label="Status" defaultValue="" options={AGENT_STATUS_OPTIONS}>
                <option value="" disabled>
                  Choose…
                </option>
              </SelectField>
            </ActionForm>
          ) : null}
        </section>
      ) : null}
      <DataTable
        caption="Agents"
        rows={agents}
        rowKey={(agent) => agent.id}
        sort={sort}
        columns={[
          (canAssign || canWrite) && {
            header: <input type="checkbox" aria-label="Select all agents on this page" checked={allSelected} onChange={() => setSelected(allSelected ? [] : agents.map((a) => a.id))} />,
            cell: (agent) => <input type="checkbox" aria-label={`Select ${agent.name}`} checked={selected.includes(agent.id)} onChange={() => toggle(agent.id)} />,
          },
          {
            header: "Agent",
            sortKey: "name",
            cell: (agent) => (
              <>
                <Link href={`/agents/${agent.id}`}>{agent.name}</Link>
                <div className="muted small">{agent.id}</div>
              </>
            ),
          },
          { header: "Status", cell: (agent) => <span className={`badge ${agent.status === "discovered" ? "warn" : agent.status === "active" ? "ok" : ""}`}>{agent.status}</span> },
          { header: "Env", cell: (agent) => agent.environment ?? "—" },
          { header: "Owner", cell: (agent) => (agent.owner ? `${agent.owner.name}${agent.owner.active ? "" : " (deactivated)"}` : <span className="badge danger">No owner</span>) },
          { header: "Team", cell: (agent) => agent.team?.name ?? "—" },
          { header: "Risk", sortKey: "risk", cell: (agent) => <RiskBadge tier={agent.riskTier} overridden={!!agent.riskOverride} /> },
          {
            header: "Findings",
            cell: (agent) =>
              agent.openFindings.length ? (
                <ul className="plain-list">
                  {agent.openFindings.map((kind) => (
                    <li key={kind}>
                      <span className="badge warn">{findingLabels[kind] ?? kind}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="muted">None</span>
              ),
          },
          { header: "Last seen", sortKey: "lastSeen", cell: (agent) => (agent.lastSeenAt ? formatUtc(agent.lastSeenAt) : "Never") },
        ]}
      />
    </>
  );
}

/** In a bulk edit, choosing nobody leaves each agent's owner as it is ("" to the form); "Clear" removes it. */
const LEAVE_UNCHANGED = { label: "Leave unchanged", submits: "" };

function PersonSelect({ name, label, options }: { name: string; label: string; options: Option[] }) {
  return (
    <SelectField id={`bulk-${name}`} name={name} label={label} defaultValue="" options={options.map((option) => [option.id, option.label] as const)}>
      <option value="">Leave unchanged</option>
      <option value="none">Clear</option>
    </SelectField>
  );
}
