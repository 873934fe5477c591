import { getDb } from "@/db/client";
import { getOwnApiToken, insertApiToken, listApiTokensOf, markApiTokenRevoked, touchApiTokenLastUsed, type ApiTokenRow } from "@/db/api-tokens";
import { findLiveTokenByHash } from "@/db/users";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { Actor } from "../auth/actor";
import { requirePermission } from "../auth/require-permission";
import { requireBrowserSession } from "../auth/require-session";
import { hashSecretToken, issueSecretToken, secretTokenKind } from "../auth/secret-token";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { newId } from "../ids";

export const CreateApiTokenInput = z.object({
  name: z.string().trim().min(1, "Name the token after what will use it").max(100),
  expiresInDays: z.coerce.number().int().min(1, "At least 1 day").max(365, "At most 365 days"),
});
export const RevokeApiTokenInput = z.object({ tokenId: z.string().min(1) });

export type ApiTokenView = {
  id: string;
  name: string;
  prefix: string;
  status: "active" | "expired" | "revoked";
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const tokenView = (row: ApiTokenRow): ApiTokenView => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  status: row.revokedAt ? "revoked" : row.expiresAt.getTime() <= Date.now() ? "expired" : "active",
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  lastUsedAt: row.lastUsedAt,
  revokedAt: row.revokedAt,
});

function requireUser(ctx: Ctx) {
  requirePermission(ctx.actor, "tokens.manage_own");
  if (ctx.actor.type !== "user") throw new StewardError("forbidden", "Only people own personal API tokens");
  return ctx.actor;
}

/**
 * The plaintext is returned once, here; only its hash is stored. Needs a signed-in browser session:
 * a token never mints a token, whichever route or action carries it.
 */
export async function createApiToken({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ token: ApiTokenView; plaintext: string }> {
  const user = requireUser(ctx);
  requireBrowserSession(ctx.actor, "Creating a personal API token");
  const data = CreateApiTokenInput.parse(input);
  const secret = issueSecretToken("pat");
  return withTransaction(ctx, async (tx) => {
    const row = await insertApiToken(tx, { id: newId("tok"), userId: user.userId, name: data.name, prefix: secret.prefix, tokenHash: secret.hash, expiresAt: new Date(Date.now() + data.expiresInDays * 86_400_000) });
    const view = tokenView(row);
    await recordAudit(tx, ctx, { action: "api_token.create", entityType: "api_token", entityId: view.id, after: view });
    return { token: view, plaintext: secret.plaintext };
  });
}

export async function revokeApiToken({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ApiTokenView> {
  const user = requireUser(ctx);
  const { tokenId } = RevokeApiTokenInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    // Scoped to the owner in the query itself: another person's token simply does not exist here.
    const before = await getOwnApiToken(tx, user.userId, tokenId);
    if (!before) throw new StewardError("not_found", `API token ${tokenId} does not exist`);
    if (before.revokedAt) return tokenView(before);
    const after = await markApiTokenRevoked(tx, tokenId);
    await recordAudit(tx, ctx, { action: "api_token.revoke", entityType: "api_token", entityId: tokenId, before: tokenView(before), after: tokenView(after) });
    return tokenView(after);
  });
}

export async function listOwnApiTokens({ ctx }: { ctx: Ctx }): Promise<ApiTokenView[]> {
  const user = requireUser(ctx);
  const db = await getDb();
  return (await listApiTokensOf(db, user.userId)).map(tokenView);
}

/** Resolves `Authorization: Bearer stw_pat_…` to its live owner, or null (revoked, expired, owner deactivated, unknown). */
export async function authenticatePersonalToken(plaintext: string): Promise<Actor | null> {
  if (secretTokenKind(plaintext) !== "pat") return null;
  const db = await getDb();
  const row = await findLiveTokenByHash(db, hashSecretToken(plaintext));
  if (!row) return null;
  // Refresh last-used at most once a minute, so reads do not each cost a write.
  await touchApiTokenLastUsed(db, row.token.id);
  return { type: "user", userId: row.user.id, email: row.user.email, role: row.user.role, via: "token", tokenId: row.token.id };
}
