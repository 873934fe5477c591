import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Enforcement points" };

export default async function Page() {
  await requirePageActor("enforcement_points.read", "/enforcement-points");
  return (
    <>
      <PageHeader title="Enforcement points" description="Gateways, policy engines and sidecars that report decisions to Steward." />
      <EmptyState title="Not built yet">Registering enforcement points arrives with the ingest work.</EmptyState>
    </>
  );
}
