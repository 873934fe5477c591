import { and, count, eq, gt, isNull, sql } from "drizzle-orm";
import { StewardError } from "@/lib/errors";
import type { Executor } from "./client";
import { apiTokens, users } from "./schema";

export type UserRow = typeof users.$inferSelect;

export async function getUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1);
  return row;
}

export async function getUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export async function getUserOrThrow(db: Executor, id: string): Promise<UserRow> {
  const row = await getUserById(db, id);
  if (!row) throw new StewardError("not_found", `User ${id} does not exist`);
  return row;
}

export async function countUsers(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export async function countActiveAdmins(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users).where(and(eq(users.role, "admin"), eq(users.active, true)));
  return row?.n ?? 0;
}

/** A token that is not revoked, not expired, and whose owner is active — or nothing. */
export async function findLiveTokenByHash(db: Executor, tokenHash: string) {
  const [row] = await db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt), gt(apiTokens.expiresAt, sql`now()`), eq(users.active, true)))
    .limit(1);
  return row;
}
