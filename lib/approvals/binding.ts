import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
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
 * The HMAC key, derived once per secret (HKDF costs more than the HMAC itself).
 *
 * The token is a compact JWS (RFC 7515) with HS256 (RFC 7518 §3.2): the same bytes jose's SignJWT
 * makes and jwtVerify accepts (binding.test.ts checks both ways). It is signed and verified with
 * node:crypto's HMAC rather than jose, because jose goes through WebCrypto, whose every sign or
 * verify is a job on libuv's thread pool: ≈ 5× the CPU of a synchronous HMAC of these few hundred
 * bytes, on the access-request create path (bench:approvals) and every requestable denial.
 */
let cachedKey: { secret: string; key: Buffer } | null = null;
function signingKey(secret: string): Buffer {
  if (cachedKey?.secret !== secret) cachedKey = { secret, key: Buffer.from(hkdfSync("sha256", secret, "steward", "steward approval binding token v1", 32)) };
  return cachedKey.key;
}

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
const mac = (secret: string, signingInput: string) => createHmac("sha256", signingKey(secret)).update(signingInput).digest();

export async function signBindingToken(secret: string, claims: Omit<BindingClaims, "jti" | "iat" | "exp">, expiresAt: Date): Promise<string> {
  const payload = { ...claims, iss: BINDING_ISSUER, aud: BINDING_AUDIENCE, iat: Math.floor(Date.now() / 1000), jti: randomBytes(16).toString("base64url"), exp: Math.floor(expiresAt.getTime() / 1000) };
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  return `${signingInput}.${mac(secret, signingInput).toString("base64url")}`;
}

export type BindingVerification = { ok: true; claims: BindingClaims } | { ok: false; reason: "expired" | "invalid" };

const BASE64URL = /^[A-Za-z0-9_-]+$/;
function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Verifies as jose's jwtVerify with { issuer, audience, algorithms: ["HS256"], currentDate } does:
 * a compact JWS whose header names alg HS256 and no `crit`, a constant-time HMAC comparison, then
 * iss, aud (a string or an array holding it), exp (expired at or after it), nbf and iat (numbers
 * when present). Never throws on a bad token.
 */
export async function verifyBindingToken(secret: string, token: string, now = new Date()): Promise<BindingVerification> {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return { ok: false, reason: "invalid" };
  const [header, payload, signature] = parts as [string, string, string];
  const protectedHeader = decodeJson(header);
  if (!protectedHeader || protectedHeader.alg !== "HS256" || "crit" in protectedHeader || protectedHeader.b64 !== undefined) return { ok: false, reason: "invalid" };
  const expected = mac(secret, `${header}.${payload}`);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
  const claims = decodeJson(payload);
  if (!claims || claims.iss !== BINDING_ISSUER) return { ok: false, reason: "invalid" };
  if (!(claims.aud === BINDING_AUDIENCE || (Array.isArray(claims.aud) && claims.aud.includes(BINDING_AUDIENCE)))) return { ok: false, reason: "invalid" };
  const seconds = Math.floor(now.getTime() / 1000);
  if (typeof claims.exp !== "number" || (claims.iat !== undefined && typeof claims.iat !== "number")) return { ok: false, reason: "invalid" };
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf > seconds)) return { ok: false, reason: "invalid" };
  if (claims.exp <= seconds) return { ok: false, reason: "expired" };
  const bound = claims as unknown as BindingClaims;
  if (typeof bound.binding_hash !== "string" || !Array.isArray(bound.binding_context_members) || !Array.isArray(bound.policies) || !bound.approval) return { ok: false, reason: "invalid" };
  return { ok: true, claims: bound };
}
