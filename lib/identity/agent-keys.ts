import { calculateJwkThumbprint, importJWK } from "jose";
import { z } from "zod";
import { getDb } from "@/db/client";
import { findAgentKeyId, insertAgentKeyRow, listAgentKeyRows, revokeAgentKeyRow, type AgentKeyRow } from "@/db/identity/agent-keys";
import { agentStatusById } from "@/db/identity/credentials";
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

const keyView = (row: AgentKeyRow) => ({ id: row.id, agentId: row.agentId, kid: row.kid, alg: row.alg, createdAt: row.createdAt, revokedAt: row.revokedAt });

export async function registerAgentKey({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "agents.write");
  const data = AgentKeyInput.parse(input);
  await importJWK({ ...data.jwk, ext: true } as never, data.alg).catch(() => {
    throw new StewardError("invalid_input", `The key cannot be used with ${data.alg}`, { path: "jwk" });
  });
  const kid = data.jwk.kid ?? (await calculateJwkThumbprint(data.jwk as never));
  return withTransaction(ctx, async (tx) => {
    if (!(await agentStatusById(tx, data.agentId))) throw notFound("Agent", data.agentId);
    if (await findAgentKeyId(tx, data.agentId, kid)) throw new StewardError("conflict", `The agent already has a key ${kid}`, { path: "jwk.kid" });
    const row = await insertAgentKeyRow(tx, { id: newId("akey"), agentId: data.agentId, kid, alg: data.alg, publicJwk: { ...data.jwk, kid } });
    await recordAudit(tx, ctx, { action: "agent_key.register", entityType: "agent", entityId: data.agentId, after: keyView(row) });
    return keyView(row);
  });
}

export async function revokeAgentKey({ ctx, input }: { ctx: Ctx; input: { agentId: string; keyId: string } }) {
  requirePermission(ctx.actor, "agents.write");
  return withTransaction(ctx, async (tx) => {
    const row = await revokeAgentKeyRow(tx, input.agentId, input.keyId, new Date());
    if (!row) throw notFound("Agent key", input.keyId);
    await recordAudit(tx, ctx, { action: "agent_key.revoke", entityType: "agent", entityId: input.agentId, after: keyView(row) });
    return keyView(row);
  });
}

export async function listAgentKeys({ ctx, agentId }: { ctx: Ctx; agentId: string }) {
  requirePermission(ctx.actor, "agents.read");
  const rows = await listAgentKeyRows(ctx.tx ?? (await getDb()), agentId);
  return rows.map(keyView);
}
