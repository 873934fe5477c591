import { getDb } from "@/db/client";
import { getUserByEmail, updateUserRow } from "@/db/users";
import { recordAudit } from "../audit/record-audit";
import { systemContext } from "../auth/actor";
import { isRole, type Role } from "../auth/permissions";
import { insertUser } from "./create-user";
import { bumpSessionVersion } from "./session-version";
import { toUserView } from "./user-view";

/** The first valid Steward role named by the identity provider's claim (a string or a list), if any. */
export function roleFromClaim(claim: unknown): Role | undefined {
  const values = Array.isArray(claim) ? claim : typeof claim === "string" ? claim.split(/[\s,]+/) : [];
  return values.find(isRole);
}

/**
 * Single sign-on: the identity provider is the source of truth for the role when it sends the
 * claim; new people get the configured default. Deactivated people stay out.
 */
export async function upsertSsoUser(input: { email: string; name: string; roleClaim: unknown; defaultRole: Role; ip: string | null }) {
  const db = await getDb();
  const claimedRole = roleFromClaim(input.roleClaim);
  return db.transaction(async (tx) => {
    const ctx = { ...systemContext("single sign-on"), ip: input.ip };
    const existing = await getUserByEmail(tx, input.email);
    if (!existing) {
      return insertUser(tx, ctx, { email: input.email, name: input.name || input.email, role: claimedRole ?? input.defaultRole, passwordHash: null, authProvider: "oidc" }, "user.sign_in_sso");
    }
    if (!existing.active) return null;
    if (claimedRole && claimedRole !== existing.role) {
      const after = await updateUserRow(tx, existing.id, { role: claimedRole, updatedAt: new Date() });
      await bumpSessionVersion(tx, existing.id); // sessions under the old role end
      await recordAudit(tx, ctx, { action: "user.update_role", entityType: "user", entityId: existing.id, before: toUserView(existing), after: toUserView(after!) });
      return toUserView(after!);
    }
    return toUserView(existing);
  });
}
