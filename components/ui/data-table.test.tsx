import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DataTable } from "./data-table";
import { Pagination } from "./pagination";
import { sortHref, tableSort } from "./table-sort";

type Row = { id: string; name: string; risk: string };
const rows: Row[] = [
  { id: "a1", name: "alpha", risk: "low" },
  { id: "a2", name: "beta", risk: "high" },
];
const columns = [
  { header: "Name", sortKey: "name", cell: (row: Row) => row.name, rowHeader: true },
  { header: "Risk", sortKey: "risk", cell: (row: Row) => row.risk },
  { header: "Id", cell: (row: Row) => row.id },
];
/** The column headers of the server-rendered markup (vitest runs in node: no DOM, so read the markup itself). */
const render = (sortValue: string | undefined) => {
  const html = renderToStaticMarkup(<DataTable rows={rows} rowKey={(row) => row.id} columns={columns} sort={tableSort("/agents", sortValue, { q: "bot", offset: "50", sort: "x", tag: ["a", "b"] })} />);
  return { headers: [...html.matchAll(/<th scope="col"([^>]*)>(.*?)<\/th>/g)].map((match) => ({ attributes: match[1]!, inner: match[2]! })) };
};
const hrefOf = (inner: string) => /href="([^"]+)"/.exec(inner)?.[1]?.replaceAll("&amp;", "&");

describe("DataTable sorting", () => {
  it("marks the sorted column with aria-sort and links to the reverse order, other sortable columns to ascending", () => {
    const { headers } = render("name");
    expect(headers[0]!.attributes).toContain('aria-sort="ascending"');
    expect(hrefOf(headers[0]!.inner)).toBe("/agents?q=bot&sort=-name#sort-name");
    // The link names itself, so the reloaded page puts focus back on it.
    expect(headers[0]!.inner).toContain('id="sort-name" data-refocus=""');
    expect(headers[1]!.attributes).toContain('aria-sort="none"');
    expect(hrefOf(headers[1]!.inner)).toBe("/agents?q=bot&sort=risk#sort-risk");
  });

  it("the link's own name says the current order, not only aria-sort (the Tasks page opens on Started, descending)", () => {
    const hidden = (inner: string) => /<span class="visually-hidden">(.*?)<\/span>/.exec(inner)?.[1];
    expect(hidden(render("name").headers[0]!.inner)).toBe(", sorted ascending; sort descending");
    expect(hidden(render("-name").headers[0]!.inner)).toBe(", sorted descending; sort ascending");
    expect(hidden(render("-name").headers[1]!.inner)).toBe(", sort ascending");
  });

  it("a descending order reads as descending and links back to ascending", () => {
    const { headers } = render("-risk");
    expect(headers[1]!.attributes).toContain('aria-sort="descending"');
    expect(hrefOf(headers[1]!.inner)).toBe("/agents?q=bot&sort=risk#sort-risk");
    expect(headers[0]!.attributes).toContain('aria-sort="none"');
  });

  it("a column without a server sort key is a plain header with no aria-sort and no link", () => {
    const { headers } = render("name");
    expect(headers[2]!.attributes).not.toContain("aria-sort");
    expect(headers[2]!.inner).toBe("Id");
  });

  it("changing the order drops the paging position and repeated parameters, keeps the filters", () => {
    expect(sortHref(tableSort("/x", undefined, { a: "1", cursor: "c", before: "9", offset: "3", multi: ["1", "2"] }), "-a")).toBe("/x?a=1&sort=-a");
  });

  it("a page's second sorted table links through its own parameter and keeps the first table's order", () => {
    const tools = tableSort("/mcp-servers", "-lastSeen", { sort: "-name", toolSort: "-lastSeen", offset: "5" }, "toolSort");
    expect(sortHref(tools, "name")).toBe("/mcp-servers?sort=-name&toolSort=name");
    expect(sortHref(tableSort("/mcp-servers", "-name", { sort: "-name", toolSort: "lastSeen" }), "name")).toBe("/mcp-servers?toolSort=lastSeen&sort=name");
    const html = renderToStaticMarkup(<DataTable rows={rows} rowKey={(row) => row.id} columns={columns} sort={tableSort("/x", "-risk", {}, "toolSort")} />);
    expect(html).toContain('aria-sort="descending"');
  });

  it("keeps the header row sticky unless told not to", () => {
    const sticky = renderToStaticMarkup(<DataTable rows={rows} rowKey={(row) => row.id} columns={columns} />);
    const plain = renderToStaticMarkup(<DataTable rows={rows} rowKey={(row) => row.id} columns={columns} stickyHeader={false} />);
    expect(sticky).toContain('class="table-wrap sticky-head"');
    expect(plain).toContain('class="table-wrap"');
  });
});

describe("Pagination", () => {
  const text = (markup: string) => /<p[^>]*>(.*?)<\/p>/.exec(markup)?.[1];
  it("shows the range and the total with thousands separators", () => {
    expect(text(renderToStaticMarkup(<Pagination first={51} shown={50} total={12345} noun="Agents" nextHref="/agents?offset=100" previousHref="/agents?offset=0" />))).toBe("Agents 51–100 of 12,345");
  });
  it('says "more" when the total is not counted and another page exists', () => {
    const markup = renderToStaticMarkup(<Pagination first={1} shown={50} nextHref="/decisions/explore?cursor=x" noun="Decisions" />);
    expect(text(markup)).toBe("Decisions 1–50 of more");
    expect(markup).toContain("Next →");
    expect(markup).not.toContain("Previous");
  });
  it("a page reached by a cursor does not pretend to know its position", () => {
    expect(text(renderToStaticMarkup(<Pagination first={undefined} shown={50} nextHref="/audit?before=10" noun="Entries" />))).toBe("Entries: 50 on this page, more follow");
  });
  it("an uncounted last page states its end", () => {
    expect(text(renderToStaticMarkup(<Pagination first={1} shown={7} />))).toBe("Rows 1–7 of 7");
  });
});
