import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Frameworks" };

export default async function Page() {
  await requirePageActor("frameworks.read", "/frameworks");
  return (
    <>
      <PageHeader title="Frameworks" description="OWASP, CSA MAESTRO and NIST alignment, with evidence from live data." />
      <EmptyState title="Not built yet">Framework mapping arrives with the frameworks work.</EmptyState>
    </>
  );
}
