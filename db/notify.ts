import { sql } from "drizzle-orm";
import type { DatabaseHandle, Executor } from "./client";

/**
 * LISTENs on `channel` for this process (postgres.js re-listens after a reconnect). Returns false
 * without listening on PGlite, which has one process and no cross-process notices.
 */
export async function listenOnChannel(handle: DatabaseHandle, channel: string, onNotice: (payload: string) => void): Promise<boolean> {
  if (!handle.sql) return false;
  await handle.sql.listen(channel, onNotice);
  return true;
}

/** `pg_notify(channel, payload)` inside the caller's transaction: delivered to every listener at commit, never on rollback. */
export async function notifyChannel(tx: Executor, channel: string, payload = ""): Promise<void> {
  await tx.execute(sql`select pg_notify(${channel}, ${payload})`);
}
