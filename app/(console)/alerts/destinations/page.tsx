import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { AlertsNav } from "@/components/outbound/alerts-nav";
import { DestinationActions } from "@/components/outbound/destination-actions";
import { DestinationForm } from "@/components/outbound/destination-form";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatUtc } from "@/components/ui/format-utc";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { listDestinations } from "@/lib/outbound/destinations";
import { createDestinationAction, deleteDestinationAction, resumeDestinationAction, setDestinationEnabledAction, testDestinationAction } from "../actions";

export const metadata: Metadata = { title: "Destinations" };
export const dynamic = "force-dynamic";

const STATE_BADGE: Record<string, string> = { healthy: "ok", idle: "", retrying: "warn", paused: "danger", disabled: "" };
const where = (config: Record<string, unknown>) => (typeof config.url === "string" ? config.url : typeof config.host === "string" ? `${config.host}:${String(config.port)}${config.tls === false ? " (TCP, no TLS)" : " (TLS)"}` : "Slack webhook (kept secret)");

export default async function Page() {
  const ctx = await requirePageActor("outbound.read", "/alerts/destinations");
  const canManage = hasPermission(ctx.actor, "outbound.manage");
  const destinations = await listDestinations({ ctx });
  const actions = { test: testDestinationAction, resume: resumeDestinationAction, setEnabled: setDestinationEnabledAction, remove: deleteDestinationAction };
  return (
    <>
      <PageHeader title="Destinations" description="Where Steward sends decisions, audit events and alerts: your SIEM, chat, or an OpenTelemetry collector. Each receives every event once, in order, and catches up after an outage." />
      <AlertsNav current="/alerts/destinations" showDestinations />
      {destinations.length === 0 ? (
        <EmptyState title="No destination yet">{canManage ? "Add one below, then press Send test." : "Ask a security engineer to add your SIEM or chat as a destination."}</EmptyState>
      ) : (
        <DataTable
          card
          caption="Destinations"
          rows={destinations}
          rowKey={(destination) => destination.id}
          columns={[
            {
              header: "Destination",
              rowHeader: true,
              cell: (destination) => (
                <>
                  <Link href={`/alerts/destinations/${encodeURIComponent(destination.id)}`}>{destination.name}</Link>
                  <div className="muted">{destination.kind.replace("_", " ")} · {destination.streams.join(", ")}</div>
                  <div className="muted mono">{where(destination.config)}</div>
                </>
              ),
            },
            {
              header: "Health",
              cell: (destination) => (
                <>
                  <span className={`badge ${STATE_BADGE[destination.health.state] ?? ""}`}>{destination.health.state}</span>
                  {destination.health.pausedReason ? <div className="ep-reject">{destination.health.pausedReason}</div> : destination.health.lastError && destination.health.state === "retrying" ? <div className="ep-reject">{destination.health.lastError}</div> : null}
                  {destination.health.droppedEvents ? <div><span className="badge danger">{destination.health.droppedEvents.toLocaleString()} dropped after {destination.maxBacklogDays} days</span></div> : null}
                </>
              ),
            },
            {
              header: "Behind by",
              cell: (destination) => (destination.streams.includes("decisions") ? <>{destination.backlog.capped ? "more than " : ""}{destination.backlog.decisions.toLocaleString()} decisions</> : <span className="muted">—</span>),
            },
            { header: "Last delivered", cell: (destination) => (destination.health.lastDeliveredAt ? <time dateTime={destination.health.lastDeliveredAt}>{formatUtc(destination.health.lastDeliveredAt, "second")} UTC</time> : <span className="muted">never</span>) },
            canManage && { header: "Actions", cell: (destination) => <DestinationActions destination={{ id: destination.id, name: destination.name, enabled: destination.enabled, paused: destination.health.state === "paused" }} actions={actions} /> },
          ]}
        />
      )}
      {canManage ? <DestinationForm create={createDestinationAction} canAllowPrivate={hasPermission(ctx.actor, "outbound.allow_private_network")} /> : null}
    </>
  );
}
