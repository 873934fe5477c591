import { and, eq, isNull } from "drizzle-orm";
import { calculateJwkThumbprint, importJWK } from "jose";
import { z } from "zod";
import { getDb } from "@/db/client";
import { agentKeys, agents } from "@/db/schema";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { notFound, StewardError } from "../errors";
import { newId } from "../ids";
import { ASYMMETRIC_ALGS } from "./constants";
import { Jwks } from "./trust-domains";

/**
 * Public keys registered on an agent for private_key_jwt (RFC 7523) where no SPIFFE is deployed.
 * The algorithm is fixed per key at registration; the kid defaults to the RFC 7638 thumbprint.
 */
export const AgentKeyInput = z.object({
  agentId: z.string().min(1),
  alg: z.enum(ASYMMETRIC_ALGS),
  jwk: Jwks.shape.keys.element,
});

const keyView = (row: typeof agentKeys.$inferSelect) => ({ id: row.id, agentId: row.agentId, kid: row.kid, alg: row.alg, createdAt: row.createdAt, revokedAt: row.revokedAt });

export async function registerAgentKey({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "agents.write");
  const data = AgentKeyInput.parse(input);
  await importJWK({ ...data.jwk, ext: true } as never, data.alg).catch(() => {
    throw new StewardError("invalid_input", `The key cannot be used with ${data.alg}`, { path: "jwk" });
  });
  const kid = data.jwk.kid ?? (await calculateJwkThumbprint(data.jwk as never));
  return withTransaction(ctx, async (tx) => {
    const [agent] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, data.agentId));
    if (!agent) throw notFound("Agent", data.agentId);
    const [existing] = await tx.select({ id: agentKeys.id }).from(agentKeys).where(and(eq(agentKeys.agentId, data.agentId), eq(agentKeys.kid, kid)));
    if (existing) throw new StewardError("conflict", `The agent already has a key ${kid}`, { path: "jwk.kid" });
    const [row] = await tx.insert(agentKeys).values({ id: newId("akey"), agentId: data.agentId, kid, alg: data.alg, publicJwk: { ...data.jwk, kid } }).returning();
    await recordAudit(tx, ctx, { action: "agent_key.register", entityType: "agent", entityId: data.agentId, after: keyView(row!) });
    return keyView(row!);
  });
}

export async function revokeAgentKey({ ctx, input }: { ctx: Ctx; input: { agentId: string; keyId: string } }) {
  requirePermission(ctx.actor, "agents.write");
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx
      .update(agentKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(agentKeys.id, input.keyId), eq(agentKeys.agentId, input.agentId), isNull(agentKeys.revokedAt)))
      .returning();
    if (!row) throw notFound("Agent key", input.keyId);
    await recordAudit(tx, ctx, { action: "agent_key.revoke", entityType: "agent", entityId: input.agentId, after: keyView(row) });
    return keyView(row);
  });
}

export async function listAgentKeys({ ctx, agentId }: { ctx: Ctx; agentId: string }) {
  requirePermission(ctx.actor, "agents.read");
  const rows = await (ctx.tx ?? (await getDb())).select().from(agentKeys).where(eq(agentKeys.agentId, agentId)).orderBy(agentKeys.createdAt);
  return rows.map(keyView);
}
