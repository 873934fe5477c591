import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { listHref, tableSort } from "@/components/ui/table-sort";
import { AuditFilters, listAuditEntries } from "@/lib/audit/list-audit";
import { AuditEntity } from "@/components/audit/audit-entity";
import { VerifyChainButton } from "@/components/audit/verify-chain-button";
import { verifyAuditChainAction } from "./actions";
import { formatUtc } from "@/components/ui/format-utc";
import { readPageQuery } from "@/lib/http/query";

export const metadata: Metadata = { title: "Audit" };

const compact = (value: unknown) => (value === null || value === undefined ? "—" : JSON.stringify(value, null, 1));

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("audit.read", "/audit");
  const params = await searchParams;
  const filters = readPageQuery(params, AuditFilters);
  const { entries, nextBefore, nextParam } = await listAuditEntries({ ctx, filters });
  const nextHref = nextBefore ? listHref("/audit", params, { before: undefined, after: undefined, [nextParam]: String(nextBefore) }) : undefined;
  const firstPage = !filters.before && !filters.after;
  return (
    <>
      <PageHeader title="Audit" description="Every change made through the console or the API, hash-chained so edits to history are detectable." actions={<VerifyChainButton verify={verifyAuditChainAction} />} />
      <form className="card inline" role="search" aria-label="Filter the audit trail">
        <div className="field">
          <label htmlFor="f-action">Action starts with</label>
          <input id="f-action" name="action" defaultValue={filters.action} placeholder="user." />
        </div>
        <div className="field">
          <label htmlFor="f-actor">Actor</label>
          <input id="f-actor" name="actor" defaultValue={filters.actor} placeholder="email" />
        </div>
        <div className="field">
          <label htmlFor="f-entity">Entity id or type</label>
          <input id="f-entity" name="entity" defaultValue={filters.entity} />
        </div>
        <div className="field">
          <label htmlFor="f-from">From</label>
          <input id="f-from" name="from" type="date" defaultValue={filters.from?.toISOString().slice(0, 10)} />
        </div>
        <div className="field">
          <label htmlFor="f-to">To</label>
          <input id="f-to" name="to" type="date" defaultValue={filters.to?.toISOString().slice(0, 10)} />
        </div>
        <button type="submit">Filter</button>
        <Link href="/audit">Clear</Link>
      </form>
      {entries.length === 0 ? (
        <EmptyState title="No entries match">Changes appear here as people and scripts make them. Clear the filters to see everything.</EmptyState>
      ) : (
        <DataTable
          caption="Audit trail"
          rows={entries}
          rowKey={(entry) => entry.seq}
          sort={tableSort("/audit", filters.sort, params)}
          columns={[
            { header: "#", cell: (entry) => entry.seq },
            { header: "When (UTC)", sortKey: "time", cell: (entry) => formatUtc(entry.at, "second") },
            { header: "Who", cell: (entry) => entry.actorLabel },
            {
              header: "Via",
              cell: (entry) => (
                <>
                  {entry.via}
                  {entry.ip ? <div className="muted mono">{entry.ip}</div> : null}
                </>
              ),
            },
            { header: "Action", className: "mono", cell: (entry) => entry.action },
            { header: "Entity", cell: (entry) => <AuditEntity type={entry.entityType} id={entry.entityId} name={entry.entityName} /> },
            {
              header: "Before → after",
              cell: (entry) => (
                <details>
                  <summary>Show</summary>
                  <pre>{compact(entry.before)}</pre>
                  <pre>{compact(entry.after)}</pre>
                </details>
              ),
            },
          ]}
        />
      )}
      {entries.length ? <Pagination noun="Entries" first={firstPage ? 1 : undefined} shown={entries.length} nextHref={nextHref} label={filters.sort === "time" ? "Newer entries" : "Older entries"} /> : null}
    </>
  );
}
