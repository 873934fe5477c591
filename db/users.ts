import { and, count, eq, gt, gte, isNull, lte, ne, sql } from "drizzle-orm";
import { StewardError } from "@/lib/errors";
import type { Executor } from "./client";
import { orderFor } from "./order";
import { apiTokens, signInFailures, users } from "./schema";

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

/** The console users' list orders (a short table, read whole); `lastSignIn` puts never-signed-in first. */
const USER_ORDER_COLUMNS = {
  name: sql`lower(${users.name})`,
  email: users.email,
  role: users.role,
  status: sql`(not ${users.active})`,
  lastSignIn: sql`coalesce(${users.lastSignInAt}, '-infinity'::timestamptz)`,
};
export type UserSort = keyof typeof USER_ORDER_COLUMNS | `-${keyof typeof USER_ORDER_COLUMNS}`;

/** Console users in `sort` order (by email when not given). */
export function listUsersByEmail(db: Executor, sort: UserSort = "email"): Promise<UserRow[]> {
  return db.select().from(users).orderBy(...orderFor(sort, USER_ORDER_COLUMNS, users.id));
}

export async function insertUserRow(db: Executor, row: typeof users.$inferInsert): Promise<UserRow> {
  const [inserted] = await db.insert(users).values(row).returning();
  return inserted!;
}

/** Sets exactly the given columns (callers set `updatedAt` where the change is the person's own); undefined when the user does not exist. */
export async function updateUserRow(db: Executor, id: string, patch: Partial<typeof users.$inferInsert>): Promise<UserRow | undefined> {
  const [row] = await db.update(users).set(patch).where(eq(users.id, id)).returning();
  return row;
}

/** A reset password: the temporary hash, a forced change at next sign-in, and every session ended (version + 1). */
export async function resetUserPasswordRow(db: Executor, id: string, passwordHash: string): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ passwordHash, mustChangePassword: true, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row;
}

/** Increments the person's session version; returns the new version, or undefined when the user does not exist. */
export async function incrementSessionVersion(db: Executor, id: string): Promise<number | undefined> {
  const [row] = await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, id))
    .returning({ sessionVersion: users.sessionVersion });
  return row?.sessionVersion;
}

export async function getSessionVersion(db: Executor, id: string): Promise<number | undefined> {
  const [row] = await db.select({ sessionVersion: users.sessionVersion }).from(users).where(eq(users.id, id)).limit(1);
  return row?.sessionVersion;
}

/** Checked sign-in attempts since `since` for one account (`email`) or one source address (`ip`). */
export async function countCheckedSignInAttempts(db: Executor, by: { email: string } | { ip: string }, since: Date): Promise<number> {
  const who = "email" in by ? eq(signInFailures.email, by.email) : eq(signInFailures.ip, by.ip);
  const [row] = await db
    .select({ n: count() })
    .from(signInFailures)
    .where(and(who, eq(signInFailures.checked, true), gt(signInFailures.at, since)));
  return row?.n ?? 0;
}

/** Records one attempt at clock_timestamp() (the time the caller's lock was held, so rows order as attempts were admitted). */
export async function insertSignInAttempt(db: Executor, row: { id: string; email: string; ip: string | null; checked: boolean }): Promise<void> {
  await db.insert(signInFailures).values({ ...row, at: sql`clock_timestamp()` });
}

/** Drops one account's attempts at or before `before` (out of the window). */
export async function deleteSignInAttemptsUpTo(db: Executor, email: string, before: Date): Promise<void> {
  await db.delete(signInFailures).where(and(eq(signInFailures.email, email), lte(signInFailures.at, before)));
}

/** How many other attempts for the account were recorded at or after attempt `attemptId`; null when that attempt's row is gone. */
export async function countAttemptsSince(db: Executor, email: string, attemptId: string): Promise<number | null> {
  const [own] = await db.select({ at: signInFailures.at }).from(signInFailures).where(eq(signInFailures.id, attemptId));
  if (!own) return null;
  const [later] = await db
    .select({ n: count() })
    .from(signInFailures)
    .where(and(eq(signInFailures.email, email), gte(signInFailures.at, own.at), ne(signInFailures.id, attemptId)));
  return later?.n ?? 0;
}

export async function deleteSignInAttempt(db: Executor, attemptId: string): Promise<void> {
  await db.delete(signInFailures).where(eq(signInFailures.id, attemptId));
}
