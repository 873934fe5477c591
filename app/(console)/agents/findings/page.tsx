import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { readingFromReplica } from "@/app/_server/read-scope";
import { ActionForm } from "@/components/ui/action-form";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { SelectField } from "@/components/inventory/select-field";
import { TrendChart } from "@/components/charts/trend-chart";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { offsetPages } from "@/components/ui/table-sort";
import { FINDING_KINDS, type FINDING_STATUSES } from "@/db/schema/inventory";
import { listCampaigns } from "@/lib/attestation/campaigns";
import { hasPermission } from "@/lib/auth/require-permission";
import { findingsDashboard, listFindings } from "@/lib/findings/dashboard";
import { FINDING_LABELS, ListFindingsQuery } from "@/lib/findings/schemas";
import { closeCampaignAction, refreshFindingsAction, startCampaignAction } from "../actions";
import { readPageQuery } from "@/lib/http/query";

export const metadata: Metadata = { title: "Findings" };

const TREND_COLORS = ["var(--chart-deny)", "var(--chart-allow)", "var(--chart-approval)", "var(--chart-error)", "var(--accent)", "var(--ok)", "var(--danger)", "var(--warn)"];

const FINDING_STATUS_LABELS = { open: "Open", accepted: "Accepted", resolved: "Resolved" } satisfies Record<(typeof FINDING_STATUSES)[number], string>;

async function FindingsPageContent({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("agents.read", "/agents/findings");
  const params = await searchParams;
  const query = readPageQuery(params, ListFindingsQuery);
  const [dashboard, list, campaigns] = await Promise.all([findingsDashboard({ ctx }), listFindings({ ctx, input: query }), listCampaigns({ ctx })]);
  const canManage = hasPermission(ctx.actor, "findings.manage");
  const maxTrend = Math.max(1, ...dashboard.trend.map((day) => Object.values(day.counts).reduce((a, b) => a + (b ?? 0), 0)));
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

      <section className="card" aria-labelledby="h-trend">
        <h2 id="h-trend">Trend (open findings per day)</h2>
        {dashboard.trend.length === 0 ? (
          <p className="muted">No snapshot yet: each findings refresh records the day&apos;s counts.</p>
        ) : (
          <>
            <TrendChart
              title="Open findings per day: all, and each kind seen"
              table={false}
              series={[
                { key: "total", label: "all kinds", color: "var(--text)" },
                ...FINDING_KINDS.filter((kind) => dashboard.trend.some((day) => day.counts[kind])).map((kind, i) => ({ key: kind, label: FINDING_LABELS[kind], color: TREND_COLORS[i % TREND_COLORS.length]! })),
              ]}
              points={dashboard.trend.map((day) => ({ label: day.day, values: { total: Object.values(day.counts).reduce((a, b) => a + (b ?? 0), 0), ...Object.fromEntries(Object.entries(day.counts).map(([kind, count]) => [kind, count ?? 0])) } }))}
            />
            <DataTable
              caption="Open findings per day and kind"
              rows={dashboard.trend}
              rowKey={(day) => day.day}
              columns={[
                { header: "Day", rowHeader: true, cell: (day) => day.day },
                {
                  header: "Total",
                  cell: (day) => {
                    const total = Object.values(day.counts).reduce((a, b) => a + (b ?? 0), 0);
                    return (
                      <>
                        <span className="trend-bar" style={{ inlineSize: `${Math.round((total / maxTrend) * 100)}%` }} aria-hidden="true" />
                        {total}
                      </>
                    );
                  },
                },
                ...FINDING_KINDS.map((kind) => ({ header: FINDING_LABELS[kind], cell: (day: (typeof dashboard.trend)[number]) => day.counts[kind] ?? 0 })),
              ]}
            />
          </>
        )}
      </section>

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
            columns={[
              { header: "Agent", cell: (finding) => <Link href={`/agents/${finding.agentId}`}>{finding.agentName}</Link> },
              { header: "Finding", cell: (finding) => FINDING_LABELS[finding.kind] },
              {
                header: "Detail",
                cell: (finding) => (
                  <>
                    {finding.detail}
                    {finding.justification ? <div className="muted small">Justification: {finding.justification}</div> : null}
                  </>
                ),
              },
              { header: "Since", cell: (finding) => finding.firstDetectedAt.toISOString().slice(0, 10) },
            ]}
          />
        )}
        {list.items.length ? <Pagination noun="Findings" {...offsetPages("/agents/findings", params, { offset: query.offset, limit: query.limit, shown: list.items.length, total: list.total })} /> : null}
      </section>

      <section className="card" aria-labelledby="h-campaigns">
        <h2 id="h-campaigns">Attestation campaigns</h2>
        <p className="muted">Owners re-confirm ownership and scope of each live agent they own on their “My agents” page.</p>
        {canManage ? (
          <ActionForm action={startCampaignAction} submitLabel="Start campaign" label="Start an attestation campaign" confirm="Ask every owner to attest all their live agents?" successMessage="Campaign started.">
            <div className="field">
              <label htmlFor="c-name">Name</label>
              <input id="c-name" name="name" defaultValue={`Attestation ${new Date().toISOString().slice(0, 7)}`} />
            </div>
            <div className="field">
              <label htmlFor="c-due">Due in (days)</label>
              <input id="c-due" name="dueInDays" type="number" min={1} max={365} defaultValue={14} />
            </div>
          </ActionForm>
        ) : null}
        {campaigns.length === 0 ? (
          <p>No campaign yet.</p>
        ) : (
          <DataTable
            caption="Campaigns"
            rows={campaigns}
            rowKey={(campaign) => campaign.id}
            columns={[
              {
                header: "Campaign",
                cell: (campaign) => (
                  <>
                    {campaign.name}
                    <div className="muted small">started by {campaign.startedBy}</div>
                  </>
                ),
              },
              {
                header: "Progress",
                cell: (campaign) => (
                  <>
                    <progress max={Math.max(1, campaign.total)} value={campaign.attested} aria-label={`${campaign.name} progress`} /> {campaign.attested} / {campaign.total}
                  </>
                ),
              },
              { header: "Overdue", cell: (campaign) => (campaign.overdue ? <span className="badge danger">{campaign.overdue}</span> : 0) },
              { header: "Due", cell: (campaign) => campaign.dueAt.toISOString().slice(0, 10) },
              {
                header: "State",
                cell: (campaign) =>
                  campaign.closedAt ? (
                    "Closed"
                  ) : canManage ? (
                    <ActionForm action={closeCampaignAction} submitLabel="Close" label={`Close ${campaign.name}`} confirm="Close this campaign? Unanswered requests stop counting as overdue." danger>
                      <input type="hidden" name="campaignId" value={campaign.id} />
                    </ActionForm>
                  ) : (
                    "Open"
                  ),
              },
            ]}
          />
        )}
      </section>
    </>
  );
}

/** Reads from the read replica when one is configured and close enough (docs/operations.md, *Read replica*). */
export default async function FindingsPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return readingFromReplica(() => FindingsPageContent(props));
}
