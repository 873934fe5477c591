import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Decisions" };

export default async function Page() {
  await requirePageActor("decisions.read", "/decisions");
  return (
    <>
      <PageHeader title="Decisions" description="Every allow, deny and approval decision your enforcement points report." />
      <EmptyState title="Not built yet">The live decision feed and explorer arrive with the ingest work.</EmptyState>
    </>
  );
}
