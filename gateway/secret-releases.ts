import type { GatewayConfig, UpstreamConfig } from "./config";
import type { CallerIdentity } from "./identity";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";

/** A released credential for one task's calls to one upstream: what its session sends, and until when. */
export type TaskCredential = {
  /** (task token jti, secret): the cache key, and the key of the upstream session that carries it. */
  key: string;
  header: string;
  value: string;
  /** Epoch ms: the earlier of the task token's expiry and the release's own. */
  expiresAt: number;
  jti: string;
  taskId: string | null;
  agentId: string;
};

/** Why no credential was released: `refused` by the console (scope, token not live, unknown secret), or `unavailable` (console unreachable or failing, nothing cached). */
export class CredentialNotReleased extends Error {
  constructor(
    readonly kind: "refused" | "unavailable",
    message: string,
  ) {
    super(message);
  }

  /** The reason recorded on the deny decision. */
  get reason(): string {
    return this.kind === "refused" ? "steward:credential-refused" : "steward:credential-unavailable";
  }
}

/** The console's answer (lib/identity/secret-store.ts releaseSecret). */
type Release = { name: string; value: string; kind: "secret" | "downstream_token"; tokenType?: string; releaseId: string; expiresAt: number };
type Cached = { release: Release; expiresAt: number; jti: string; taskId: string | null; agentId: string };

/** Released credentials kept at most (oldest dropped first; a dropped one is released again on its next use). */
const MAX_CACHED = 10_000;
/** A downstream token is renewed this long before its own expiry, so it is never sent expired. */
const DOWNSTREAM_RENEW_S = 5;
/** The console's release may itself wait up to 5 s on a downstream token endpoint. */
const RELEASE_TIMEOUT_MS = 10_000;

/**
 * Just-in-time credentials from the console's secret store. The gateway mints nothing and holds no
 * standing secret for these upstreams: for a call it asks `POST /api/v1/secrets/release` with its
 * enforcement-point token (who asks) and the calling agent's task token (the proof of the task);
 * the console releases only for a live token whose scope carries the secret's `upstream`, and
 * records each release. The answer is cached per (token jti, secret) until the earlier of the
 * token's expiry and the release's own — one release (one secret_releases row) per window, not
 * per call — and dropped as soon as the revocation feed names the token, its task or its agent.
 * Concurrent first calls share one release. Nothing here is logged with its value.
 */
export class SecretReleases {
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<Cached>>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  /** Released credentials held right now (tests, status). */
  get size(): number {
    return this.cache.size;
  }

  /** Whether a released credential for this token jti is held. */
  holdsFor(jti: string): boolean {
    for (const entry of this.cache.values()) if (entry.jti === jti) return true;
    return false;
  }

  /**
   * The credential `upstream` takes for this caller's call, released or from the cache. Throws
   * CredentialNotReleased when there is none to send: the caller refuses the call (fail closed).
   */
  async credentialFor(identity: CallerIdentity, token: string, upstream: UpstreamConfig): Promise<TaskCredential> {
    const credential = upstream.credential;
    const secret = credential?.consoleSecret;
    if (!credential || !secret) throw new Error(`upstream ${upstream.name} takes no console secret`);
    if (identity.kind !== "task_token" || !identity.jti || !identity.expiresAt) {
      throw new CredentialNotReleased("refused", `the upstream ${upstream.name} gets its credential from the console per task: call it with a Steward task token`);
    }
    const key = `${identity.jti}\u0000${secret}`;
    const entry = await this.entry(key, identity, token, secret);
    return { key, header: credential.header, value: headerValue(entry.release, credential.header, credential.scheme), expiresAt: entry.expiresAt, jti: entry.jti, taskId: entry.taskId, agentId: entry.agentId };
  }

  /** Drops what a revocation names (the revocation feed's check), so a revoked task's secrets leave memory at once. */
  forget(isRevoked: (claims: { jti: string; task_id: string | undefined; sub: string }) => unknown): string[] {
    const dropped: string[] = [];
    for (const [key, entry] of this.cache) {
      if (isRevoked({ jti: entry.jti, task_id: entry.taskId ?? undefined, sub: entry.agentId })) {
        this.cache.delete(key);
        dropped.push(key);
      }
    }
    return dropped;
  }

  private async entry(key: string, identity: CallerIdentity, token: string, secret: string): Promise<Cached> {
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) {
      this.metrics.secretReleases.inc({ outcome: "cached" });
      return cached;
    }
    if (cached) this.cache.delete(key);
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.release(identity, token, secret).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    const entry = await pending;
    if (entry.expiresAt > Date.now() && !this.cache.has(key)) {
      if (this.cache.size >= MAX_CACHED) this.sweep();
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, entry);
      // The value leaves memory when its window ends, used again or not.
      setTimeout(() => {
        if (this.cache.get(key) === entry) this.cache.delete(key);
      }, entry.expiresAt - Date.now()).unref();
    }
    return entry;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
  }

  private async release(identity: CallerIdentity, token: string, secret: string): Promise<Cached> {
    let response: Response;
    try {
      response = await fetch(new URL("/api/v1/secrets/release", this.config.console.url), {
        method: "POST",
        headers: { authorization: `Bearer ${this.config.console.token}`, "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ token, secret }),
        signal: AbortSignal.timeout(RELEASE_TIMEOUT_MS),
      });
    } catch (error) {
      this.metrics.secretReleases.inc({ outcome: "unavailable" });
      this.logger.warn("secret release: the console could not be reached", { secret, error: error as Error });
      throw new CredentialNotReleased("unavailable", `the console could not be reached to release the secret ${secret} (${(error as Error).name === "TimeoutError" ? "timed out" : "connection failed"}) and none is cached for this task token`);
    }
    const body = (await response.json().catch(() => null)) as (Partial<Release> & { error?: { message?: unknown } }) | null;
    if (response.ok && body && typeof body.value === "string" && body.value && typeof body.expiresAt === "number" && (body.kind === "secret" || body.kind === "downstream_token")) {
      this.metrics.secretReleases.inc({ outcome: "released" });
      const release = body as Release;
      const releaseExp = release.kind === "downstream_token" ? release.expiresAt - DOWNSTREAM_RENEW_S : release.expiresAt;
      this.logger.debug("secret released", { secret, releaseId: release.releaseId, kind: release.kind, taskId: identity.taskId });
      return { release, expiresAt: Math.min(identity.expiresAt!, releaseExp) * 1000, jti: identity.jti!, taskId: identity.taskId, agentId: identity.agentId };
    }
    const said = typeof body?.error?.message === "string" ? body.error.message : null;
    // 403 (token not live, scope, audience) and 404 (no such secret) are the console's refusal; anything else leaves it unavailable.
    const refused = response.status === 403 || response.status === 404;
    this.metrics.secretReleases.inc({ outcome: refused ? "refused" : "unavailable" });
    this.logger.info("secret release refused", { secret, status: response.status, taskId: identity.taskId });
    throw new CredentialNotReleased(refused ? "refused" : "unavailable", `the console did not release the secret ${secret}: ${said ?? `it answered ${response.status}`}`);
  }
}

function headerValue(release: Release, header: string, scheme: string | undefined): string {
  if (scheme) return `${scheme} ${release.value}`;
  if (release.kind === "downstream_token" && header.toLowerCase() === "authorization") return `${release.tokenType && /^[A-Za-z][\w.~+/-]*$/.test(release.tokenType) ? capitalized(release.tokenType) : "Bearer"} ${release.value}`;
  return release.value;
}

/** RFC 6750's scheme is "Bearer"; OAuth token endpoints often answer token_type "bearer". */
const capitalized = (type: string) => (type.toLowerCase() === "bearer" ? "Bearer" : type);
