import { abortController } from "./abort";
import type { GatewayConfig } from "./config";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";
import { sleep } from "./policy-source";
import type { Spool } from "./spool";

/**
 * Ships the spool to POST /api/v1/decisions in batches (a JSON array of the records exactly as
 * written), advancing the spool's cursor only after a 2xx — which the console sends only once the
 * batch is committed. A crash between the console's commit and the cursor write re-sends the same
 * bytes; ingest stores an exact retry once, so every decision arrives exactly once.
 *
 * 422 (every item quarantined: the console kept them, with reasons) also advances — re-sending
 * cannot help. 413 halves the batch. Anything else (network, 401/403, 5xx) backs off
 * exponentially with jitter, up to maxBackoffMs, and keeps the records.
 */
export class Shipper {
  private stopped = false;
  private stopping = false;
  private abort = abortController();
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private batchSize: number;
  lastError: string | null = null;
  lastShippedAt = 0;

  constructor(
    private readonly config: GatewayConfig,
    private readonly spool: Spool,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.batchSize = config.spool.batchSize;
    spool.onAppend(() => this.wake?.());
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the batch in flight; with `flush`, first tries (once, within `deadlineMs`) to ship what is left. */
  async stop(options: { flush?: boolean; deadlineMs?: number } = {}): Promise<void> {
    // A last attempt that fails is expected at shutdown (the console may be stopping too): the records
    // stay in the spool, and the gateway's "stopped" line reports the backlog once.
    this.stopping = true;
    if (options.flush) {
      const deadline = Date.now() + (options.deadlineMs ?? 5_000);
      while (this.spool.backlogRecords > 0 && Date.now() < deadline && !this.lastError) await sleep(20);
    }
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (!this.stopped) {
      const batch = this.spool.readBatch(this.batchSize);
      if (!batch.lines.length) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, this.config.spool.shipIntervalMs).unref();
        });
        this.wake = null;
        continue;
      }
      let status = 0;
      try {
        const response = await fetch(new URL("/api/v1/decisions", this.config.console.url), {
          method: "POST",
          headers: { authorization: `Bearer ${this.config.console.token}`, "content-type": "application/json" },
          body: `[${batch.lines.join(",")}]`,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(30_000)]),
        });
        status = response.status;
        const text = await response.text();
        if (response.ok || status === 422) {
          await this.spool.ack(batch.end, batch.lines.length);
          this.metrics.shipped.inc(batch.lines.length);
          this.lastShippedAt = Date.now();
          this.lastError = null;
          backoff = 0;
          if (status === 422) this.logger.error("console quarantined a whole batch of decisions", { records: batch.lines.length, response: text.slice(0, 500) });
          continue;
        }
        if (status === 413 && this.batchSize > 1) {
          this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
          continue;
        }
        throw new Error(`console answered ${status}: ${text.slice(0, 200)}`);
      } catch (error) {
        if (this.stopped) return;
        this.metrics.shipFailures.inc();
        this.lastError = (error as Error).message;
        backoff = Math.min(this.config.spool.maxBackoffMs, backoff ? backoff * 2 : 250);
        const level = status === 401 || status === 403 ? "error" : this.stopping ? "info" : "warn";
        this.logger[level]("shipping decisions failed; keeping them in the spool", { error: error as Error, backlog: this.spool.backlogRecords, retryInMs: backoff });
        await sleep(backoff / 2 + Math.random() * (backoff / 2), this.abort.signal);
      }
    }
  }
}
