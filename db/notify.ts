import { sql } from "drizzle-orm";
import { getDatabase, type DatabaseHandle, type Executor } from "./client";

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

const listening = ((globalThis as typeof globalThis & { __stewardCacheListeners?: Map<string, Promise<void>> }).__stewardCacheListeners ??= new Map());

/**
 * For a per-process cache that other processes' changes must clear: LISTENs on `channel` once per
 * process (postgres.js re-listens after a reconnect; PGlite has no other processes) and calls
 * `onNotice` for each notice. A failure is logged and forgotten, so the next call tries again; until
 * then the cache's own age bound (`bound`, said in the log) is what limits staleness.
 */
export function listenForChanges(channel: string, onNotice: (payload: string) => void, bound: string): Promise<void> {
  let started = listening.get(channel);
  if (!started) {
    started = (async () => {
      await listenOnChannel(await getDatabase(), channel, onNotice);
    })().catch((error: unknown) => {
      listening.delete(channel);
      console.error(`listening on ${channel} failed; ${bound}`, error);
    });
    listening.set(channel, started);
  }
  return started;
}
