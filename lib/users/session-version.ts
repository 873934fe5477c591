import { getDb, type Executor } from "@/db/client";
import { getSessionVersion, incrementSessionVersion } from "@/db/users";
import { recordAudit } from "../audit/record-audit";
import type { Ctx } from "../context";
import { withTransaction } from "../context";

/**
 * Per-user session version. A session cookie (an Auth.js JWT) records the version current when it
 * was issued; app/_server/actor.ts compares it with the row on every request, so bumping the version
 * ends every session of that person at once — including cookies copied elsewhere — without a
 * session table. Bumped at sign-out, deactivation, role change and password change.
 *
 * @returns the new version (an integer ≥ 2).
 */
export async function bumpSessionVersion(tx: Executor, userId: string): Promise<number> {
  return (await incrementSessionVersion(tx, userId)) ?? 0;
}

export async function currentSessionVersion(userId: string, db?: Executor): Promise<number | undefined> {
  return getSessionVersion(db ?? (await getDb()), userId);
}

/**
 * Sign-out: every session of the person ends, not only the cookie in this browser (a copied
 * cookie must not outlive the sign-out). Audited as `user.sign_out`.
 */
export async function endSessionsAtSignOut(ctx: Ctx, userId: string): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const version = await bumpSessionVersion(tx, userId);
    if (version) await recordAudit(tx, ctx, { action: "user.sign_out", entityType: "user", entityId: userId, after: { sessionVersion: version } });
  });
}
