import { asc, desc, type AnyColumn, type SQL, type SQLWrapper } from "drizzle-orm";

/**
 * ORDER BY for a list's `sort` value (`key` ascending, `-key` descending; lib/http/query.ts sortParam):
 * the key's column, then `tiebreak` in the same direction so pages never overlap or skip a row.
 */
export function orderFor<K extends string>(sort: K | `-${K}`, columns: Record<K, AnyColumn | SQLWrapper>, tiebreak: AnyColumn): SQL[] {
  const descending = sort.startsWith("-");
  const column = columns[(descending ? sort.slice(1) : sort) as K];
  const direction = descending ? desc : asc;
  return [direction(column as AnyColumn), direction(tiebreak)];
}
