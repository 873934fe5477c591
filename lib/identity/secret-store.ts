import { z } from "zod";
import { getDb } from "@/db/client";
import type { Executor } from "@/db/client";
import { deleteSecretRow, getSecretRowByName, insertSecretRelease, insertSecretRow, listSecretReleaseRows, listSecretRows, updateSecretRow, type SecretRow } from "@/db/identity/secrets";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { notFound, StewardError } from "../errors";
import { newId } from "../ids";
import { downstreamGrantOf, DownstreamTokenError, exchangeDownstreamToken, fetchDownstreamToken } from "./downstream-token";
import { activeTaskToken, enforcementPointServes } from "./introspection";
import { scopeList } from "./task-token";
import { open, seal } from "./sealed-box";

/**
 * Just-in-time secrets: downstream credentials agents never hold. Values are sealed with
 * AES-256-GCM (sealed-box.ts), bound to the secret's id, and never returned by any read; only
 * `releaseSecret` opens one — to an enforcement point, for a live task token issued for an audience
 * that EP serves (registered by an administrator), whose scope carries the secret's `upstream` (and
 * whose audience matches, when the secret names one) — and every
 * release is recorded (secret_releases + audit) in the transaction that returns it.
 */
export const SecretInput = z.object({
  name: z.string().trim().regex(/^[A-Za-z0-9._-]{1,100}$/, "Use letters, digits, dot, dash and underscore (at most 100)"),
  description: z.string().trim().max(1000).default(""),
  upstream: z.string().trim().min(1, "Name the scope entry (tool or action) a task token must carry").max(500),
  audience: z.string().trim().min(1).max(2000).nullable().optional(),
  value: z.string().min(1, "Enter the secret value").max(16_384),
});
export const ReleaseInput = z.object({ token: z.string().min(1).max(16_384), secret: z.string().min(1).max(100) });

const sealContext = (id: string) => `secret:${id}`;

function secretView(row: SecretRow) {
  return { id: row.id, name: row.name, description: row.description, upstream: row.upstream, audience: row.audience, createdBy: row.createdBy, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

export async function listSecrets({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "identity.read");
  const rows = await listSecretRows(ctx.tx ?? (await getDb()));
  return rows.map(secretView);
}

/** Stores (or replaces the value of) a secret; the value is never shown again. */
export async function saveSecret({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "secrets.manage");
  const data = SecretInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const existing = await getSecretRowByName(tx, data.name);
    const id = existing?.id ?? newId("sec");
    const values = { name: data.name, description: data.description, upstream: data.upstream, audience: data.audience ?? null, valueSealed: seal(data.value, sealContext(id)), updatedAt: new Date() };
    const row = existing ? await updateSecretRow(tx, id, values) : await insertSecretRow(tx, { ...values, id, createdBy: ctx.actor.type === "user" ? ctx.actor.email : ctx.actor.type });
    const view = secretView(row);
    await recordAudit(tx, ctx, { action: existing ? "secret.update" : "secret.create", entityType: "secret", entityId: id, before: existing ? secretView(existing) : undefined, after: view });
    return view;
  });
}

export async function deleteSecret({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requirePermission(ctx.actor, "secrets.manage");
  return withTransaction(ctx, async (tx) => {
    const row = await deleteSecretRow(tx, input.id);
    if (!row) throw notFound("Secret", input.id);
    await recordAudit(tx, ctx, { action: "secret.delete", entityType: "secret", entityId: row.id, before: secretView(row) });
  });
}

/**
 * Releases a secret to the calling enforcement point for a live task token. A static secret is
 * released as stored (`kind: "secret"`). A secret holding a downstream's client credentials or
 * token-exchange configuration (downstream-token.ts) releases a short-lived access token got from
 * the downstream now (`kind: "downstream_token"`, `grant`: `client_credentials` or
 * `token_exchange`, `tokenType`), never the client secret; `expiresAt` is then the
 * earlier of the task token's and the downstream token's expiry. Either release is recorded
 * (secret_releases + audit, with the kind) before the value is returned; a downstream that refuses
 * or fails is `unavailable` (503) and nothing is released.
 */
export async function releaseSecret({ ctx, input, issuer, now = new Date() }: { ctx: Ctx; input: unknown; issuer: string; now?: Date }): Promise<{ name: string; value: string; kind: "secret" | "downstream_token"; grant?: "client_credentials" | "token_exchange"; tokenType?: string; releaseId: string; expiresAt: number }> {
  requirePermission(ctx.actor, "secrets.release");
  if (ctx.actor.type !== "enforcement_point") throw new StewardError("forbidden", "Only an enforcement point may receive secrets");
  const enforcementPointId = ctx.actor.enforcementPointId;
  const data = ReleaseInput.parse(input);
  const token = await activeTaskToken(data.token, issuer, now);
  if (!token.active) throw new StewardError("forbidden", `The task token is not live (${token.reason}); nothing is released`);
  const secret = await getSecretRowByName(ctx.tx ?? (await getDb()), data.secret);
  if (!secret) throw notFound("Secret", data.secret);
  if (!scopeList(token.claims.scope).includes(secret.upstream)) throw new StewardError("forbidden", `The task token's scope does not carry ${secret.upstream}, which the secret ${secret.name} is for`);
  if (secret.audience && secret.audience !== token.claims.aud) throw new StewardError("forbidden", `The secret ${secret.name} is only released for tokens for ${secret.audience}`);
  // The token must be one issued for this EP: a task token that reached another EP (sent there by
  // mistake, or harvested) cannot be redeemed for the secrets of the upstreams behind its own EP.
  const enforcementPoint = await enforcementPointServes(ctx, enforcementPointId, token.claims.aud);
  if (!enforcementPoint.serves) {
    throw new StewardError(
      "forbidden",
      enforcementPoint.audiences.length
        ? `The task token is for ${token.claims.aud}, which the enforcement point ${enforcementPoint.name} does not serve; nothing is released`
        : `The enforcement point ${enforcementPoint.name ?? enforcementPointId} has no registered audience; register the resource URI it serves (its MCP endpoint) on its page or with PUT /api/v1/enforcement-points/{id}/audiences before it can receive secrets`,
    );
  }
  const stored = open(secret.valueSealed, sealContext(secret.id)).toString("utf8");
  // The downstream is asked outside any transaction (it may take up to its 5 s timeout).
  let released: { value: string; kind: "secret" | "downstream_token"; grant?: "client_credentials" | "token_exchange"; tokenType?: string; expiresAt: number } = { value: stored, kind: "secret", expiresAt: token.claims.exp };
  try {
    const downstreamGrant = downstreamGrantOf(stored);
    if (downstreamGrant) {
      const downstream = downstreamGrant.grant === "client_credentials" ? await fetchDownstreamToken(downstreamGrant.config, now) : await exchangeDownstreamToken(downstreamGrant.config, { token: data.token, claims: token.claims }, now);
      const downstreamExp = downstream.expiresAt ? Math.floor(downstream.expiresAt.getTime() / 1000) : Infinity;
      released = { value: downstream.accessToken, kind: "downstream_token", grant: downstreamGrant.grant, tokenType: downstream.tokenType, expiresAt: Math.min(token.claims.exp, downstreamExp) };
    }
  } catch (error) {
    if (error instanceof DownstreamTokenError) throw new StewardError("unavailable", `${error.message}; nothing is released for ${secret.name}`);
    throw error;
  }
  return withTransaction(ctx, async (tx) => {
    const releaseId = newId("rel");
    await insertSecretRelease(tx, { id: releaseId, secretId: secret.id, secretName: secret.name, taskId: token.claims.task_id, jti: token.claims.jti, agentId: token.claims.sub, enforcementPointId, kind: released.kind, grant: released.grant ?? null, at: now });
    await recordAudit(tx, ctx, { action: "secret.release", entityType: "secret", entityId: secret.id, after: { releaseId, secretName: secret.name, kind: released.kind, ...(released.grant ? { grant: released.grant } : {}), taskId: token.claims.task_id, jti: token.claims.jti, agentId: token.claims.sub, ...(released.kind === "downstream_token" ? { downstreamTokenExpiresAt: released.expiresAt } : {}) } });
    return { name: secret.name, ...released, releaseId };
  });
}

export function listSecretReleases(db: Executor, where: { taskId?: string; agentId?: string }, limit = 100) {
  return listSecretReleaseRows(db, where, limit);
}
