import { asc, desc, sql, type AnyColumn, type SQL, type SQLWrapper } from "drizzle-orm";

/**
 * ORDER BY for a list's `sort` value (`key` ascending, `-key` descending; lib/http/query.ts sortParam):
 * the key's column, then `tiebreak` in the same direction so pages never overlap or skip a row. A table
 * whose key has several columns (the tool catalog's server and name) gives them all as the tiebreak.
 */
export function orderFor<K extends string>(sort: K | `-${K}`, columns: Record<K, AnyColumn | SQLWrapper>, tiebreak: AnyColumn | readonly AnyColumn[]): SQL[] {
  const descending = sort.startsWith("-");
  const column = columns[(descending ? sort.slice(1) : sort) as K];
  const direction = descending ? desc : asc;
  return [direction(column as AnyColumn), ...(Array.isArray(tiebreak) ? tiebreak : [tiebreak]).map((one: AnyColumn) => direction(one))];
}

/** A ranked text column's place in `values` (an enum's list, low to high), for ordering by rank rather than spelling. */
export function rankOf(column: AnyColumn, values: readonly string[]): SQL {
  // The values are the schema's own enum constants, never input: safe to inline as literals.
  return sql`array_position(${sql.raw(`array[${values.map((value) => `'${value.replaceAll("'", "''")}'`).join(", ")}]::text[]`)}, ${column})`;
}
