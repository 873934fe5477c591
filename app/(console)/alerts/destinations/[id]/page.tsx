import type { Metadata } from "next";
import Link from "next/link";
import { orNotFound, requirePageActor } from "@/app/_server/page-guard";
import { AlertsNav } from "@/components/outbound/alerts-nav";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatUtc } from "@/components/ui/format-utc";
import { PageHeader } from "@/components/ui/page-header";
import { getDestination, listDestinationDeliveries } from "@/lib/outbound/destinations";

export const metadata: Metadata = { title: "Delivery log" };
export const dynamic = "force-dynamic";

const OUTCOME_BADGE: Record<string, string> = { delivered: "ok", retrying: "warn", paused: "danger", dropped: "danger", failed: "danger" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePageActor("outbound.read", `/alerts/destinations/${encodeURIComponent(id)}`);
  const destination = await orNotFound(getDestination({ ctx, id }));
  const deliveries = await listDestinationDeliveries({ ctx, id, limit: 200 });
  return (
    <>
      <PageHeader title={`Delivery log: ${destination.name}`} description={<>The last 200 attempts, newest first. <Link href="/alerts/destinations">Back to destinations</Link></>} />
      <AlertsNav current="/alerts/destinations" showDestinations />
      {deliveries.length === 0 ? (
        <EmptyState title="Nothing sent yet">Events recorded after the destination was added are sent within a second; press Send test to try it now.</EmptyState>
      ) : (
        <DataTable
          card
          caption="Deliveries"
          rows={deliveries}
          rowKey={(delivery) => String(delivery.seq)}
          columns={[
            { header: "When", rowHeader: true, cell: (delivery) => <time dateTime={delivery.at}>{formatUtc(delivery.at, "second")} UTC</time> },
            { header: "Stream", cell: (delivery) => delivery.stream },
            { header: "Events", cell: (delivery) => delivery.events.toLocaleString() },
            { header: "Outcome", cell: (delivery) => <span className={`badge ${OUTCOME_BADGE[delivery.outcome] ?? ""}`}>{delivery.outcome}</span> },
            { header: "Status", cell: (delivery) => (delivery.status ?? "—") },
            { header: "Latency", cell: (delivery) => (delivery.latencyMs === null ? "—" : `${delivery.latencyMs} ms`) },
            { header: "Response", className: "mono", cell: (delivery) => delivery.responseExcerpt.slice(0, 200) || <span className="muted">empty</span> },
          ]}
        />
      )}
    </>
  );
}
