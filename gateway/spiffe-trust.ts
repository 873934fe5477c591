import { errors as joseErrors, importJWK, jwtVerify, type CryptoKey, type JWK, type JWTPayload, type ProtectedHeaderParameters } from "jose";
import { abortController } from "./abort";
import type { GatewayConfig } from "./config";
import type { Logger } from "./log";
import { sleep } from "./policy-source";

/**
 * SPIFFE JWT-SVIDs at the gateway: the trust bundles of the domains registered in the console and
 * the SPIFFE IDs registered on agents, pulled with the gateway's EP token from
 * `GET /api/v1/gateway/trust-bundles` (If-None-Match/ETag) at start and then every
 * `syncIntervalMs` (5 s by default; 5 s when console sync is off) and kept in memory — the last
 * good copy stays when the console is away.
 *
 * Verification (JWT-SVID spec, SPIFFE §3–4, with `jose`):
 *  - the trust domain is taken from `sub` (a SPIFFE ID) and must be registered and enabled;
 *  - the algorithm must be one the domain allows (asymmetric only — the console never stores
 *    another), `kid` is required and must name a key of the domain's bundle;
 *  - `exp` is required, `nbf`/`iat` honoured, each with CLOCK_SKEW_SECONDS of skew, and an SVID
 *    living longer than the console's `maxSvidSeconds` (1 h) is refused;
 *  - `aud` must name this gateway (its public URL or the exact MCP endpoint);
 *  - `jti` is required and the replay cache lets one SVID open one MCP session: a second
 *    session-less request (another `initialize`) with a jti already seen is refused until the
 *    SVID expires. Requests inside a session are bound to the session's agent by the proxy.
 * The agent is the inventory agent that SPIFFE ID is registered on; a SPIFFE ID registered on no
 * agent, or on one that is not active, gets nothing.
 */
export const CLOCK_SKEW_SECONDS = 5;
/** SVID jtis remembered (each until its own expiry); when full of live entries, new SVIDs are refused (fail closed). */
export const REPLAY_CACHE_ENTRIES = 100_000;

export type TrustBundles = {
  trustDomains: { name: string; allowedAlgs: string[]; keys: Record<string, unknown>[] }[];
  spiffeIds: { spiffeId: string; agentId: string; status: string }[];
  maxSvidSeconds: number;
};

export type SvidCheck =
  | { ok: true; spiffeId: string; trustDomain: string; agentId: string; jti: string; expiresAt: number; issuedAt: number | null }
  | { ok: false; description: string; spiffeId: string | null; trustDomain: string | null; unknownAgent?: boolean };

const SPIFFE_ID = /^spiffe:\/\/([a-z0-9.\-_]+)(\/[A-Za-z0-9.\-_/]*)?$/;

export class SpiffeTrust {
  private domains = new Map<string, { allowedAlgs: string[]; keys: Map<string, Record<string, unknown>> }>();
  private agents = new Map<string, { agentId: string; status: string }>();
  private maxSvidSeconds = 3600;
  private etag: string | null = null;
  private imported = new Map<string, Promise<CryptoKey | Uint8Array>>();
  /** jti (per domain) → the SVID's expiry (s): SVIDs that already opened a session. */
  private readonly opened = new Map<string, number>();
  private abort = abortController();
  private loop: Promise<void> | null = null;
  private stopped = false;
  loaded = false;

  constructor(
    private readonly config: GatewayConfig,
    private readonly logger: Logger,
  ) {}

  /** Replaces the bundles (a fresh pull). Keys are imported lazily, once per domain, kid and algorithm. */
  update(bundles: TrustBundles): void {
    this.domains = new Map(bundles.trustDomains.map((domain) => [domain.name, { allowedAlgs: domain.allowedAlgs, keys: new Map(domain.keys.filter((key) => typeof key.kid === "string").map((key) => [key.kid as string, key])) }]));
    this.agents = new Map(bundles.spiffeIds.map((entry) => [entry.spiffeId, { agentId: entry.agentId, status: entry.status }]));
    this.maxSvidSeconds = bundles.maxSvidSeconds;
    this.imported.clear();
    this.loaded = true;
  }

  /** Pulls the bundles (If-None-Match: unchanged → nothing to do). Throws on a network error or a non-2xx/304 answer; the last good copy stays. */
  async pull(): Promise<void> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.config.console.token}` };
    if (this.etag) headers["if-none-match"] = this.etag;
    const response = await fetch(new URL("/api/v1/gateway/trust-bundles", this.config.console.url), { headers, signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(10_000)]) });
    if (response.status === 304) return void (await response.body?.cancel());
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`trust bundles: HTTP ${response.status}`);
    }
    const bundles = (await response.json()) as TrustBundles;
    this.update(bundles);
    this.etag = response.headers.get("etag");
    this.logger.debug("trust bundles updated", { domains: bundles.trustDomains.length, spiffeIds: bundles.spiffeIds.length });
  }

  /** Pulls now and then every `syncIntervalMs` (5 s when that is 0) until stop(). */
  start(): void {
    const every = this.config.syncIntervalMs || 5_000;
    this.loop ??= (async () => {
      while (!this.stopped) {
        await this.pull().catch((error: unknown) => !this.stopped && this.logger.debug("trust bundle pull failed; keeping the last good copy", { error: error as Error }));
        await sleep(every, this.abort.signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }

  private key(domain: string, kid: string, jwk: Record<string, unknown>, alg: string): Promise<CryptoKey | Uint8Array> {
    const cacheKey = `${domain}\u0000${kid}\u0000${alg}`;
    let found = this.imported.get(cacheKey);
    if (!found) {
      found = importJWK(jwk as JWK, alg);
      this.imported.set(cacheKey, found);
      found.catch(() => this.imported.delete(cacheKey));
    }
    return found;
  }

  /**
   * Verifies a JWT-SVID for these audiences. `opensSession`: the request carries no MCP session
   * (an initialize) — the SVID's jti is claimed, and a second such use is a replay.
   */
  async verify(token: string, header: ProtectedHeaderParameters, sub: string, audiences: string[], opensSession: boolean, now = Date.now()): Promise<SvidCheck> {
    const match = SPIFFE_ID.exec(sub);
    if (!match) return { ok: false, description: "The SVID's sub is not a valid SPIFFE ID", spiffeId: null, trustDomain: null };
    const [spiffeId, domainName] = [sub, match[1]!];
    const fail = (description: string, extra: { unknownAgent?: boolean } = {}): SvidCheck => ({ ok: false, description, spiffeId, trustDomain: domainName, ...extra });
    if (!this.loaded) return fail("The gateway has not loaded the trust bundles yet");
    const domain = this.domains.get(domainName);
    if (!domain) return fail(`The trust domain ${domainName} is not trusted`);
    const alg = header.alg;
    if (typeof alg !== "string" || !domain.allowedAlgs.includes(alg)) return fail(`The algorithm ${String(alg)} is not allowed for the trust domain ${domainName}`);
    if (header.crit !== undefined) return fail("Critical header parameters are not supported");
    if (typeof header.kid !== "string") return fail("The SVID has no kid");
    const jwk = domain.keys.get(header.kid);
    if (!jwk) return fail(`Unknown kid ${header.kid} for the trust domain ${domainName}`);
    if (typeof jwk.alg === "string" && jwk.alg !== alg) return fail(`The key ${header.kid} is for ${jwk.alg}, not ${alg}`);
    let payload: JWTPayload;
    try {
      const key = await this.key(domainName, header.kid, jwk, alg);
      ({ payload } = await jwtVerify(token, key, { algorithms: [alg], audience: audiences, clockTolerance: CLOCK_SKEW_SECONDS, currentDate: new Date(now), requiredClaims: ["exp", "sub", "jti"] }));
    } catch (error) {
      return fail(describeSvidError(error));
    }
    const nowSeconds = Math.floor(now / 1000);
    if (typeof payload.iat === "number" && payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) return fail("The SVID was issued in the future (iat)");
    const start = typeof payload.iat === "number" ? payload.iat : typeof payload.nbf === "number" ? payload.nbf : nowSeconds;
    if (payload.exp! - start > this.maxSvidSeconds) return fail(`The SVID lives longer than ${this.maxSvidSeconds} seconds`);
    const agent = this.agents.get(spiffeId);
    if (!agent) return fail(`${spiffeId} is registered on no agent: it gets nothing until someone registers it`, { unknownAgent: true });
    if (agent.status !== "active") return fail(`Agent ${agent.agentId} (${spiffeId}) is ${agent.status}`);
    const jti = String(payload.jti);
    if (opensSession && !this.claim(`${domainName}\u0000${jti}`, payload.exp! + CLOCK_SKEW_SECONDS, nowSeconds)) return fail("The SVID was already used to open a session (replayed jti)");
    return { ok: true, spiffeId, trustDomain: domainName, agentId: agent.agentId, jti, expiresAt: payload.exp!, issuedAt: typeof payload.iat === "number" ? payload.iat : null };
  }

  /** Claims a jti until `until` (s); false when it is already claimed (a replay) or the cache is full of live entries. */
  private claim(key: string, until: number, nowSeconds: number): boolean {
    const seen = this.opened.get(key);
    if (seen !== undefined && seen >= nowSeconds) return false;
    if (this.opened.size >= REPLAY_CACHE_ENTRIES) {
      for (const [entry, expiry] of this.opened) if (expiry < nowSeconds) this.opened.delete(entry);
      if (this.opened.size >= REPLAY_CACHE_ENTRIES) {
        this.logger.warn("the SVID replay cache is full of live entries; refusing new SVIDs", { entries: this.opened.size });
        return false;
      }
    }
    this.opened.set(key, until);
    return true;
  }
}

function describeSvidError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return "The SVID has expired";
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The SVID's ${error.claim} claim is not acceptable here`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "The SVID's signature is invalid";
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "The SVID's algorithm is not accepted";
  return "The SVID could not be verified";
}
