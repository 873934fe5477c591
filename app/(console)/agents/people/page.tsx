import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { ActionForm } from "@/components/ui/action-form";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { SelectField } from "@/components/inventory/select-field";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { offsetPages, tableSort } from "@/components/ui/table-sort";
import { hasPermission } from "@/lib/auth/require-permission";
import { agentCountsByOwner, listPeople } from "@/lib/people/people";
import { ListPeopleQuery } from "@/lib/people/schemas";
import { listTeams } from "@/lib/people/teams";
import { createPersonAction, createTeamAction, offboardPersonAction } from "../actions";
import { readPageQuery } from "@/lib/http/query";

export const metadata: Metadata = { title: "People and teams" };

export default async function PeopleDirectoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("agents.read", "/agents/people");
  const params = await searchParams;
  const query = readPageQuery(params, ListPeopleQuery);
  const [people, teams, owned] = await Promise.all([listPeople({ ctx, input: { ...query, active: query.active === undefined ? undefined : String(query.active) } }), listTeams({ ctx }), agentCountsByOwner({ ctx })]);
  const canWrite = hasPermission(ctx.actor, "agents.write");
  const teamName = new Map(teams.map((team) => [team.id, team.name]));
  return (
    <>
      <PageHeader title="People and teams" description="The accountable humans who own agents. They need no console account; console sign-in accounts are under Console users in the main menu." />
      <InventoryNav current="/agents/people" />
      {canWrite ? (
        <div className="detail-grid">
          <section className="card" aria-labelledby="h-add-person">
            <h2 id="h-add-person">Add a person</h2>
            <ActionForm action={createPersonAction} submitLabel="Add person" className="stack" label="Add a person" successMessage="Person added.">
              <div className="field">
                <label htmlFor="p-name">Name</label>
                <input id="p-name" name="name" autoComplete="off" />
              </div>
              <div className="field">
                <label htmlFor="p-email">Email</label>
                <input id="p-email" name="email" type="email" autoComplete="off" />
              </div>
              <SelectField id="p-team" name="teamId" label="Team" defaultValue="" options={teams.map((team) => [team.id, team.name])}>
                <option value="">No team</option>
              </SelectField>
            </ActionForm>
          </section>
          <section className="card" aria-labelledby="h-add-team">
            <h2 id="h-add-team">Add a team</h2>
            <ActionForm action={createTeamAction} submitLabel="Add team" className="stack" label="Add a team" successMessage="Team added.">
              <div className="field">
                <label htmlFor="t-name">Team name</label>
                <input id="t-name" name="name" autoComplete="off" />
              </div>
            </ActionForm>
            <h3>Teams</h3>
            {teams.length ? (
              <ul>
                {teams.map((team) => (
                  <li key={team.id}>
                    <Link href={`/agents?teamId=${team.id}`}>{team.name}</Link> · <Link href={`/agents?teamId=${team.id}&ownerId=none`}>team queue</Link>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No team yet.</p>
            )}
          </section>
        </div>
      ) : null}
      <section className="card" aria-labelledby="h-people">
        <h2 id="h-people">People ({people.total})</h2>
        <form method="get" className="inline" aria-label="Search people">
          <div className="field">
            <label htmlFor="pq">Search</label>
            <input id="pq" name="q" type="search" defaultValue={query.q ?? ""} />
          </div>
          <button type="submit">Search</button>
        </form>
        {people.items.length === 0 ? (
          <EmptyState title="No people yet">Add people here or import a CSV of your directory, then assign them as agent owners.</EmptyState>
        ) : (
          <DataTable
            caption="People"
            rows={people.items}
            rowKey={(person) => person.id}
            sort={tableSort("/agents/people", query.sort, params)}
            columns={[
              { header: "Name", sortKey: "name", cell: (person) => person.name },
              { header: "Email", sortKey: "email", cell: (person) => person.email },
              { header: "Team", cell: (person) => (person.teamId ? teamName.get(person.teamId) : "—") },
              { header: "Agents owned", cell: (person) => <Link href={`/agents?ownerId=${person.id}`}>{owned.get(person.id) ?? 0}</Link> },
              { header: "State", cell: (person) => (person.active ? <span className="badge ok">Active</span> : <span className="badge">Deactivated</span>) },
              canWrite && {
                header: "Offboard",
                cell: (person) =>
                  person.active ? (
                    <ActionForm
                      action={offboardPersonAction}
                      submitLabel="Deactivate"
                      label={`Deactivate ${person.name}`}
                      danger
                      confirm={`Deactivate ${person.name}? Their agents move to each agent's backup owner, else the team queue, else become orphaned.`}
                    >
                      <input type="hidden" name="personId" value={person.id} />
                    </ActionForm>
                  ) : null,
              },
            ]}
          />
        )}
        {people.items.length ? <Pagination noun="People" {...offsetPages("/agents/people", params, { offset: query.offset, limit: query.limit, shown: people.items.length, total: people.total })} /> : null}
      </section>
    </>
  );
}
