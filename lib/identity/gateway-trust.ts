import { createHash } from "node:crypto";
import { getDb } from "@/db/client";
import { listTrustDomainRows, spiffeIdentityRows } from "@/db/identity/trust-domains";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { MAX_CREDENTIAL_SECONDS } from "./constants";
import { trustDomainForVerification } from "./trust-domains";

/**
 * What an MCP gateway needs to accept SPIFFE JWT-SVIDs on its own (it never reaches the database):
 * the enabled trust domains with their JWT bundles (public keys, fetched bundles refreshed when
 * due, last good kept) and the algorithms each allows, and every SPIFFE ID registered on an agent
 * with the agent's id and status — a SPIFFE ID not listed belongs to no agent and gets nothing.
 * `GET /api/v1/gateway/trust-bundles` (EP token, permission gateway.sync), with an ETag.
 */
export type GatewayTrust = {
  trustDomains: { name: string; allowedAlgs: string[]; keys: Record<string, unknown>[] }[];
  spiffeIds: { spiffeId: string; agentId: string; status: string }[];
  /** An SVID living longer than this (exp − iat, seconds) is refused, as at the token endpoint. */
  maxSvidSeconds: number;
};

export async function trustForGateway({ ctx }: { ctx: Ctx }): Promise<GatewayTrust> {
  requirePermission(ctx.actor, "gateway.sync");
  const db = ctx.tx ?? (await getDb());
  const rows = (await listTrustDomainRows(db)).filter((row) => row.enabled);
  const domains = await Promise.all(rows.map(async (row) => (row.source === "jwks" ? row : await trustDomainForVerification(db, row.name, undefined))));
  return {
    trustDomains: domains.filter((row) => row !== null && row.enabled).map((row) => ({ name: row!.name, allowedAlgs: row!.allowedAlgs, keys: row!.jwks.keys as Record<string, unknown>[] })),
    spiffeIds: await spiffeIdentityRows(db),
    maxSvidSeconds: MAX_CREDENTIAL_SECONDS,
  };
}

/** The route's answer: the JSON body and its ETag, or 304 (no body) when `ifNoneMatch` names the current ETag. */
export async function trustBundlesAnswer({ ctx, ifNoneMatch }: { ctx: Ctx; ifNoneMatch: string | null }): Promise<{ status: 200 | 304; etag: string; body: string | null }> {
  const body = JSON.stringify(await trustForGateway({ ctx }));
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  return ifNoneMatch === etag ? { status: 304, etag, body: null } : { status: 200, etag, body };
}
