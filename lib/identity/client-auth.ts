import { createHash } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { Executor } from "@/db/client";
import { activeAgentKey } from "@/db/identity/agent-keys";
import { agentAndReplayByIdentity, agentByIdentity, agentStatusById, type ExchangingAgent, insertUsedAssertion, isAssertionUsed, lockDiscoveredAgentCreation, purgeUsedAssertions, spiffeIdsEndingWith } from "@/db/identity/credentials";
import { recordAudit } from "../audit/record-audit";
import { systemContext } from "../auth/actor";
import { refreshFindingsForAgents } from "../findings/refresh-findings";
import { insertAgent } from "../agents/save-agent";
import { ASYMMETRIC_ALGS, CLOCK_SKEW_SECONDS, MAX_CREDENTIAL_SECONDS } from "./constants";
import { IdentityError } from "./identity-error";
import { trustDomainForVerification } from "./trust-domains";
import { noteIdentityFinding } from "./identity-findings";
import { importVerificationKey } from "./key-cache";

/**
 * Verifies the credential an agent presents to the token endpoint: a JWT-SVID (`sub` is a SPIFFE
 * ID of a registered trust domain) or an RFC 7523 client assertion (`iss` = `sub` = the agent's
 * client id, signed by a key registered on the agent). Both are checked with `jose`:
 *  - the algorithm must be one the trust source allows (asymmetric only; `none` and HMAC never);
 *  - `kid` is required and looked up in the source's keys;
 *  - `exp` is required, `nbf` and `iat` honoured, each with CLOCK_SKEW_SECONDS of skew, and the
 *    credential may not live longer than MAX_CREDENTIAL_SECONDS;
 *  - `aud` must be exactly the token endpoint (one value);
 *  - the credential is single-use: its `jti` (or, for an SVID without one, its SHA-256) is
 *    remembered until it expires — claimed in the transaction that issues the token, so a refused
 *    exchange does not consume it — and a second presentation is refused as a replay.
 */
export type VerifiedAgent = {
  agentId: string;
  authMethod: "jwt-svid" | "private_key_jwt";
  /** The SPIFFE ID or client id the agent presented. */
  identity: string;
  trustDomain: string | null;
  status: string;
  /** The single-use claim the caller commits with what it issues (claimCredentialUse). */
  use: CredentialUse;
  /** The agent's row as read with the credential (a registered SPIFFE ID), so issuance need not read it again. */
  agent?: ExchangingAgent;
  /**
   * The row came from this process's cache of active agents (verifyAgentCredential's `cachedAgent`):
   * it may be stale, and the credential's replay check is left to its single-use claim. Whatever is
   * issued on it must re-check it in the issuing statement, and a refusal must read it again first.
   */
  cached?: boolean;
};
export type CredentialUse = { issuer: string; key: string; expiresAt: Date };

const SPIFFE_ID = /^spiffe:\/\/([a-z0-9.\-_]+)(\/[A-Za-z0-9.\-_/]*)?$/;

function fail(message: string): never {
  throw new IdentityError("invalid_request", message);
}

function headerOf(token: string) {
  try {
    return { header: decodeProtectedHeader(token), claims: decodeJwt(token) };
  } catch {
    fail("The credential is not a signed JWT");
  }
}

/** Names the expected value: a client that reached the console by another host name learns what to send. */
const wrongAudience = (audience: string) => `The credential's audience must be exactly ${audience}`;

function checkAudience(payload: JWTPayload, audience: string) {
  const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud === undefined ? [] : [payload.aud];
  if (aud.length !== 1 || aud[0] !== audience) fail(wrongAudience(audience));
}

async function verifyWith(token: string, key: Parameters<typeof jwtVerify>[1], algorithms: string[], audience: string, now: Date): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, key as never, { algorithms, audience, clockTolerance: CLOCK_SKEW_SECONDS, currentDate: now, requiredClaims: ["exp", "sub"] });
    checkAudience(payload, audience);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (typeof payload.iat === "number" && payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) fail("The credential was issued in the future (iat)");
    const start = typeof payload.iat === "number" ? payload.iat : typeof payload.nbf === "number" ? payload.nbf : nowSeconds;
    if (payload.exp! - start > MAX_CREDENTIAL_SECONDS) fail(`The credential lives longer than ${MAX_CREDENTIAL_SECONDS} seconds`);
    return payload;
  } catch (error) {
    if (error instanceof IdentityError) throw error;
    if (error instanceof joseErrors.JWTExpired) fail("The credential has expired");
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "aud") fail(wrongAudience(audience));
    if (error instanceof joseErrors.JWTClaimValidationFailed) fail(`The credential's ${error.claim} claim is invalid: ${error.reason === "check_failed" ? error.message : error.reason}`);
    if (error instanceof joseErrors.JOSEAlgNotAllowed) fail("The credential's algorithm is not allowed for its trust source");
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) fail("The credential's signature does not verify");
    fail(`The credential does not verify: ${(error as Error).message}`);
  }
}

let lastPurge = 0;
const PURGE_EVERY_MS = 30_000;

/**
 * Records the credential as used until it expires, in the transaction that issues the token;
 * false when it was already used (a replay; a concurrent use waits on the key and then sees it).
 */
export async function claimCredentialUse(db: Executor, { issuer, key: jti, expiresAt }: CredentialUse): Promise<boolean> {
  await purgeExpiredCredentialUses(db);
  return insertUsedAssertion(db, { issuer, jti, expiresAt });
}

/** Expired entries can go (a replay of an expired credential fails on exp anyway); at most every 30 s per process. */
export async function purgeExpiredCredentialUses(db: Executor): Promise<void> {
  if (Date.now() - lastPurge <= PURGE_EVERY_MS) return;
  lastPurge = Date.now();
  await purgeUsedAssertions(db);
}

export const REPLAY_MESSAGE = "The credential was already used (replayed jti)";

/** The single-use entry of a credential: its jti, or for an SVID without one, its SHA-256. */
function credentialUse(issuer: string, token: string, payload: JWTPayload): CredentialUse {
  const key = (typeof payload.jti === "string" && payload.jti ? `jti:${payload.jti}` : `sha256:${createHash("sha256").update(token).digest("hex")}`).slice(0, 300);
  return { issuer, key, expiresAt: new Date((payload.exp! + CLOCK_SKEW_SECONDS) * 1000) };
}

/** Refuses a credential already used; the use itself is claimed when the token is issued. */
async function refuseReplay(db: Executor, issuer: string, token: string, payload: JWTPayload): Promise<CredentialUse> {
  const use = credentialUse(issuer, token, payload);
  if (await isAssertionUsed(db, issuer, use.key)) fail(REPLAY_MESSAGE);
  return use;
}

/** The agent a SPIFFE ID belongs to, creating a discovered agent for a new one (it gets nothing until registered). */
async function agentForSpiffeId(db: Executor, spiffeId: string, domain: string): Promise<{ id: string; status: string }> {
  const known = await agentByIdentity(db, "spiffe_id", spiffeId);
  if (known) return known;
  return db.transaction(async (tx) => {
    await lockDiscoveredAgentCreation(tx);
    const again = await agentByIdentity(tx, "spiffe_id", spiffeId);
    if (again) return again;
    const row = await insertAgent(tx, { name: spiffeId.slice(0, 200), status: "discovered", identities: [{ kind: "spiffe_id", value: spiffeId }] });
    await refreshFindingsForAgents(tx, [row.id]);
    await recordAudit(tx, systemContext("token_exchange"), { action: "agent.create", entityType: "agent", entityId: row.id, after: { id: row.id, name: row.name, status: row.status, spiffeId } });
    // The same workload path registered under another trust domain: a SPIFFE ID from an unexpected domain.
    const path = spiffeId.slice(`spiffe://${domain}`.length);
    if (path) {
      const elsewhere = await spiffeIdsEndingWith(tx, path);
      for (const other of elsewhere.filter((item) => item.value !== spiffeId)) {
        await noteIdentityFinding(tx, other.agentId, "unexpected_trust_domain", `${spiffeId} was presented; this agent is registered as ${other.value}`);
      }
    }
    return { id: row.id, status: row.status };
  });
}

/**
 * Active agents by the SPIFFE ID they hold, as last read here. A hit saves the token exchange its
 * read (the agent and the replay check) only where the issuing statement checks the agent again
 * (status, declared scope, last change, identity) and claims the credential: a stale entry can then
 * cost a second read, never a token the database would refuse. Bounded in age and size.
 */
const AGENT_CACHE_MS = 5_000;
const AGENT_CACHE_ENTRIES = 10_000;
const agentHolder = globalThis as typeof globalThis & { __stewardExchangingAgents?: Map<string, { at: number; agent: ExchangingAgent }> };
const agentCache = (agentHolder.__stewardExchangingAgents ??= new Map());

/** Drops a cached agent (its issuing statement found it changed). */
export function forgetExchangingAgent(spiffeId: string): void {
  agentCache.delete(spiffeId);
}

function rememberAgent(spiffeId: string, agent: ExchangingAgent): void {
  if (agent.status !== "active") {
    agentCache.delete(spiffeId);
    return;
  }
  if (agentCache.size >= AGENT_CACHE_ENTRIES) agentCache.clear();
  agentCache.set(spiffeId, { at: Date.now(), agent });
}

async function verifySvid(db: Executor, token: string, kid: string | undefined, alg: string, spiffeId: string, audience: string, now: Date, cachedAgent: boolean): Promise<VerifiedAgent> {
  const match = SPIFFE_ID.exec(spiffeId);
  if (!match) fail("The credential's sub is not a valid SPIFFE ID");
  const domainName = match[1]!;
  if (!kid) fail("The credential has no kid");
  const domain = await trustDomainForVerification(db, domainName, kid, now);
  if (!domain) fail(`The trust domain ${domainName} is not trusted`);
  if (!domain.allowedAlgs.includes(alg)) fail(`The algorithm ${alg} is not allowed for the trust domain ${domainName}`);
  const jwk = domain.jwks.keys.find((key) => key.kid === kid);
  if (!jwk) fail(`Unknown kid ${kid} for the trust domain ${domainName}`);
  if (typeof jwk.alg === "string" && jwk.alg !== alg) fail(`The key ${kid} is for ${jwk.alg}, not ${alg}`);
  const key = await importVerificationKey(jwk, alg).catch(() => fail(`The key ${kid} cannot be used with ${alg}`));
  const payload = await verifyWith(token, key, domain.allowedAlgs, audience, now);
  // One query for the registered agent and the replay check (the common case); a new SPIFFE ID becomes a discovered agent.
  const use = credentialUse(`spiffe://${domainName}`, token, payload);
  if (cachedAgent) {
    const hit = agentCache.get(spiffeId);
    if (hit && Date.now() - hit.at < AGENT_CACHE_MS) return { agentId: hit.agent.id, authMethod: "jwt-svid", identity: spiffeId, trustDomain: domainName, status: hit.agent.status, use, agent: hit.agent, cached: true };
  }
  const known = await agentAndReplayByIdentity(db, "spiffe_id", spiffeId, { issuer: use.issuer, jti: use.key });
  if (known.used) fail(REPLAY_MESSAGE);
  if (known.agent) {
    rememberAgent(spiffeId, known.agent);
    return { agentId: known.agent.id, authMethod: "jwt-svid", identity: spiffeId, trustDomain: domainName, status: known.agent.status, use, agent: known.agent };
  }
  const agent = await agentForSpiffeId(db, spiffeId, domainName);
  return { agentId: agent.id, authMethod: "jwt-svid", identity: spiffeId, trustDomain: domainName, status: agent.status, use };
}

async function verifyClientAssertion(db: Executor, token: string, kid: string | undefined, alg: string, claims: JWTPayload, audience: string, now: Date): Promise<VerifiedAgent> {
  const clientId = claims.iss;
  if (typeof clientId !== "string" || !clientId || claims.sub !== clientId) fail("A client assertion needs iss and sub both equal to the client id");
  const byIdentity = (await agentStatusById(db, clientId)) ?? (await agentByIdentity(db, "client_id", clientId));
  if (!byIdentity) fail(`Unknown client ${clientId}`);
  if (!kid) fail("The credential has no kid");
  const registered = await activeAgentKey(db, byIdentity.id, kid);
  if (!registered) fail(`Unknown kid ${kid} for client ${clientId}`);
  if (registered.alg !== alg) fail(`The key ${kid} is registered for ${registered.alg}, not ${alg}`);
  const key = await importVerificationKey(registered.publicJwk, alg).catch(() => fail(`The key ${kid} cannot be used with ${alg}`));
  const payload = await verifyWith(token, key, [registered.alg], audience, now);
  if (typeof payload.jti !== "string" || !payload.jti) fail("A client assertion needs a jti");
  const use = await refuseReplay(db, `client:${byIdentity.id}`, token, payload);
  return { agentId: byIdentity.id, authMethod: "private_key_jwt", identity: clientId, trustDomain: null, status: byIdentity.status, use };
}

/**
 * Verifies an agent's JWT-SVID or client assertion for `audience` (the token endpoint URL). With
 * `cachedAgent`, a SPIFFE ID's active agent may come from this process's cache (see VerifiedAgent.cached).
 */
export async function verifyAgentCredential(db: Executor, token: string, audience: string, now = new Date(), options: { cachedAgent?: boolean } = {}): Promise<VerifiedAgent> {
  const { header, claims } = headerOf(token);
  const alg = header.alg;
  if (typeof alg !== "string" || !(ASYMMETRIC_ALGS as readonly string[]).includes(alg)) fail(`The algorithm ${String(alg)} is never accepted (asymmetric algorithms only)`);
  if (header.crit !== undefined) fail("Critical header parameters are not supported");
  const kid = typeof header.kid === "string" ? header.kid : undefined;
  if (typeof claims.sub === "string" && claims.sub.startsWith("spiffe://")) return verifySvid(db, token, kid, alg, claims.sub, audience, now, options.cachedAgent === true);
  return verifyClientAssertion(db, token, kid, alg, claims, audience, now);
}
