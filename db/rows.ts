import type { SQL } from "drizzle-orm";
import type { Executor } from "./client";

/** drizzle's `execute` returns an array on postgres.js and `{ rows }` on PGlite; this reads either. */
export function executedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}

/** Runs raw SQL on either driver and returns its rows. */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  return executedRows<T>(await db.execute(query));
}

/** A boolean column read through raw SQL: a boolean on postgres.js, sometimes the text `t`/`f` on other paths. */
export const pgBoolean = (value: unknown): boolean => value === true || value === "t";
