import type { CSSProperties, ReactNode } from "react";

export type DataColumn<Row> = {
  header: ReactNode;
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
  style?: CSSProperties;
  className?: string;
  "aria-label"?: string;
}) {
  const shown = columns.filter((column): column is DataColumn<Row> => Boolean(column));
  return (
    // Focusable, so a table wider than the page can be scrolled sideways from the keyboard (WCAG 2.1.1; axe scrollable-region-focusable).
    <div className={card ? "table-wrap card" : "table-wrap"} style={style} tabIndex={0}>
      <table className={className} aria-label={ariaLabel}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {shown.map((column, index) => (
              <th scope="col" key={index}>
                {column.header}
              </th>
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
    </div>
  );
}
