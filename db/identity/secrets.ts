import { desc, eq } from "drizzle-orm";
import type { Executor } from "../client";
import { secretReleases, secrets } from "../schema";

/** Queries behind lib/identity/secret-store.ts: sealed downstream secrets and their releases. */
export type SecretRow = typeof secrets.$inferSelect;
export type SecretReleaseRow = typeof secretReleases.$inferSelect;

export const listSecretRows = (db: Executor): Promise<SecretRow[]> => db.select().from(secrets).orderBy(secrets.name);

export async function getSecretRowByName(db: Executor, name: string): Promise<SecretRow | null> {
  const [row] = await db.select().from(secrets).where(eq(secrets.name, name));
  return row ?? null;
}

export async function insertSecretRow(db: Executor, values: typeof secrets.$inferInsert): Promise<SecretRow> {
  const [row] = await db.insert(secrets).values(values).returning();
  return row!;
}

export async function updateSecretRow(db: Executor, id: string, values: Partial<typeof secrets.$inferInsert>): Promise<SecretRow> {
  const [row] = await db.update(secrets).set(values).where(eq(secrets.id, id)).returning();
  return row!;
}

export async function deleteSecretRow(db: Executor, id: string): Promise<SecretRow | null> {
  const [row] = await db.delete(secrets).where(eq(secrets.id, id)).returning();
  return row ?? null;
}

export async function insertSecretRelease(db: Executor, values: typeof secretReleases.$inferInsert): Promise<void> {
  await db.insert(secretReleases).values(values);
}

/** Releases of a task or of an agent (every release when neither), newest first. */
export function listSecretReleaseRows(db: Executor, where: { taskId?: string; agentId?: string }, limit = 100): Promise<SecretReleaseRow[]> {
  const condition = where.taskId ? eq(secretReleases.taskId, where.taskId) : where.agentId ? eq(secretReleases.agentId, where.agentId) : undefined;
  return db.select().from(secretReleases).where(condition).orderBy(desc(secretReleases.at)).limit(limit);
}
