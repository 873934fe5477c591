import type { CSSProperties, ReactNode } from "react";
import { RefocusFromAddress } from "./refocus-from-address";
import { sortHref, type TableSort } from "./table-sort";

export type DataColumn<Row> = {
  header: ReactNode;
  /**
   * The server's sort key for this column (e.g. "name" for `?sort=name` / `?sort=-name`): its header becomes
   * a link that sorts by it, and the header carries `aria-sort`. Only for columns the page's server read can
   * order by; the table never sorts rows itself (a page shows one slice of a server-ordered list).
   */
  sortKey?: string;
  cell: (row: Row) => ReactNode;
  /** The cell names its row: rendered as `<th scope="row">`. */
  rowHeader?: boolean;
  className?: string;
  title?: (row: Row) => string;
};

type RowAttributes = { className?: string } & { [data: `data-${string}`]: string | undefined };

/**
 * A plain data table: one `<th scope="col">` per column, one row per item. A column given as `false`,
 * `null` or `undefined` is left out, so a permission-gated column reads `canManage && { … }`.
 * Server-component compatible (no hooks): the cell functions never cross to the client.
 */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  rowAttributes,
  empty,
  card,
  sort,
  stickyHeader = true,
  style,
  className,
  "aria-label": ariaLabel,
}: {
  /** Visually hidden, read by screen readers. */
  caption?: ReactNode;
  columns: readonly (DataColumn<Row> | false | null | undefined)[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  rowAttributes?: (row: Row) => RowAttributes;
  /** Shown as one muted full-width row when there is no row; without it the body stays empty. */
  empty?: ReactNode;
  card?: boolean;
  /** The current server-side order and the link it is changed through; needed for `sortKey` columns. */
  sort?: TableSort;
  /** The header row stays in view while the rows scroll (the table scrolls inside its own box). Default on. */
  stickyHeader?: boolean;
  style?: CSSProperties;
  className?: string;
  "aria-label"?: string;
}) {
  const shown = columns.filter((column): column is DataColumn<Row> => Boolean(column));
  const sortable = Boolean(sort && shown.some((column) => column.sortKey));
  return (
    // Focusable, so a table wider than the page can be scrolled sideways from the keyboard (WCAG 2.1.1; axe scrollable-region-focusable).
    <div className={["table-wrap", stickyHeader && "sticky-head", card && "card"].filter(Boolean).join(" ")} style={style} tabIndex={0}>
      <table className={className} aria-label={ariaLabel}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {shown.map((column, index) => (
              <HeaderCell key={index} column={column} sort={sort} />
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} {...rowAttributes?.(row)}>
              {shown.map((column, index) => {
                const Cell = column.rowHeader ? "th" : "td";
                return (
                  <Cell key={index} scope={column.rowHeader ? "row" : undefined} className={column.className} title={column.title?.(row)}>
                    {column.cell(row)}
                  </Cell>
                );
              })}
            </tr>
          ))}
          {rows.length === 0 && empty ? (
            <tr>
              <td colSpan={shown.length} className="muted">
                {empty}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {sortable ? <RefocusFromAddress /> : null}
    </div>
  );
}

const SORT_NAMES = { asc: "ascending", desc: "descending" } as const;

/**
 * A column header; a sortable one links to the next order (ascending first, then descending) and states the current
 * one twice: `aria-sort` on the cell, and in the link's own name (", sorted descending; sort ascending"), because
 * not every screen reader announces `aria-sort` when one tabs to the header's link.
 * Pages open on a default order (often descending, newest first), so the descending wording matters most.
 * The link names itself in its fragment (`#sort-name`; `#toolSort-name` for a page's second table), so the
 * reloaded page puts focus back on it (RefocusFromAddress) rather than at the top of the page.
 */
function HeaderCell<Row>({ column, sort }: { column: DataColumn<Row>; sort: TableSort | undefined }) {
  if (!column.sortKey || !sort) return <th scope="col">{column.header}</th>;
  const direction = sort.value === column.sortKey ? "asc" : sort.value === `-${column.sortKey}` ? "desc" : null;
  const next = direction === "asc" ? `-${column.sortKey}` : column.sortKey;
  const id = `${sort.param ?? "sort"}-${column.sortKey}`;
  return (
    <th scope="col" aria-sort={direction ? SORT_NAMES[direction] : "none"}>
      <a href={`${sortHref(sort, next)}#${id}`} id={id} data-refocus="">
        {column.header}
        <span className="sort-indicator" aria-hidden="true">
          {direction === "asc" ? "▲" : direction === "desc" ? "▼" : "↕"}
        </span>
        <span className="visually-hidden">{direction === "asc" ? ", sorted ascending; sort descending" : direction === "desc" ? ", sorted descending; sort ascending" : ", sort ascending"}</span>
      </a>
    </th>
  );
}
