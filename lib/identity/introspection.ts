import { getDb } from "@/db/client";
import { getEnforcementPointById } from "@/db/enforcement-points";
import { taskTokenLiveness } from "@/db/identity/task-tokens";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { verifyTaskToken, type TaskTokenClaims } from "./task-token";

/**
 * Whether a task token is live now: genuine (signature, issuer, unexpired), known, not revoked,
 * its task not ended, its agent active. The one check behind RFC 7662 introspection and secret release.
 */
export async function activeTaskToken(token: string, issuer: string, now = new Date()): Promise<{ active: true; claims: TaskTokenClaims } | { active: false; reason: string }> {
  const check = await verifyTaskToken(token, issuer, { now });
  if (!check.ok) return { active: false, reason: check.reason };
  const row = await taskTokenLiveness(await getDb(), check.claims.jti);
  if (!row) return { active: false, reason: "unknown token" };
  if (row.revokedAt) return { active: false, reason: "revoked" };
  if (row.taskStatus !== "live") return { active: false, reason: "task ended" };
  if (row.agentStatus !== "active") return { active: false, reason: `agent ${row.agentStatus ?? "deleted"}` };
  return { active: true, claims: check.claims };
}

/**
 * Whether the calling enforcement point serves `audience` (one of the resource URIs an
 * administrator registered on it). A task token is for one audience: another EP neither learns
 * about it nor redeems it.
 */
export async function enforcementPointServes(ctx: Ctx, enforcementPointId: string, audience: string): Promise<{ serves: boolean; name: string | null; audiences: string[] }> {
  const enforcementPoint = await getEnforcementPointById(ctx.tx ?? (await getDb()), enforcementPointId);
  return { serves: enforcementPoint?.audiences.includes(audience) ?? false, name: enforcementPoint?.name ?? null, audiences: enforcementPoint?.audiences ?? [] };
}

/**
 * RFC 7662 token introspection for enforcement points (EP bearer token). An inactive token is
 * `{active: false}` and nothing else, as §2.2 asks. A live token issued for an audience the calling
 * EP does not serve is inactive to it too (§4: the server may limit what a protected resource learns;
 * a harvested token is not confirmed to whoever holds an EP token).
 */
export async function introspectToken({ ctx, token, issuer, now = new Date() }: { ctx: Ctx; token: string; issuer: string; now?: Date }): Promise<Record<string, unknown>> {
  requirePermission(ctx.actor, "identity.introspect");
  const result = await activeTaskToken(token, issuer, now);
  if (!result.active) return { active: false };
  const { claims } = result;
  if (ctx.actor.type === "enforcement_point" && !(await enforcementPointServes(ctx, ctx.actor.enforcementPointId, claims.aud)).serves) return { active: false };
  return {
    active: true,
    token_type: "Bearer",
    scope: claims.scope,
    client_id: claims.client_id,
    sub: claims.sub,
    aud: claims.aud,
    iss: claims.iss,
    exp: claims.exp,
    iat: claims.iat,
    jti: claims.jti,
    task_id: claims.task_id,
    purpose: claims.purpose,
    ...(claims.act ? { act: claims.act } : {}),
  };
}
