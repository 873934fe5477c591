import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { NewAgentForm } from "@/components/inventory/new-agent-form";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { listOwnerCandidates } from "@/lib/people/owner-candidates";
import { listTeams } from "@/lib/people/teams";
import { createAgentAction, createPersonAction } from "../actions";

export const metadata: Metadata = { title: "Register an agent" };

export default async function NewAgentPage() {
  const ctx = await requirePageActor("agents.write", "/agents/new");
  const [candidates, teams] = await Promise.all([listOwnerCandidates({ ctx }), listTeams({ ctx })]);
  return (
    <>
      <PageHeader title="Register an agent" description="Its identities link it to the decisions enforcement points record." />
      <InventoryNav current="" />
      <section className="card">
        <NewAgentForm
          action={createAgentAction}
          candidates={candidates}
          // Adding a person is agents.write, which this page already requires.
          addPerson={hasPermission(ctx.actor, "agents.write") ? createPersonAction : undefined}
          teams={teams.map((t) => ({ id: t.id, label: t.name }))}
        />
      </section>
    </>
  );
}
