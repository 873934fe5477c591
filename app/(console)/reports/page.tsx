import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Reports" };

export default async function Page() {
  await requirePageActor("reports.read", "/reports");
  return (
    <>
      <PageHeader title="Reports" description="Immutable alignment report snapshots for risk officers." />
      <EmptyState title="Not built yet">Report exports arrive with the frameworks work.</EmptyState>
    </>
  );
}
