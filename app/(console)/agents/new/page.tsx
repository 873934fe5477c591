import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { NewAgentForm } from "@/components/inventory/new-agent-form";
import { PageHeader } from "@/components/ui/page-header";
import { listPeople } from "@/lib/people/people";
import { listTeams } from "@/lib/people/teams";
import { createAgentAction } from "../actions";

export const metadata: Metadata = { title: "Register an agent" };

export default async function NewAgentPage() {
  const ctx = await requirePageActor("agents.write", "/agents/new");
  const [people, teams] = await Promise.all([listPeople({ ctx, input: { active: "true", limit: 500 } }), listTeams({ ctx })]);
  return (
    <>
      <PageHeader title="Register an agent" description="Its identities link it to the decisions enforcement points record." />
      <InventoryNav current="" />
      <section className="card">
        <NewAgentForm action={createAgentAction} people={people.items.map((p) => ({ id: p.id, label: `${p.name} <${p.email}>` }))} teams={teams.map((t) => ({ id: t.id, label: t.name }))} />
      </section>
    </>
  );
}
