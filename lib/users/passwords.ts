import { randomBytes } from "node:crypto";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getUserOrThrow, resetUserPasswordRow, updateUserRow } from "@/db/users";
import { recordAudit } from "../audit/record-audit";
import { hashPassword } from "../auth/password";
import { requirePermission } from "../auth/require-permission";
import { requireBrowserSession } from "../auth/require-session";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { Password, UserIdInput } from "./schemas";
import { bumpSessionVersion } from "./session-version";
import { checkCurrentPassword, type SignInLimits } from "./sign-in";
import { toUserView } from "./user-view";

export const ChangeOwnPasswordInput = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(1024),
    newPassword: Password,
    confirmPassword: z.string(),
  })
  .refine((value) => value.newPassword === value.confirmPassword, { path: ["confirmPassword"], message: "The two new passwords differ" })
  .refine((value) => value.newPassword !== value.currentPassword, { path: ["newPassword"], message: "Choose a password different from the current one" });

export const ResetPasswordInput = UserIdInput;

/**
 * A person changes their own password. Needs a signed-in browser session (not a token) and the
 * current password, checked under the sign-in limits. Clears a pending forced change and bumps the
 * session version, which ends every other session; the caller re-issues the current session with
 * the returned version.
 *
 * @returns `{ sessionVersion }` — the version the caller's own session must now carry.
 * @throws StewardError invalid_input (path currentPassword) for a wrong current password,
 *   rate_limited past the limits, precondition_failed for a single-sign-on account, forbidden for tokens.
 */
export async function changeOwnPassword({ ctx, input, limits }: { ctx: Ctx; input: unknown; limits: SignInLimits }): Promise<{ sessionVersion: number }> {
  requireBrowserSession(ctx.actor, "Changing a password");
  const actor = ctx.actor;
  const data = ChangeOwnPasswordInput.parse(input);
  const current = await getUserOrThrow(ctx.tx ?? (await getDb()), actor.userId);
  if (current.authProvider !== "local" || !current.passwordHash) {
    throw new StewardError("precondition_failed", "This account signs in with single sign-on; change the password at your identity provider");
  }
  const check = await checkCurrentPassword({ email: current.email, password: data.currentPassword, ip: ctx.ip, limits });
  if (check === "rate_limited") throw new StewardError("rate_limited", `Too many wrong passwords. Wait ${limits.windowMinutes} minutes and try again.`);
  if (check === "invalid") throw new StewardError("invalid_input", "The current password is incorrect", { path: "currentPassword" });
  const passwordHash = await hashPassword(data.newPassword);
  return withTransaction(ctx, async (tx) => {
    await updateUserRow(tx, actor.userId, { passwordHash, mustChangePassword: false, updatedAt: new Date() });
    const sessionVersion = await bumpSessionVersion(tx, actor.userId);
    await recordAudit(tx, ctx, { action: "user.change_password", entityType: "user", entityId: actor.userId, after: { ...toUserView(current), sessionsEnded: true } });
    return { sessionVersion };
  });
}

/**
 * An administrator resets another person's password: a random temporary password (shown once,
 * stored only as its scrypt hash) replaces it, every session of that person ends, and they must
 * choose a new password at their next sign-in before anything else works. Their API tokens are
 * left alone (tokens are separate credentials; revoke them on the person's page if needed).
 *
 * @returns `{ user, temporaryPassword }` — the plaintext exists only in this return value.
 */
export async function resetUserPassword({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "users.manage");
  requireBrowserSession(ctx.actor, "Resetting a password");
  const actor = ctx.actor;
  const { userId } = ResetPasswordInput.parse(input);
  if (actor.userId === userId) throw new StewardError("precondition_failed", "Change your own password on your account page instead");
  const temporaryPassword = randomBytes(15).toString("base64url"); // 20 characters, 120 bits
  const passwordHash = await hashPassword(temporaryPassword);
  return withTransaction(ctx, async (tx) => {
    const before = await getUserOrThrow(tx, userId);
    if (before.authProvider !== "local") throw new StewardError("precondition_failed", "This person signs in with single sign-on; reset their password at the identity provider");
    if (!before.active) throw new StewardError("precondition_failed", "Reactivate this person before resetting their password");
    const after = await resetUserPasswordRow(tx, userId, passwordHash);
    await recordAudit(tx, ctx, { action: "user.reset_password", entityType: "user", entityId: userId, before: toUserView(before), after: { ...toUserView(after!), mustChangePassword: true } });
    return { user: toUserView(after!), temporaryPassword };
  });
}
