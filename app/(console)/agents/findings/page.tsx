import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { readingFromReplica } from "@/app/_server/read-scope";
import { ActionForm } from "@/components/ui/action-form";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { SelectField } from "@/components/inventory/select-field";
import { AttestationCampaigns } from "@/components/inventory/attestation-campaigns";
import { FindingsTrend } from "@/components/inventory/findings-trend";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { offsetPages, tableSort } from "@/components/ui/table-sort";
import { FINDING_KINDS, type FINDING_STATUSES } from "@/db/schema/inventory";
import { listCampaigns } from "@/lib/attestation/campaigns";
import { hasPermission } from "@/lib/auth/require-permission";
import { findingsDashboard, listFindings } from "@/lib/findings/dashboard";
import { FINDING_LABELS, ListFindingsQuery } from "@/lib/findings/schemas";
import { closeCampaignAction, refreshFindingsAction, startCampaignAction } from "../actions";
import { readPageQuery } from "@/lib/http/query";

export const metadata: Metadata = { title: "Findings" };

const FINDING_STATUS_LABELS = { open: "Open", accepted: "Accepted", resolved: "Resolved" } satisfies Record<(typeof FINDING_STATUSES)[number], string>;

async function FindingsPageContent({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("agents.read", "/agents/findings");
  const params = await searchParams;
  const query = readPageQuery(params, ListFindingsQuery);
  const [dashboard, list, campaigns] = await Promise.all([findingsDashboard({ ctx }), listFindings({ ctx, input: query }), listCampaigns({ ctx })]);
  const canManage = hasPermission(ctx.actor, "findings.manage");
  return (
    <>
      <PageHeader
        title="Findings"
        description="Agents nobody owns, nobody declared, doing more than declared, or holding standing secrets."
        actions={
          canManage ? (
            <ActionForm action={refreshFindingsAction} submitLabel="Refresh findings now" label="Refresh findings" successMessage="Findings refreshed." />
          ) : null
        }
      />
      <InventoryNav current="/agents/findings" />
      <div className="grid-cards" role="list" aria-label="Open findings by kind">
        {FINDING_KINDS.map((kind) => (
          <Link key={kind} role="listitem" className="card stat-card" href={`/agents?finding=${kind}`} data-kind={kind}>
            <span className="stat">{dashboard.byKind[kind].open}</span>
            <span>{FINDING_LABELS[kind]}</span>
            <span className="muted small">
              {dashboard.byKind[kind].accepted} accepted · {dashboard.byKind[kind].resolved} resolved
            </span>
          </Link>
        ))}
      </div>

      <FindingsTrend trend={dashboard.trend} kinds={FINDING_KINDS} labels={FINDING_LABELS} />

      <section className="card" aria-labelledby="h-list">
        <h2 id="h-list">
          {FINDING_STATUS_LABELS[query.status]} findings{query.kind ? `: ${FINDING_LABELS[query.kind]}` : ""} ({list.total})
        </h2>
        <form method="get" className="inline" aria-label="Filter findings">
          <SelectField id="fk" name="kind" label="Kind" defaultValue={query.kind ?? ""} options={FINDING_KINDS.map((kind) => [kind, FINDING_LABELS[kind]])}>
            <option value="">Any</option>
          </SelectField>
          <SelectField id="fs" name="status" label="Status" defaultValue={query.status} options={Object.entries(FINDING_STATUS_LABELS)} />
          <button type="submit">Show</button>
        </form>
        {list.items.length === 0 ? (
          <EmptyState title="Nothing here">No finding matches. Findings refresh after every change to an agent; use “Refresh findings now” after new decisions arrive.</EmptyState>
        ) : (
          <DataTable
            caption="Findings"
            rows={list.items}
            rowKey={(finding) => finding.id}
            sort={tableSort("/agents/findings", query.sort, params)}
            columns={[
              { header: "Agent", sortKey: "agent", cell: (finding) => <Link href={`/agents/${finding.agentId}`}>{finding.agentName}</Link> },
              { header: "Finding", sortKey: "kind", cell: (finding) => FINDING_LABELS[finding.kind] },
              {
                header: "Detail",
                cell: (finding) => (
                  <>
                    {finding.detail}
                    {finding.justification ? <div className="muted small">Justification: {finding.justification}</div> : null}
                  </>
                ),
              },
              { header: "Since", sortKey: "since", cell: (finding) => finding.firstDetectedAt.toISOString().slice(0, 10) },
              { header: "Last detected", sortKey: "detected", cell: (finding) => finding.lastDetectedAt.toISOString().slice(0, 10) },
            ]}
          />
        )}
        {list.items.length ? <Pagination noun="Findings" {...offsetPages("/agents/findings", params, { offset: query.offset, limit: query.limit, shown: list.items.length, total: list.total })} /> : null}
      </section>

      <AttestationCampaigns campaigns={campaigns} canManage={canManage} startCampaign={startCampaignAction} closeCampaign={closeCampaignAction} />
    </>
  );
}

/** Reads from the read replica when one is configured and close enough (docs/operations.md, *Read replica*). */
export default async function FindingsPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return readingFromReplica(() => FindingsPageContent(props));
}
