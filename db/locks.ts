import { sql } from "drizzle-orm";
import type { Executor } from "./client";

/**
 * Takes a transaction-scoped PostgreSQL advisory lock (`pg_advisory_xact_lock`): released at commit
 * or rollback. `key` is one 64-bit key; with `name`, the lock is the pair (key, hashtext(name)), so one
 * namespace can lock per account, address, …
 */
export async function advisoryXactLock(tx: Executor, key: number, name?: string): Promise<void> {
  if (name === undefined) await tx.execute(sql`select pg_advisory_xact_lock(${key})`);
  else await tx.execute(sql`select pg_advisory_xact_lock(${key}, hashtext(${name}))`);
}
