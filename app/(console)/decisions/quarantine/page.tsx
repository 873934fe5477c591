import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listQuarantinedItems, QuarantineQuery } from "@/lib/decisions/explore-decisions";
import { listEnforcementPoints } from "@/lib/enforcement-points/list-enforcement-points";
import { DecisionsNav } from "@/components/decisions/decisions-nav";
import { formatUtc } from "@/components/ui/format-utc";
import { readPageQuery } from "@/lib/http/query";

export const metadata: Metadata = { title: "Quarantined decisions" };
export const dynamic = "force-dynamic";

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("decisions.read", "/decisions/quarantine");
  const query = readPageQuery(await searchParams, QuarantineQuery);
  const [items, points] = await Promise.all([listQuarantinedItems({ ctx, query }), listEnforcementPoints({ ctx })]);
  const epNames = new Map(points.map((ep) => [ep.id, ep.name]));
  return (
    <>
      <PageHeader
        title="Quarantined decisions"
        description="Items that were received but not recorded: invalid, or an id re-used with other content. Nothing is dropped."
        actions={
          <a className="button" href={`/api/v1/decisions/quarantine?format=ndjson&limit=10000${query.ep ? `&ep=${encodeURIComponent(query.ep)}` : ""}`} download>
            Download (NDJSON)
          </a>
        }
      />
      <DecisionsNav current="/decisions/quarantine" />
      {items.length === 0 ? (
        <EmptyState title="Nothing in quarantine">Every item your enforcement points sent was valid. Rejected items would appear here with the reason.</EmptyState>
      ) : (
        <DataTable
          card
          caption="Newest quarantined items first"
          rows={items}
          rowKey={(item) => item.seq}
          columns={[
            { header: "Received (UTC)", className: "mono", cell: (item) => formatUtc(item.receivedAt, "second") },
            { header: "Enforcement point", cell: (item) => epNames.get(item.enforcementPointId) ?? item.enforcementPointId },
            {
              header: "Reason",
              cell: (item) => (
                <>
                  <span className={`badge ${item.reason === "conflict" ? "warn" : "danger"}`}>{item.reason}</span> {item.message}
                </>
              ),
            },
            { header: "Where", className: "mono", cell: (item) => item.path },
            {
              header: "Raw item",
              cell: (item) => (
                <details>
                  <summary>{item.decisionId ?? "show"}</summary>
                  <pre>{item.raw.slice(0, 4000)}</pre>
                </details>
              ),
            },
          ]}
        />
      )}
    </>
  );
}
