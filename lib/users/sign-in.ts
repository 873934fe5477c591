import { and, count, eq, gt, gte, lte, ne, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { signInFailures, users } from "@/db/schema";
import { getUserByEmail } from "@/db/users";
import { verifyPassword } from "../auth/password";
import { newId } from "../ids";
import type { Role } from "../auth/permissions";

export type SignInLimits = { perAccount: number; perIp: number; windowMinutes: number };

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string; role: Role; sessionVersion: number; mustChangePassword: boolean } }
  | { ok: false; reason: "invalid_credentials" }
  | { ok: false; reason: "rate_limited"; retryAfterMinutes: number };

/** Advisory-lock namespaces (first key of the two-key form): one lock per account, one per source address. */
const ACCOUNT_LOCK_NAMESPACE = 7_363_010;
const ADDRESS_LOCK_NAMESPACE = 7_363_011;

/**
 * Password sign-in with atomic limits. Each attempt is *counted before its password is checked*:
 * under a lock per account (and per source address) the attempts in the window are counted, and
 * past either limit the attempt is refused without checking; otherwise a row is written for it and
 * the lock released. So however many attempts arrive at once, at most `perAccount` passwords are
 * checked per account per window (and `perIp` per address).
 *
 * Every attempt, refused ones included, writes a row. A success removes its own row unless another
 * attempt for the account was recorded after it (a burst in progress): so a person who signs in
 * right is not counted, while a right guess inside a burst keeps its slot and the window stays shut
 * for the stragglers. A success never clears earlier failures — they age out with the window. This
 * is what keeps the bound exact however the attempts interleave.
 *
 * Unknown accounts, wrong passwords and deactivated accounts all give the same answer.
 */
export async function signInWithPassword(input: { email: string; password: string; ip: string | null; limits: SignInLimits }): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const db = await getDb();
  const since = new Date(Date.now() - input.limits.windowMinutes * 60_000);
  const attemptId = newId("sif");

  const admitted = await db.transaction(async (tx) => {
    // Lock order is always account, then address, so two attempts can never wait on each other in a cycle.
    await tx.execute(sql`select pg_advisory_xact_lock(${ACCOUNT_LOCK_NAMESPACE}, hashtext(${email}))`);
    if (input.ip) await tx.execute(sql`select pg_advisory_xact_lock(${ADDRESS_LOCK_NAMESPACE}, hashtext(${input.ip}))`);
    const checkedSince = and(eq(signInFailures.checked, true), gt(signInFailures.at, since));
    const [perAccount] = await tx.select({ n: count() }).from(signInFailures).where(and(eq(signInFailures.email, email), checkedSince));
    const [perIp] = input.ip ? await tx.select({ n: count() }).from(signInFailures).where(and(eq(signInFailures.ip, input.ip), checkedSince)) : [{ n: 0 }];
    const allowed = (perAccount?.n ?? 0) < input.limits.perAccount && (perIp?.n ?? 0) < input.limits.perIp;
    // Refused attempts are recorded too (unchecked, counting toward no limit): they mark a burst in progress, see below.
    // clock_timestamp(), not now(): the time the lock was held, so rows order as the attempts were admitted.
    await tx.insert(signInFailures).values({ id: attemptId, email, ip: input.ip, at: sql`clock_timestamp()`, checked: allowed });
    await tx.delete(signInFailures).where(and(eq(signInFailures.email, email), lte(signInFailures.at, since)));
    return allowed;
  });
  if (!admitted) return { ok: false, reason: "rate_limited", retryAfterMinutes: input.limits.windowMinutes };

  const user = await getUserByEmail(db, email);
  const passwordMatches = await verifyPassword(input.password, user?.passwordHash ?? null);
  if (!user || !user.active || !passwordMatches) return { ok: false, reason: "invalid_credentials" };

  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ACCOUNT_LOCK_NAMESPACE}, hashtext(${email}))`);
    const [own] = await tx.select({ at: signInFailures.at }).from(signInFailures).where(eq(signInFailures.id, attemptId));
    const [later] = own
      ? await tx
          .select({ n: count() })
          .from(signInFailures)
          .where(and(eq(signInFailures.email, email), gte(signInFailures.at, own.at), ne(signInFailures.id, attemptId)))
      : [{ n: 0 }];
    if ((later?.n ?? 0) === 0) await tx.delete(signInFailures).where(eq(signInFailures.id, attemptId));
    await tx.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
  });
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion, mustChangePassword: user.mustChangePassword },
  };
}

/**
 * Checks a signed-in person's current password (before a password change) under the same
 * per-account limits as sign-in, so the change form cannot be used to guess.
 */
export async function checkCurrentPassword(input: { email: string; password: string; ip: string | null; limits: SignInLimits }): Promise<"ok" | "invalid" | "rate_limited"> {
  const result = await signInWithPassword(input);
  return result.ok ? "ok" : result.reason === "rate_limited" ? "rate_limited" : "invalid";
}
