import { getDb, type Tx } from "@/db/client";
import type { RequestContext } from "./auth/actor";

/** What every verb receives: who acts, for which request, and optionally an outer transaction to join. */
export type Ctx = RequestContext & { tx?: Tx };

/** Runs `fn` in the caller's transaction if there is one, else in a new one, so verbs compose. */
export async function withTransaction<T>(ctx: Ctx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (ctx.tx) return fn(ctx.tx);
  const db = await getDb();
  return db.transaction((tx) => fn(tx));
}
