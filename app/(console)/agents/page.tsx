import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { AgentTable } from "@/components/inventory/agent-table";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { SelectField } from "@/components/inventory/select-field";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { offsetPages, tableSort } from "@/components/ui/table-sort";
import { AGENT_STATUSES, ENVIRONMENTS, FINDING_KINDS, RISK_TIERS } from "@/db/schema/inventory";
import { listAgents } from "@/lib/agents/list-agents";
import { ListAgentsQuery } from "@/lib/agents/schemas";
import { hasPermission } from "@/lib/auth/require-permission";
import { FINDING_LABELS } from "@/lib/findings/schemas";
import { listOwnerCandidates } from "@/lib/people/owner-candidates";
import { listPeople } from "@/lib/people/people";
import { listTeams } from "@/lib/people/teams";
import { assignOwnershipAction, changeStatusAction, createPersonAction } from "./actions";
import { readPageQuery } from "@/lib/http/query";

export const metadata: Metadata = { title: "Agents" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const SORTS = [
  ["name", "Name A–Z"],
  ["-name", "Name Z–A"],
  ["-risk", "Highest risk first"],
  ["risk", "Lowest risk first"],
  ["-lastSeen", "Recently seen first"],
  ["lastSeen", "Least recently seen first"],
  ["-created", "Newest first"],
] as const;

export default async function AgentsPage({ searchParams }: { searchParams: SearchParams }) {
  const ctx = await requirePageActor("agents.read", "/agents");
  const params = await searchParams;
  const query = readPageQuery(params, ListAgentsQuery);
  const canWrite = hasPermission(ctx.actor, "agents.write");
  const canAssign = hasPermission(ctx.actor, "agents.assign_owner");
  const [page, people, teams, candidates] = await Promise.all([
    listAgents({ ctx, input: query }),
    listPeople({ ctx, input: { active: "true", limit: 500 } }),
    listTeams({ ctx }),
    canAssign ? listOwnerCandidates({ ctx }) : [],
  ]);
  const filtered = Object.keys(params).some((key) => !["sort", "offset", "limit"].includes(key) && params[key]);
  return (
    <>
      <PageHeader
        title="Agents"
        description="Every agent, its accountable owner, identity, credential posture and scope."
        actions={canWrite ? <Link className="button primary" href="/agents/new">Register an agent</Link> : null}
      />
      <InventoryNav current="/agents" />
      <form className="card filters" method="get" action="/agents" aria-label="Filter agents">
        <div className="field">
          <label htmlFor="f-q">Search</label>
          <input id="f-q" name="q" type="search" defaultValue={query.q ?? ""} placeholder="Name, id or identity" />
        </div>
        <Select id="f-owner" name="ownerId" label="Owner" value={query.ownerId} options={[["none", "No owner"], ...people.items.map((p) => [p.id, p.name] as const)]} />
        <Select id="f-team" name="teamId" label="Team" value={query.teamId} options={teams.map((t) => [t.id, t.name] as const)} />
        <Select id="f-status" name="status" label="Status" value={query.status} options={AGENT_STATUSES.map((s) => [s, s] as const)} />
        <Select id="f-env" name="environment" label="Environment" value={query.environment} options={ENVIRONMENTS.map((s) => [s, s] as const)} />
        <Select id="f-risk" name="risk" label="Risk" value={query.risk} options={RISK_TIERS.map((s) => [s, s] as const)} />
        <Select id="f-finding" name="finding" label="Finding" value={query.finding} options={FINDING_KINDS.map((k) => [k, FINDING_LABELS[k]] as const)} />
        <SelectField id="f-sort" name="sort" label="Sort" defaultValue={query.sort} options={SORTS} />
        <button type="submit">Apply</button>
        {filtered ? <Link href="/agents">Clear filters</Link> : null}
      </form>
      {page.items.length === 0 ? (
        <EmptyState title={filtered ? "No agent matches these filters" : "No agents yet"}>
          {filtered
            ? "Clear a filter or search for something else."
            : "Register an agent, import a CSV, or connect an enforcement point: agents seen in decisions appear here as discovered."}
        </EmptyState>
      ) : (
        <>
          <AgentTable
            agents={page.items}
            candidates={candidates}
            addPerson={canAssign && canWrite ? createPersonAction : undefined}
            teams={teams.map((t) => ({ id: t.id, label: t.name }))}
            canAssign={canAssign}
            canWrite={canWrite}
            findingLabels={FINDING_LABELS}
            assignAction={assignOwnershipAction}
            statusAction={changeStatusAction}
            sort={tableSort("/agents", query.sort, params)}
          />
          <Pagination noun="Agents" {...offsetPages("/agents", params, { offset: page.offset, limit: page.limit, shown: page.items.length, total: page.total })} />
        </>
      )}
    </>
  );
}

function Select({ id, name, label, value, options }: { id: string; name: string; label: string; value: string | undefined; options: readonly (readonly [string, string])[] }) {
  return (
    <SelectField id={id} name={name} label={label} defaultValue={value ?? ""} options={options}>
      <option value="">Any</option>
    </SelectField>
  );
}
