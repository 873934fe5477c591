import { z } from "zod";
import { readPageQuery } from "@/lib/http/query";
import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { AlertActions } from "@/components/outbound/alert-actions";
import { AlertsNav } from "@/components/outbound/alerts-nav";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatUtc } from "@/components/ui/format-utc";
import { PageHeader } from "@/components/ui/page-header";
import { SeverityBadge } from "@/components/ui/status-badge";
import { listHref, tableSort } from "@/components/ui/table-sort";
import { hasPermission } from "@/lib/auth/require-permission";
import { listAlerts } from "@/lib/outbound/alerts";
import { AlertListQuery } from "@/lib/outbound/schemas";
import { acknowledgeAlertAction, resolveAlertAction } from "./actions";

export const metadata: Metadata = { title: "Alerts" };
export const dynamic = "force-dynamic";

const STATUSES = ["open", "acknowledged", "resolved"] as const;

/** `status`: open (default), acknowledged, resolved or all; `sort`: the API's (AlertListQuery). */
const AlertsPageQuery = z.object({ status: z.enum([...STATUSES, "all"]).optional(), sort: AlertListQuery.shape.sort });

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("alerts.read", "/alerts");
  const params = await searchParams;
  const { status: requested, sort } = readPageQuery(params, AlertsPageQuery);
  const status = requested === "all" ? undefined : (requested ?? "open");
  const alerts = await listAlerts({ ctx, query: status ? { status, sort } : { sort } });
  const canManage = hasPermission(ctx.actor, "alerts.manage");
  return (
    <>
      <PageHeader title="Alerts" description="What the alert rules found: new shadow agents, out-of-scope attempts, deny spikes, silent enforcement points and more." />
      <AlertsNav current="/alerts" showDestinations={hasPermission(ctx.actor, "outbound.read")} />
      <nav aria-label="Alert status" className="decision-tabs">
        {[...STATUSES, "all" as const].map((option) => (
          <Link key={option} href={listHref("/alerts", params, { status: option })} aria-current={(status ?? "all") === option ? "page" : undefined}>
            {option}
          </Link>
        ))}
      </nav>
      {alerts.length === 0 ? (
        <EmptyState title={status === "open" ? "No open alert" : "No alert here"}>
          {canManage ? <>Alerts come from rules. <Link href="/alerts/rules">Add a rule</Link> to be told about shadow agents, deny spikes or silent gateways.</> : "Alerts appear here when a rule fires."}
        </EmptyState>
      ) : (
        <DataTable
          card
          caption={`${status ?? "All"} alerts`}
          rows={alerts}
          rowKey={(alert) => alert.id}
          sort={tableSort("/alerts", sort, params)}
          columns={[
            { header: "Severity", sortKey: "severity", cell: (alert) => <SeverityBadge severity={alert.severity} /> },
            { header: "Alert", sortKey: "title", rowHeader: true, cell: (alert) => <>{alert.title}<div className="muted mono">{alert.id}</div></> },
            { header: "Times", sortKey: "occurrences", cell: (alert) => `${alert.occurrences}×` },
            { header: "Last seen", sortKey: "last", cell: (alert) => <time dateTime={alert.lastAt}>{formatUtc(alert.lastAt, "second")} UTC</time> },
            {
              header: "Status",
              sortKey: "status",
              cell: (alert) => (
                <>
                  {alert.status}
                  {alert.acknowledgedBy ? <div className="muted">acknowledged by {alert.acknowledgedBy}</div> : null}
                  {alert.resolvedBy ? <div className="muted">resolved by {alert.resolvedBy}</div> : null}
                </>
              ),
            },
            canManage && { header: "Actions", cell: (alert) => <AlertActions id={alert.id} status={alert.status} acknowledge={acknowledgeAlertAction} resolve={resolveAlertAction} /> },
          ]}
        />
      )}
    </>
  );
}
