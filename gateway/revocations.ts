import { abortController } from "./abort";
import type { GatewayConfig } from "./config";
import type { Logger } from "./log";
import { MAX_TOKEN_LIFETIME_S } from "./identity";
import { sleep } from "./policy-source";

type Feed = { cursor: string; revoked?: { jti: string; exp: number }[]; endedTasks?: { taskId: string; exp: number }[]; revokedAgents?: { agentId: string; exp?: number; revokedAt?: number }[] };
/** What one revocation of an agent's tokens covers: credentials issued at or before `revokedAt` (s), until `exp` (s), when the last of them expires. */
type AgentRevocation = { revokedAt: number; exp: number };

/**
 * Consumes the console's revocation feed (GET /api/v1/revocations?after=&wait=, long-poll) so a
 * revoked task token, an ended task or a revoked agent is refused within about a second, without
 * a round trip per call. Entries are kept until the token they name would have expired anyway. An
 * agent's revocation covers what was issued at or before it: the agent's new tokens work (a re-enabled
 * agent is not locked out until the gateway restarts); a credential with no issue time (a gateway key,
 * an SVID without `iat`) is refused until the entry expires.
 */
export class RevocationList {
  private readonly jtis = new Map<string, number>();
  private readonly tasks = new Map<string, number>();
  private readonly agents = new Map<string, AgentRevocation>();
  private cursor = "";
  private stopped = false;
  private abort = abortController();
  private loop: Promise<void> | null = null;
  /** Time of the last successful answer from the feed (0: never). */
  syncedAt = 0;
  supported: boolean | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly logger: Logger,
  ) {}

  /** `iat`: when the credential was issued (s); without it an agent's revocation applies whatever its age. */
  isRevoked(claims: { jti?: string; task_id?: unknown; sub?: string; iat?: number }): string | null {
    const now = Date.now() / 1000;
    if (claims.jti && (this.jtis.get(claims.jti) ?? 0) > now) return "The task token was revoked";
    if (typeof claims.task_id === "string" && (this.tasks.get(claims.task_id) ?? 0) > now) return "The task has ended";
    const agent = claims.sub ? this.agents.get(claims.sub) : undefined;
    if (agent && agent.exp > now && (claims.iat === undefined || claims.iat <= agent.revokedAt)) return "The agent's access was revoked";
    return null;
  }

  /** Called after each feed answer is applied: what holds state per token (released secrets) drops what is now revoked. */
  onApply(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Applies one feed answer (also used by tests that feed entries directly). */
  apply(feed: Feed): void {
    for (const entry of feed.revoked ?? []) this.jtis.set(entry.jti, entry.exp);
    for (const entry of feed.endedTasks ?? []) this.tasks.set(entry.taskId, entry.exp);
    const now = Date.now() / 1000;
    for (const entry of feed.revokedAgents ?? []) {
      // A console too old to send the bounds: refuse everything up to now, for the longest a task token lives.
      const revokedAt = entry.revokedAt ?? Math.ceil(now);
      const exp = entry.exp ?? Math.ceil(now) + MAX_TOKEN_LIFETIME_S;
      const known = this.agents.get(entry.agentId);
      this.agents.set(entry.agentId, { revokedAt: Math.max(revokedAt, known?.revokedAt ?? 0), exp: Math.max(exp, known?.exp ?? 0) });
    }
    this.cursor = feed.cursor;
    for (const [key, exp] of this.jtis) if (exp <= now) this.jtis.delete(key);
    for (const [key, exp] of this.tasks) if (exp <= now) this.tasks.delete(key);
    for (const [key, entry] of this.agents) if (entry.exp <= now) this.agents.delete(key);
    if (feed.revoked?.length || feed.endedTasks?.length || feed.revokedAgents?.length) for (const listener of this.listeners) listener();
  }

  start(): void {
    if (this.config.revocations.enabled) this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const url = new URL("/api/v1/revocations", this.config.console.url);
        if (this.cursor) url.searchParams.set("after", this.cursor);
        if (this.syncedAt) url.searchParams.set("wait", String(this.config.revocations.longPollSeconds));
        const started = Date.now();
        const response = await fetch(url, { headers: { authorization: `Bearer ${this.config.console.token}` }, signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(40_000)]) });
        if (response.status === 404) {
          await response.body?.cancel();
          if (this.supported !== false) this.logger.warn("the console has no revocation feed yet; task tokens are checked for signature, audience and expiry only");
          this.supported = false;
          await sleep(30_000, this.abort.signal);
          continue;
        }
        if (!response.ok) throw new Error(`revocation feed answered ${response.status}`);
        this.apply((await response.json()) as Feed);
        this.supported = true;
        this.syncedAt = Date.now();
        if (Date.now() - started < 250) await sleep(250, this.abort.signal);
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn("revocation feed unreachable; retrying", { error: error as Error });
        await sleep(1_000, this.abort.signal);
      }
    }
  }
}
