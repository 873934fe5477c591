import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { AttestForm } from "@/components/inventory/attest-form";
import { RiskBadge } from "@/components/inventory/badges";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { myAgents } from "@/lib/attestation/my-agents";
import { listPeople } from "@/lib/people/people";
import { attestAgentAction } from "../actions";

export const metadata: Metadata = { title: "My agents" };

export default async function MyAgentsPage() {
  const ctx = await requirePageActor("agents.attest", "/agents/mine");
  const [mine, people] = await Promise.all([myAgents({ ctx }), listPeople({ ctx, input: { active: "true", limit: 500 } })]);
  return (
    <>
      <PageHeader title="My agents" description="Re-confirm that you own each agent and that its declared scope is right, with what it actually did as evidence." />
      <InventoryNav current="/agents/mine" />
      {mine.people.length === 0 ? (
        <EmptyState title="You own no agents here">
          No person record in the directory matches your sign-in ({ctx.actor.email}). Ask a security engineer to link your account on the <Link href="/agents/people">People and teams</Link> page or to assign you as an owner.
        </EmptyState>
      ) : mine.agents.length === 0 ? (
        <EmptyState title="Nothing to attest">You own no live agent right now.</EmptyState>
      ) : (
        mine.agents.map(({ agent, outOfScope, unusedDeclared, denies }) => (
          <section key={agent.id} className="card" aria-labelledby={`h-${agent.id}`}>
            <h2 id={`h-${agent.id}`}>
              <Link href={`/agents/${agent.id}`}>{agent.name}</Link> <RiskBadge tier={agent.riskTier} />
            </h2>
            <p className="muted">
              Last attested {agent.lastAttestedAt ? agent.lastAttestedAt.toISOString().slice(0, 10) : "never"} · re-attest every {mine.attestationIntervalDays} days
            </p>
            <ul>
              <li>
                Used outside its declared scope (last {mine.windowDays} days):{" "}
                {outOfScope.length ? outOfScope.map((action) => <code key={action} className="chip danger">{action}</code>) : "nothing"}
              </li>
              <li>Declared but never used: {unusedDeclared.length ? unusedDeclared.map((action) => <code key={action} className="chip">{action}</code>) : "nothing"}</li>
              <li>Denied requests: {denies}</li>
            </ul>
            <AttestForm
              agentId={agent.id}
              agentName={agent.name}
              declaredActions={agent.declaredActions}
              unused={unusedDeclared}
              people={people.items.filter((p) => p.id !== agent.owner?.id).map((p) => ({ id: p.id, label: `${p.name} <${p.email}>` }))}
              action={attestAgentAction}
            />
          </section>
        ))
      )}
    </>
  );
}
