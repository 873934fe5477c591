import type { Metadata } from "next";
import Link from "next/link";
import { orNotFound, requirePageActor } from "@/app/_server/page-guard";
import { DataTable } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { readCrosswalk, readFrameworks } from "@/lib/frameworks/read-frameworks";
import { CrosswalkQuery } from "@/lib/frameworks/schemas";
import { readPageQuery } from "@/lib/http/query";

export const metadata: Metadata = { title: "Framework crosswalk" };
export const dynamic = "force-dynamic";

export default async function CrosswalkPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const ctx = await requirePageActor("frameworks.read", `/frameworks/${id}/crosswalk`);
  const frameworks = await readFrameworks({ ctx });
  const current = frameworks.find((framework) => framework.id === id);
  // The API's parameter: comma-separated target framework ids, empty for all others.
  const requested = readPageQuery(await searchParams, CrosswalkQuery).to.split(",").map((target) => target.trim());
  const to = requested.filter((target) => frameworks.some((f) => f.id === target && f.id !== id));
  const rows = await orNotFound(readCrosswalk({ ctx, frameworkId: id, targetFrameworkIds: to }));
  const names = new Map(frameworks.map((framework) => [framework.id, framework.shortName]));
  return (
    <>
      <PageHeader title={`Crosswalk: ${current?.name ?? id}`} description="Items of other frameworks that share a Steward control with each item." actions={<Link className="button" href={`/frameworks/${id}`}>Back to the framework</Link>} />
      <form method="get" className="inline card" aria-label="Target frameworks">
        <fieldset className="checkbox-row">
          <legend>Compare with (none ticked = all)</legend>
          {frameworks
            .filter((framework) => framework.id !== id)
            .map((framework) => (
              <label key={framework.id}>
                <input type="checkbox" name="to" value={framework.id} defaultChecked={to.includes(framework.id)} /> {framework.shortName}
              </label>
            ))}
        </fieldset>
        <button type="submit">Compare</button>
      </form>
      <DataTable
        rows={rows}
        rowKey={(row) => row.itemId}
        columns={[
          {
            header: "Item",
            rowHeader: true,
            cell: (row) => (
              <>
                <span className="mono">{row.itemId}</span> {row.title}
              </>
            ),
          },
          {
            header: "Related items (through shared controls)",
            cell: (row) =>
              row.related.length === 0 ? (
                <span className="muted small">No shared control.</span>
              ) : (
                <RelatedList count={row.related.length}>
                <ul className="small">
                    {row.related.map((related) => (
                      <li key={`${related.frameworkId}/${related.itemId}`}>
                        {names.get(related.frameworkId)}{" "}
                        <Link href={`/frameworks/${related.frameworkId}#item-${encodeURIComponent(related.itemId)}`}>
                          <span className="mono">{related.itemId}</span> {related.title}
                        </Link>{" "}
                        <span className="muted">via {related.viaControls.join(", ")}</span>
                      </li>
                    ))}
                  </ul>
                </RelatedList>
              ),
          },
        ]}
      />
    </>
  );
}

/** Beyond this many related items a row collapses to a summary (a phone showed the whole crosswalk at 34,000 px). */
const OPEN_UP_TO = 3;

function RelatedList({ count, children }: { count: number; children: React.ReactNode }) {
  if (count <= OPEN_UP_TO) return <>{children}</>;
  return (
    <details className="related-items">
      <summary>{count} related items</summary>
      {children}
    </details>
  );
}
