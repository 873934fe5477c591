import type { Executor } from "@/db/client";
import { revokeApiTokensOf } from "@/db/api-tokens";
import { advisoryXactLock } from "@/db/locks";
import { countActiveAdmins, getUserOrThrow, updateUserRow } from "@/db/users";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { requireBrowserSession } from "../auth/require-session";
import { withTransaction, type Ctx } from "../context";
import { offboardPeopleOfUser } from "../people/offboard-person";
import { StewardError } from "../errors";
import { UpdateUserRoleInput, UserIdInput } from "./schemas";
import { bumpSessionVersion } from "./session-version";
import { toUserView } from "./user-view";

/** Serialises every change that can reduce the number of active administrators. */
const ADMIN_COUNT_LOCK_KEY = 7_363_012;

/**
 * Taken first in any transaction that may demote or deactivate an administrator, before the target
 * row is read: two admins demoting each other at once then run one after the other, and the
 * second sees the first's change when it counts (otherwise both count two and both succeed).
 */
async function lockAdminCount(tx: Executor) {
  await advisoryXactLock(tx, ADMIN_COUNT_LOCK_KEY);
}

async function assertNotLastAdmin(tx: Executor, userRole: string, userActive: boolean) {
  if (userRole === "admin" && userActive && (await countActiveAdmins(tx)) <= 1) {
    throw new StewardError("precondition_failed", "This is the last active administrator; make someone else an administrator first");
  }
}

export async function updateUserRole({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "users.manage");
  requireBrowserSession(ctx.actor, "Changing a role");
  const { userId, role } = UpdateUserRoleInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    await lockAdminCount(tx);
    const before = await getUserOrThrow(tx, userId);
    if (before.role === role) return toUserView(before);
    if (role !== "admin") await assertNotLastAdmin(tx, before.role, before.active);
    const after = await updateUserRow(tx, userId, { role, updatedAt: new Date() });
    // Sessions opened under the old role end; the person signs in again under the new one.
    await bumpSessionVersion(tx, userId);
    await recordAudit(tx, ctx, { action: "user.update_role", entityType: "user", entityId: userId, before: toUserView(before), after: toUserView(after!) });
    return toUserView(after!);
  });
}

/**
 * Deactivation takes effect at once: every request re-reads the user, so open sessions stop
 * working (and the session version is bumped, so reactivating does not revive them), and their
 * API tokens are revoked in the same transaction.
 */
export async function deactivateUser({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "users.manage");
  const { userId } = UserIdInput.parse(input);
  if (ctx.actor.type === "user" && ctx.actor.userId === userId) {
    throw new StewardError("precondition_failed", "You cannot deactivate yourself");
  }
  return withTransaction(ctx, async (tx) => {
    await lockAdminCount(tx);
    const before = await getUserOrThrow(tx, userId);
    if (!before.active) return toUserView(before);
    await assertNotLastAdmin(tx, before.role, before.active);
    const now = new Date();
    const after = await updateUserRow(tx, userId, { active: false, deactivatedAt: now, updatedAt: now });
    await bumpSessionVersion(tx, userId);
    await revokeApiTokensOf(tx, userId);
    await offboardPeopleOfUser(tx, ctx, userId);
    await recordAudit(tx, ctx, { action: "user.deactivate", entityType: "user", entityId: userId, before: toUserView(before), after: toUserView(after!) });
    return toUserView(after!);
  });
}

export async function reactivateUser({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "users.manage");
  const { userId } = UserIdInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getUserOrThrow(tx, userId);
    if (before.active) return toUserView(before);
    const after = await updateUserRow(tx, userId, { active: true, deactivatedAt: null, updatedAt: new Date() });
    await recordAudit(tx, ctx, { action: "user.reactivate", entityType: "user", entityId: userId, before: toUserView(before), after: toUserView(after!) });
    return toUserView(after!);
  });
}
