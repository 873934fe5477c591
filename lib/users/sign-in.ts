import { and, count, eq, gt } from "drizzle-orm";
import { getDb } from "@/db/client";
import { signInFailures, users } from "@/db/schema";
import { getUserByEmail } from "@/db/users";
import { verifyPassword } from "../auth/password";
import { newId } from "../ids";
import type { Role } from "../auth/permissions";

export type SignInLimits = { perAccount: number; perIp: number; windowMinutes: number };

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string; role: Role } }
  | { ok: false; reason: "invalid_credentials" }
  | { ok: false; reason: "rate_limited"; retryAfterMinutes: number };

/**
 * Password sign-in. Failures are counted per account and per source address within a window; past
 * either limit the attempt is refused before the password is even checked. Unknown accounts,
 * wrong passwords and deactivated accounts all give the same answer.
 */
export async function signInWithPassword(input: { email: string; password: string; ip: string | null; limits: SignInLimits }): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const db = await getDb();
  const since = new Date(Date.now() - input.limits.windowMinutes * 60_000);
  const [perAccount] = await db.select({ n: count() }).from(signInFailures).where(and(eq(signInFailures.email, email), gt(signInFailures.at, since)));
  const [perIp] = input.ip
    ? await db.select({ n: count() }).from(signInFailures).where(and(eq(signInFailures.ip, input.ip), gt(signInFailures.at, since)))
    : [{ n: 0 }];
  if ((perAccount?.n ?? 0) >= input.limits.perAccount || (perIp?.n ?? 0) >= input.limits.perIp) {
    return { ok: false, reason: "rate_limited", retryAfterMinutes: input.limits.windowMinutes };
  }
  const user = await getUserByEmail(db, email);
  const passwordMatches = await verifyPassword(input.password, user?.passwordHash ?? null);
  if (!user || !user.active || !passwordMatches) {
    await db.insert(signInFailures).values({ id: newId("sif"), email, ip: input.ip });
    return { ok: false, reason: "invalid_credentials" };
  }
  await db.delete(signInFailures).where(eq(signInFailures.email, email));
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
