import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { MIGRATIONS_FOLDER, type Db } from "./client";
import { queryRows } from "./rows";

/** Ready = the database answers and every committed migration has been applied. */
export async function checkReadiness(db: Db): Promise<{ ready: boolean; applied: number; expected: number }> {
  const journal = JSON.parse(readFileSync(path.join(/*turbopackIgnore: true*/ MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  const applied = Number(row?.n ?? 0);
  return { ready: applied >= journal.entries.length, applied, expected: journal.entries.length };
}
