import type { SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";

/** Runs raw SQL on either driver: postgres.js returns the rows, PGlite an object holding them. */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
