import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Executor } from "./client";
import { apiTokens } from "./schema";

export type ApiTokenRow = typeof apiTokens.$inferSelect;

export async function insertApiToken(db: Executor, row: typeof apiTokens.$inferInsert): Promise<ApiTokenRow> {
  const [inserted] = await db.insert(apiTokens).values(row).returning();
  return inserted!;
}

/** One person's token; another person's token is not found (scoped in the query itself). */
export async function getOwnApiToken(db: Executor, userId: string, tokenId: string): Promise<ApiTokenRow | undefined> {
  const [row] = await db.select().from(apiTokens).where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)));
  return row;
}

export async function markApiTokenRevoked(db: Executor, tokenId: string): Promise<ApiTokenRow> {
  const [row] = await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, tokenId)).returning();
  return row!;
}

/** One person's tokens, newest first. */
export function listApiTokensOf(db: Executor, userId: string): Promise<ApiTokenRow[]> {
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
}

/** Sets last-used to now, at most once a minute (reads do not each cost a write). */
export async function touchApiTokenLastUsed(db: Executor, tokenId: string): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiTokens.id, tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`))));
}

/** Revokes every token of one person that is not revoked yet (at deactivation). */
export async function revokeApiTokensOf(db: Executor, userId: string): Promise<void> {
  await db.update(apiTokens).set({ revokedAt: sql`now()` }).where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
}
