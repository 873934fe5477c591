import { getDb, type Tx } from "@/db/client";
import type { RequestContext } from "./auth/actor";

/** What every verb receives: who acts, for which request, and optionally an outer transaction to join. */
export type Ctx = RequestContext & { tx?: Tx };

/** Runs `fn` in the caller's transaction if there is one, else in a new one, so verbs compose. */
export async function withTransaction<T>(ctx: Ctx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (ctx.tx) return fn(ctx.tx);
  const db = await getDb();
  const result = await db.transaction((tx) => fn(tx));
  commits.__stewardCommitGeneration = (commits.__stewardCommitGeneration ?? 0) + 1;
  return result;
}

const commits = globalThis as typeof globalThis & { __stewardCommitGeneration?: number };

/**
 * Counts console changes committed by this process (every verb commits through withTransaction).
 * The policy engine reloads when it moves, so a change takes effect on the next evaluation.
 */
export function commitGeneration(): number {
  return commits.__stewardCommitGeneration ?? 0;
}
