import { createHash, timingSafeEqual } from "node:crypto";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { GatewayConfig } from "./config";
import type { RevocationList } from "./revocations";
import type { SpiffeTrust } from "./spiffe-trust";

/** Who is calling, as the gateway established it for this one request. */
export type CallerIdentity = {
  kind: "task_token" | "agent_key" | "jwt_svid";
  /** The agent's Steward id (`agt_…`): the token's `sub`, the agent a JWT-SVID's SPIFFE ID is registered on, or the id a gateway key is bound to. */
  agentId: string;
  /** The task token's client_id, or the SPIFFE ID of a JWT-SVID. */
  clientId: string | null;
  /** Tool names and/or Cedar action names the task token allows; null: not restricted by a token (gateway key, JWT-SVID). */
  scopes: string[] | null;
  taskId: string | null;
  purpose: string | null;
  jti: string | null;
  /** The delegation chain, outermost (the agent that started the task) first, ending with this agent. */
  delegation: string[];
  expiresAt: number | null;
  /** When the credential was issued (s, its `iat`); null: unknown (a gateway key, an SVID without `iat`). */
  issuedAt: number | null;
};

export type AuthResult =
  | { ok: true; identity: CallerIdentity; token: string }
  /** `unknownSpiffeId`: a valid JWT-SVID of a trusted domain whose SPIFFE ID no agent holds (the refusal is recorded as a decision). */
  | { ok: false; error: "invalid_request" | "invalid_token"; description: string; presented: boolean; unknownSpiffeId?: string };

/** Verified task tokens kept in memory (each until its own expiry). */
const VERIFIED_TOKENS = 10_000;

/** Longest task-token lifetime the contract allows (exp − iat). */
export const MAX_TOKEN_LIFETIME_S = 15 * 60;

/**
 * Authenticates one request: a Steward task token (RFC 9068 JWT access token, ES256, verified
 * locally against the console's JWKS — unknown `kid`s trigger a refetch, so key rotation needs no
 * restart), a SPIFFE JWT-SVID of a trust domain registered in the console (gateway/spiffe-trust.ts;
 * the agent is the one that SPIFFE ID is registered on), or a per-agent gateway key (static credential). Audience per RFC 8707 / the MCP
 * authorization spec: `aud` must name this gateway (its base URL or the exact MCP endpoint).
 */
export class IdentityVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly issuer: string;
  private readonly keys: Map<string, string>;

  constructor(
    private readonly config: GatewayConfig,
    private readonly revocations: RevocationList,
    options: { jwksCooldownMs?: number } = {},
    private readonly spiffe: SpiffeTrust | null = null,
  ) {
    this.issuer = (config.console.issuer ?? config.console.url).replace(/\/$/, "");
    const jwksUrl = config.console.jwksUrl ?? new URL("/oauth/jwks", config.console.url).toString();
    this.jwks = createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: options.jwksCooldownMs ?? 1_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 });
    this.keys = new Map(Object.entries(config.agentKeys));
  }

  get authorizationServer(): string {
    return this.issuer;
  }

  /** `opensSession`: the request carries no MCP session id (an initialize): a JWT-SVID may open one session. */
  async authenticate(authorization: string | undefined, audiences: string[], opensSession = true): Promise<AuthResult> {
    if (!authorization) return { ok: false, error: "invalid_request", description: "No credentials", presented: false };
    const match = /^Bearer\s+([\x21-\x7e]+)$/i.exec(authorization.trim());
    if (!match) return { ok: false, error: "invalid_request", description: "Use Authorization: Bearer <token>", presented: true };
    const token = match[1]!;
    if (token.split(".").length !== 3) return this.verifyAgentKey(token);
    const svid = this.svidClaims(token);
    return svid ? this.verifySvid(token, svid, audiences, opensSession) : this.verifyTaskToken(token, audiences);
  }

  /** A JWT whose `sub` is a SPIFFE ID and whose `typ` is not a task token's is a JWT-SVID. */
  private svidClaims(token: string): { header: ReturnType<typeof decodeProtectedHeader>; sub: string } | null {
    try {
      const header = decodeProtectedHeader(token);
      const { sub } = decodeJwt(token);
      return typeof sub === "string" && sub.startsWith("spiffe://") && header.typ?.toLowerCase() !== "at+jwt" ? { header, sub } : null;
    } catch {
      return null;
    }
  }

  private async verifySvid(token: string, svid: { header: ReturnType<typeof decodeProtectedHeader>; sub: string }, audiences: string[], opensSession: boolean): Promise<AuthResult> {
    if (!this.spiffe) return { ok: false, error: "invalid_token", description: "This gateway does not accept JWT-SVIDs", presented: true };
    const check = await this.spiffe.verify(token, svid.header, svid.sub, audiences, opensSession);
    if (!check.ok) return { ok: false, error: "invalid_token", description: check.description, presented: true, ...(check.unknownAgent && check.spiffeId ? { unknownSpiffeId: check.spiffeId } : {}) };
    const revoked = this.revocations.isRevoked({ sub: check.agentId, iat: check.issuedAt ?? undefined });
    if (revoked) return { ok: false, error: "invalid_token", description: revoked, presented: true };
    return { ok: true, token, identity: { kind: "jwt_svid", agentId: check.agentId, clientId: check.spiffeId, scopes: null, taskId: null, purpose: null, jti: check.jti, delegation: [check.agentId], expiresAt: check.expiresAt, issuedAt: check.issuedAt } };
  }

  private verifyAgentKey(key: string): AuthResult {
    const digest = createHash("sha256").update(key).digest("hex");
    // Constant-time over the stored digests: the lookup itself reveals nothing about near misses.
    let agentId: string | null = null;
    for (const [stored, agent] of this.keys) if (timingSafeEqual(Buffer.from(stored, "hex"), Buffer.from(digest, "hex"))) agentId = agent;
    if (!agentId) return { ok: false, error: "invalid_token", description: "Unknown gateway key", presented: true };
    const revoked = this.revocations.isRevoked({ sub: agentId });
    if (revoked) return { ok: false, error: "invalid_token", description: revoked, presented: true };
    return { ok: true, token: key, identity: { kind: "agent_key", agentId, clientId: null, scopes: null, taskId: null, purpose: null, jti: null, delegation: [agentId], expiresAt: null, issuedAt: null } };
  }

  /**
   * Tokens already verified for these audiences, until they expire: an agent sends the same token
   * on every call, and an ES256 verification costs far more than the decision. Revocation is still
   * checked on every use.
   */
  private readonly verified = new Map<string, CallerIdentity>();

  private async verifyTaskToken(token: string, audiences: string[]): Promise<AuthResult> {
    const cacheKey = `${audiences.join(" ")}\u0000${token}`;
    const cached = this.verified.get(cacheKey);
    if (cached && (cached.expiresAt ?? 0) * 1000 > Date.now()) {
      const revoked = this.revocations.isRevoked({ jti: cached.jti ?? undefined, task_id: cached.taskId ?? undefined, sub: cached.agentId, iat: cached.issuedAt ?? undefined });
      if (revoked) return { ok: false, error: "invalid_token", description: revoked, presented: true };
      return { ok: true, token, identity: cached };
    }
    if (cached) this.verified.delete(cacheKey);
    const result = await this.verifyTaskTokenUncached(token, audiences);
    if (result.ok) {
      if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(cacheKey, result.identity);
    }
    return result;
  }

  private async verifyTaskTokenUncached(token: string, audiences: string[]): Promise<AuthResult> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, { issuer: this.issuer, audience: audiences, algorithms: ["ES256"], typ: "at+jwt", requiredClaims: ["sub", "exp", "iat", "jti", "client_id"], clockTolerance: 5 }));
    } catch (error) {
      return { ok: false, error: "invalid_token", description: describeJoseError(error), presented: true };
    }
    if (payload.exp! - payload.iat! > MAX_TOKEN_LIFETIME_S) return { ok: false, error: "invalid_token", description: "The token's lifetime exceeds 15 minutes", presented: true };
    const revoked = this.revocations.isRevoked({ jti: payload.jti, task_id: payload.task_id, sub: payload.sub, iat: payload.iat });
    if (revoked) return { ok: false, error: "invalid_token", description: revoked, presented: true };
    const scope = typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : [];
    return {
      ok: true,
      token,
      identity: {
        kind: "task_token",
        agentId: payload.sub!,
        clientId: typeof payload.client_id === "string" ? payload.client_id : null,
        scopes: scope,
        taskId: typeof payload.task_id === "string" ? payload.task_id : null,
        purpose: typeof payload.purpose === "string" ? payload.purpose : null,
        jti: payload.jti ?? null,
        delegation: [...actorChain(payload.act), payload.sub!],
        expiresAt: payload.exp ?? null,
        issuedAt: payload.iat ?? null,
      },
    };
  }
}

/** RFC 8693 `act` nests the current actor outside its delegators; the innermost is the original delegator. Returns outermost-first (original delegator first). */
export function actorChain(act: unknown): string[] {
  const chain: string[] = [];
  for (let current = act as { sub?: unknown; act?: unknown } | undefined, depth = 0; current && typeof current === "object" && depth < 32; current = current.act as typeof current, depth++) {
    if (typeof current.sub === "string") chain.unshift(current.sub);
  }
  return chain;
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return "The token has expired";
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token's ${error.claim} claim is not acceptable here`;
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "No signing key matches the token";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "The token's signature is invalid";
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "The token's algorithm is not accepted";
  return "The token could not be verified";
}
