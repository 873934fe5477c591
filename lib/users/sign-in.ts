import { getDb } from "@/db/client";
import { advisoryXactLock } from "@/db/locks";
import { countAttemptsSince, countCheckedSignInAttempts, deleteSignInAttempt, deleteSignInAttemptsUpTo, getUserByEmail, insertSignInAttempt, updateUserRow } from "@/db/users";
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
    await advisoryXactLock(tx, ACCOUNT_LOCK_NAMESPACE, email);
    if (input.ip) await advisoryXactLock(tx, ADDRESS_LOCK_NAMESPACE, input.ip);
    const perAccount = await countCheckedSignInAttempts(tx, { email }, since);
    const perIp = input.ip ? await countCheckedSignInAttempts(tx, { ip: input.ip }, since) : 0;
    const allowed = perAccount < input.limits.perAccount && perIp < input.limits.perIp;
    // Refused attempts are recorded too (unchecked, counting toward no limit): they mark a burst in progress, see below.
    // clock_timestamp(), not now(): the time the lock was held, so rows order as the attempts were admitted.
    await insertSignInAttempt(tx, { id: attemptId, email, ip: input.ip, checked: allowed });
    await deleteSignInAttemptsUpTo(tx, email, since);
    return allowed;
  });
  if (!admitted) return { ok: false, reason: "rate_limited", retryAfterMinutes: input.limits.windowMinutes };

  const user = await getUserByEmail(db, email);
  const passwordMatches = await verifyPassword(input.password, user?.passwordHash ?? null);
  if (!user || !user.active || !passwordMatches) return { ok: false, reason: "invalid_credentials" };

  await db.transaction(async (tx) => {
    await advisoryXactLock(tx, ACCOUNT_LOCK_NAMESPACE, email);
    // An own row gone already (null) is treated as no later attempt, as before.
    if (((await countAttemptsSince(tx, email, attemptId)) ?? 0) === 0) await deleteSignInAttempt(tx, attemptId);
    await updateUserRow(tx, user.id, { lastSignInAt: new Date() });
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
