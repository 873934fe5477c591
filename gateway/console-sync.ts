import { abortController } from "./abort";
import type { GatewayConfig, UpstreamConfig } from "./config";
import { UpstreamConfig as UpstreamSchema } from "./config";
import type { Logger } from "./log";
import { sleep } from "./policy-source";

export type GatewayStatusReport = {
  policyRevision: string | null;
  bundleAgeSeconds: number | null;
  spool: { backlog: number; bytes: number; full: boolean };
  upstreams: { name: string; transport: "http" | "stdio"; connected: boolean; tools: number }[];
  tools: { server: string; name: string; description: string; annotations: Record<string, unknown> }[];
};

/**
 * The gateway's other conversation with the console (EP token, permission gateway.sync): pulls the
 * MCP servers registered there (GET /api/v1/gateway/upstreams) and reports its state and the tools
 * its upstreams listed (POST /api/v1/gateway/report), so the console shows revision, spool backlog,
 * upstreams and the tool catalog. A console without these routes (404) is tolerated.
 */
export class ConsoleSync {
  private stopped = false;
  private abort = abortController();
  private loop: Promise<void> | null = null;

  constructor(
    private readonly config: GatewayConfig,
    private readonly logger: Logger,
    private readonly status: () => GatewayStatusReport,
    private readonly addUpstream: (upstream: UpstreamConfig) => void,
  ) {}

  start(): void {
    if (this.config.syncIntervalMs > 0) this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }

  async syncOnce(): Promise<void> {
    const headers = { authorization: `Bearer ${this.config.console.token}`, "content-type": "application/json" };
    const pulled = await fetch(new URL("/api/v1/gateway/upstreams", this.config.console.url), { headers, signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(10_000)]) });
    if (pulled.ok) {
      const { upstreams } = (await pulled.json()) as { upstreams: Record<string, unknown>[] };
      for (const registered of upstreams) {
        const parsed = UpstreamSchema.safeParse({ ...registered, url: registered.url ?? undefined, command: registered.command ?? undefined, credential: this.config.upstreamCredentials[String(registered.name)] });
        if (parsed.success) this.addUpstream(parsed.data);
        else this.logger.warn("ignoring a registered MCP server the gateway cannot use", { name: registered.name, problem: parsed.error.issues[0]?.message });
      }
    } else await pulled.body?.cancel();
    const reported = await fetch(new URL("/api/v1/gateway/report", this.config.console.url), { method: "POST", headers, body: JSON.stringify(this.status()), signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(10_000)]) });
    await reported.body?.cancel();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.syncOnce();
      } catch (error) {
        if (this.stopped) return;
        this.logger.debug("console sync failed; retrying", { error: error as Error });
      }
      await sleep(this.config.syncIntervalMs, this.abort.signal);
    }
  }
}
