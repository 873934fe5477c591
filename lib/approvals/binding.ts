import { createHash, hkdfSync, randomBytes } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { canonicalJson } from "../audit/canonical-json";
import type { AuthzenRequest } from "../policies/request-mapping";
import type { ApprovalRequirement } from "./annotations";

/**
 * Denial binding (AuthZEN Access Request and Approval Profile, "Binding Token Integrity"): the PDP
 * signs a short-lived JWT tying a requestable denial to the exact subject, action, resource and
 * authorization-relevant context (tool arguments included), so a PEP can neither widen nor swap
 * what it asks approval for. Signed HS256 with a key derived (HKDF-SHA256) from AUTH_SECRET: the
 * Access Request Service that verifies it is Steward itself, every process of a deployment shares
 * AUTH_SECRET, and no key is stored anywhere.
 */

/** Context members that are profile machinery or volatile, never part of what is approved. */
export const NON_BINDING_CONTEXT = new Set(["approval", "approval_id", "approved", "access_request", "evaluation_id", "evaluated_at", "reason", "time", "request_id", "nonce", "trace_id", "business_justification", "justification"]);

/** The authorization-relevant context: every member but the machinery and volatile ones. */
export function relevantContext(context: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(context ?? {}).filter(([key, value]) => !NON_BINDING_CONTEXT.has(key) && value !== undefined));
}

function withoutActor(subject: AuthzenRequest["subject"]): AuthzenRequest["subject"] {
  if (!subject.properties || !("act" in subject.properties)) return subject;
  const { act: _act, ...properties } = subject.properties;
  return { ...subject, properties };
}

/**
 * The profile's hashed binding form: base64url(SHA-256(canonical JSON of {subject, resource, action,
 * context})) with subject.properties.act removed and only the authorization-relevant context.
 * Canonical JSON sorts object members at every depth (RFC 8785 ordering for the JSON we handle).
 */
export function bindingHash(request: Pick<AuthzenRequest, "subject" | "action" | "resource">, context: Record<string, unknown>): string {
  const digest = createHash("sha256")
    .update(canonicalJson({ subject: withoutActor(request.subject), resource: request.resource, action: request.action, context }))
    .digest();
  return digest.toString("base64url");
}

export const BINDING_AUDIENCE = "urn:steward:access-request-service";
export const BINDING_ISSUER = "urn:steward:pdp";

export type BindingClaims = {
  jti: string;
  exp: number;
  iat: number;
  binding_hash: string;
  binding_context_members: string[];
  denial_expires_at: string;
  evaluation_id: string;
  policies: string[];
  approval: ApprovalRequirement;
  policy_revision: number | null;
  /** The inventory agent the subject resolved to, when it is one. */
  agent_id: string | null;
};

/**
 * The HMAC key, derived and imported once per secret: jose imports a raw key into WebCrypto on
 * every call otherwise, and HKDF plus importKey cost more than the HMAC itself (CPU profile of the
 * create path, bench:approvals).
 */
let cachedKey: { secret: string; key: Promise<CryptoKey> } | null = null;
function signingKey(secret: string): Promise<CryptoKey> {
  if (cachedKey?.secret !== secret) {
    const raw = new Uint8Array(hkdfSync("sha256", secret, "steward", "steward approval binding token v1", 32));
    cachedKey = { secret, key: crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]) };
  }
  return cachedKey.key;
}

export async function signBindingToken(secret: string, claims: Omit<BindingClaims, "jti" | "iat" | "exp">, expiresAt: Date): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(BINDING_ISSUER)
    .setAudience(BINDING_AUDIENCE)
    .setIssuedAt()
    .setJti(randomBytes(16).toString("base64url"))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await signingKey(secret));
}

export type BindingVerification = { ok: true; claims: BindingClaims } | { ok: false; reason: "expired" | "invalid" };

/** Verifies signature, issuer, audience and expiry; never throws on a bad token. */
export async function verifyBindingToken(secret: string, token: string, now = new Date()): Promise<BindingVerification> {
  try {
    const { payload } = await jwtVerify(token, await signingKey(secret), { issuer: BINDING_ISSUER, audience: BINDING_AUDIENCE, algorithms: ["HS256"], currentDate: now });
    const claims = payload as unknown as BindingClaims;
    if (typeof claims.binding_hash !== "string" || !Array.isArray(claims.binding_context_members) || !Array.isArray(claims.policies) || !claims.approval) return { ok: false, reason: "invalid" };
    return { ok: true, claims };
  } catch (error) {
    return { ok: false, reason: error instanceof joseErrors.JWTExpired ? "expired" : "invalid" };
  }
}
