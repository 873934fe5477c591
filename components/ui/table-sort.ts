/**
 * How a list page's server-side order reaches its table: plain data (it crosses to client components).
 * `value` is the page's current `sort` parameter as its strict query schema read it (`key` ascending,
 * `-key` descending); `path` and `params` are the page and its other query parameters, kept when the
 * order changes. Paging parameters (`offset`, `cursor`, `before`, `after`) are dropped: a new order starts at page one.
 * `param` names the order's parameter when a page has a second sorted table (the MCP servers page's
 * tool catalog: `toolSort`); it is `sort` otherwise.
 */
export type TableSort = { value: string | undefined; path: string; params: Record<string, string>; param?: string };

const PAGING = new Set(["offset", "cursor", "before", "after"]);

/** The TableSort of a page from its raw searchParams (only single-valued parameters are kept; another table's order is). */
export function tableSort(path: string, value: string | undefined, params: Record<string, string | string[] | undefined>, param = "sort"): TableSort {
  const kept = Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[0] !== param && !PAGING.has(entry[0])));
  return param === "sort" ? { value, path, params: kept } : { value, path, params: kept, param };
}

/** The link that orders the list by `value` (`key` or `-key`). */
export function sortHref(sort: TableSort, value: string): string {
  return `${sort.path}?${new URLSearchParams({ ...sort.params, [sort.param ?? "sort"]: value })}`;
}

/**
 * A list page's link with some parameters changed (`undefined` removes one), e.g. the next page:
 * `listHref("/agents/findings", searchParams, { offset: "100" })`. Only single-valued parameters are kept.
 */
export function listHref(path: string, params: Record<string, string | string[] | undefined>, changes: Record<string, string | undefined>): string {
  const next = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === "string" && !(entry[0] in changes)));
  for (const [key, value] of Object.entries(changes)) if (value !== undefined) next.set(key, value);
  const query = next.toString();
  return query ? `${path}?${query}` : path;
}

/** Previous and next links of an offset-paged list (offset/limit/total as the server read them). */
export function offsetPages(path: string, params: Record<string, string | string[] | undefined>, { offset, limit, shown, total }: { offset: number; limit: number; shown: number; total: number }) {
  return {
    first: offset + 1,
    shown,
    total,
    previousHref: offset > 0 ? listHref(path, params, { offset: String(Math.max(0, offset - limit)) }) : undefined,
    nextHref: offset + shown < total ? listHref(path, params, { offset: String(offset + limit) }) : undefined,
  };
}
