import type { PolicyEngine } from "@/lib/policies/engine";
import { abortController } from "./abort";
import type { GatewayConfig } from "./config";
import { engineFromPublishedBundle, type PolicyBundle } from "./engine-from-bundle";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";

export type EngineState = { ok: true; engine: PolicyEngine; revision: string } | { ok: false; reason: string };

/**
 * Keeps the published policy bundle current: GET /api/v1/policies/bundle with If-None-Match and
 * `?wait=` (long-poll; a console that answers at once is re-asked every POLL_FLOOR_MS, so a
 * publish is seen within about a second either way). Decisions fail closed — `current()` is not
 * ok — before the first bundle and whenever the last confirmation is older than `maxStaleMs`.
 */
export class PolicySource {
  private engine: PolicyEngine | null = null;
  private revision: string | null = null;
  private etag: string | null = null;
  private confirmedAt = 0;
  private nonepublished = false;
  private stopped = false;
  private abort = abortController();
  private loop: Promise<void> | null = null;
  private changeListeners = new Set<() => void>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }

  /** Resolves after the next change of revision (tests and the demo use it). */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  current(): EngineState {
    const age = this.now() - this.confirmedAt;
    this.metrics.bundleAgeSeconds.set(this.confirmedAt ? age / 1000 : -1);
    if (!this.confirmedAt) return { ok: false, reason: "No policy bundle has been loaded from the console yet" };
    if (age > this.config.bundle.maxStaleMs) return { ok: false, reason: `The policy bundle is ${Math.round(age / 1000)} s old, beyond the ${Math.round(this.config.bundle.maxStaleMs / 1000)} s bound` };
    if (this.nonepublished || !this.engine || this.revision === null) return { ok: false, reason: "No policy version is published yet" };
    return { ok: true, engine: this.engine, revision: this.revision };
  }

  status() {
    return { revision: this.revision, etag: this.etag, confirmedAt: this.confirmedAt ? new Date(this.confirmedAt).toISOString() : null, ready: this.current().ok };
  }

  /** One conditional (long-poll) request to the bundle route. */
  async pollOnce(): Promise<void> {
    const wait = this.etag ? this.config.bundle.longPollSeconds : 0;
    const url = new URL("/api/v1/policies/bundle", this.config.console.url);
    if (wait) url.searchParams.set("wait", String(wait));
    const headers: Record<string, string> = { authorization: `Bearer ${this.config.console.token}`, accept: "application/json" };
    if (this.etag) headers["if-none-match"] = this.etag;
    const response = await fetch(url, { headers, signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout((wait + 10) * 1000)]) });
    if (response.status === 304) {
      await response.body?.cancel();
      this.confirmedAt = this.now();
      return;
    }
    if (response.status === 404) {
      await response.body?.cancel();
      this.nonepublished = true;
      this.engine = null;
      this.revision = null;
      this.etag = null;
      this.confirmedAt = this.now();
      return;
    }
    if (!response.ok) throw new Error(`bundle request answered ${response.status}`);
    const bundle = (await response.json()) as PolicyBundle;
    const etag = response.headers.get("etag") ?? bundle.etag;
    // A bundle that does not build (e.g. a schema this engine rejects) never replaces a working one.
    const engine = engineFromPublishedBundle(bundle);
    this.engine = engine;
    this.nonepublished = false;
    const changed = this.revision !== bundle.revision;
    this.revision = bundle.revision;
    this.etag = etag;
    this.confirmedAt = this.now();
    this.metrics.bundleRevision.set(Number(bundle.revision) || 0);
    if (changed) {
      this.logger.info("policy bundle loaded", { revision: bundle.revision, policies: bundle.policies.length });
      for (const listener of this.changeListeners) listener();
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const started = this.now();
      try {
        await this.pollOnce();
        // A console without long-poll answers at once: re-ask after a short floor, not in a hot loop.
        const elapsed = this.now() - started;
        if (elapsed < POLL_FLOOR_MS) await sleep(POLL_FLOOR_MS - elapsed, this.abort.signal);
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn("policy bundle refresh failed; deciding from the cached bundle", { error: error as Error, revision: this.revision });
        await sleep(this.config.bundle.retryMs, this.abort.signal);
      }
    }
  }
}

/** Re-ask interval when the console does not hold a conditional request. */
export const POLL_FLOOR_MS = 250;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    // The signal is long-lived (a component's stop signal): remove the listener when the timer fires,
    // or every backoff and poll interval would leave one behind on it for the life of the process.
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
