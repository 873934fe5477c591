import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Agents" };

export default async function Page() {
  await requirePageActor("agents.read", "/agents");
  return (
    <>
      <PageHeader title="Agents" description="Every agent, its accountable owner, identity, credential posture and scope." />
      <EmptyState title="Not built yet">The agent inventory arrives with the inventory work. Agents seen in decisions will appear here as discovered.</EmptyState>
    </>
  );
}
