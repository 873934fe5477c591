import { and, desc, isNull, lte, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { signingKeys } from "../schema";

/** Queries behind lib/identity/signing-keys.ts: Steward's task-token signing keys. */
export type SigningKeyRow = typeof signingKeys.$inferSelect;

/** Every key, the latest to activate first. */
export const listSigningKeyRows = (db: Executor): Promise<SigningKeyRow[]> => db.select().from(signingKeys).orderBy(desc(signingKeys.activatesAt));

export async function insertSigningKeyRow(db: Executor, values: typeof signingKeys.$inferInsert): Promise<void> {
  await db.insert(signingKeys).values(values);
}

/** Whether some key signs at `at` (activated at or before it). */
export async function hasKeyActiveAt(db: Executor, at: Date): Promise<boolean> {
  const [row] = await db.select({ kid: signingKeys.kid }).from(signingKeys).where(lte(signingKeys.activatesAt, at)).limit(1);
  return !!row;
}

/** Serialises key creation and rotation across processes (transaction-scoped). */
export async function lockSigningKeys(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SIGNING_KEY_LOCK_KEY})`);
}
const SIGNING_KEY_LOCK_KEY = 7_363_014;

/** Sets `retiresAt` on every key not yet retiring that activates at or before `activatesAt`. */
export async function retireKeysActivatingBy(db: Executor, activatesAt: Date, retiresAt: Date): Promise<void> {
  await db.update(signingKeys).set({ retiresAt }).where(and(isNull(signingKeys.retiresAt), lte(signingKeys.activatesAt, activatesAt)));
}
