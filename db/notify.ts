import { sql } from "drizzle-orm";
import type { DatabaseHandle, Executor } from "./client";

/**
 * LISTENs on `channel` for this process (postgres.js re-listens after a reconnect). On PGlite, which
 * has one process and no cross-process notices, it returns false without listening, unless
 * `options.pglite` asks to hear the notices this process's own transactions send (delivered at commit).
 */
export async function listenOnChannel(handle: DatabaseHandle, channel: string, onNotice: (payload: string) => void, options: { pglite?: boolean } = {}): Promise<boolean> {
  if (handle.sql) {
    await handle.sql.listen(channel, onNotice);
    return true;
  }
  if (options.pglite && handle.pglite) {
    await handle.pglite.listen(channel, onNotice);
    return true;
  }
  return false;
}

/** `pg_notify(channel, payload)` inside the caller's transaction: delivered to every listener at commit, never on rollback. */
export async function notifyChannel(tx: Executor, channel: string, payload = ""): Promise<void> {
  await tx.execute(sql`select pg_notify(${channel}, ${payload})`);
}
