import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Policies" };

export default async function Page() {
  await requirePageActor("policies.read", "/policies");
  return (
    <>
      <PageHeader title="Policies" description="Cedar policies: written, tested, replayed, reviewed and published." />
      <EmptyState title="Not built yet">The policy studio arrives with the policy work.</EmptyState>
    </>
  );
}
