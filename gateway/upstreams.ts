import { AsyncLocalStorage } from "node:async_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ServerCapabilities, Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { UpstreamConfig } from "./config";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";

/** Any JSON-RPC result, kept exactly as the upstream sent it. */
const AnyResult = z.looseObject({});

/** The W3C traceparent of the call being forwarded, read by the HTTP upstream's fetch. */
export const callTrace = new AsyncLocalStorage<{ traceparent: string }>();

/**
 * One upstream MCP server, reached with the official SDK client over Streamable HTTP or stdio
 * (spawned). Its credential is injected here, never handed to agents: for HTTP it is read at each
 * request (so a rotated secret applies at once), for stdio it is set in the child's environment.
 */
export class Upstream {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  capabilities: ServerCapabilities = {};
  tools = new Map<string, Tool>();
  toolsSeenAt = 0;

  /**
   * @param onToolsListed called with every tools/list answer, whoever asked (an agent's tools/list, or a
   *   tools/call of a tool not seen yet): the gateway's catalog, reported to the console, is built from it.
   */
  constructor(
    readonly config: UpstreamConfig,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly onToolsListed: (tools: Tool[]) => void = () => undefined,
  ) {}

  get connected(): boolean {
    return this.client !== null;
  }

  /** Where calls go, as recorded in decisions: the URL's origin, or stdio:<name>. */
  get destination(): string {
    return this.config.transport === "http" && this.config.url ? new URL(this.config.url).host : `stdio:${this.config.name}`;
  }

  private credentialValue(): string | undefined {
    const credential = this.config.credential;
    if (!credential) return undefined;
    return credential.valueEnv ? process.env[credential.valueEnv] : credential.value;
  }

  connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().then(
      (client) => {
        this.client = client;
        this.connecting = null;
        return client;
      },
      (error: unknown) => {
        this.connecting = null;
        throw error;
      },
    );
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const client = new Client({ name: "steward-gateway", version: "1.0.0" });
    const { config } = this;
    let transport;
    if (config.transport === "http") {
      if (!config.url) throw new Error(`upstream ${config.name}: http transport needs a url`);
      transport = new StreamableHTTPClientTransport(new URL(config.url), {
        fetch: (url, init) => {
          const headers = new Headers(init?.headers);
          const value = this.credentialValue();
          if (value) headers.set(config.credential?.header ?? "authorization", value);
          const trace = callTrace.getStore();
          if (trace) headers.set("traceparent", trace.traceparent);
          return fetch(url, { ...init, headers });
        },
      });
    } else {
      if (!config.command) throw new Error(`upstream ${config.name}: stdio transport needs a command`);
      const env: Record<string, string> = { PATH: process.env.PATH ?? "", ...(config.credential?.env ?? {}) };
      const value = this.credentialValue();
      if (value && config.credential?.header) env[`STEWARD_UPSTREAM_${config.credential.header.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`] = value;
      transport = new StdioClientTransport({ command: config.command, args: config.args, env, stderr: "inherit" });
    }
    client.onclose = () => {
      if (this.client === client) this.client = null;
      this.logger.warn("upstream connection closed", { upstream: config.name });
    };
    await client.connect(transport);
    this.capabilities = client.getServerCapabilities() ?? {};
    this.logger.info("upstream connected", { upstream: config.name, transport: config.transport });
    return client;
  }

  /** Forwards one request and returns the upstream's result unchanged. */
  async request(method: string, params: Record<string, unknown> | undefined, traceparent?: string): Promise<Record<string, unknown>> {
    try {
      const client = await this.connect();
      const withMeta = traceparent ? { ...params, _meta: { ...((params?._meta as object | undefined) ?? {}), traceparent } } : params;
      const send = () => client.request({ method, params: withMeta } as never, AnyResult, { timeout: this.config.timeoutMs });
      return (await (traceparent ? callTrace.run({ traceparent }, send) : send())) as Record<string, unknown>;
    } catch (error) {
      this.metrics.upstreamErrors.inc({ upstream: this.config.name });
      throw error;
    }
  }

  /** The upstream's tools (all pages), with configured annotation overrides applied. */
  async listTools(): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = (await this.request("tools/list", cursor ? { cursor } : undefined)) as { tools?: Tool[]; nextCursor?: string };
      tools.push(...(page.tools ?? []));
      cursor = page.nextCursor;
    } while (cursor && tools.length < 10_000);
    const withOverrides = tools.map((tool) => {
      const override = this.config.toolAnnotations[tool.name];
      return override ? { ...tool, annotations: { ...(tool.annotations ?? {}), ...override } } : tool;
    });
    this.tools = new Map(withOverrides.map((tool) => [tool.name, tool]));
    this.toolsSeenAt = Date.now();
    this.onToolsListed(withOverrides);
    return withOverrides;
  }

  /** Annotations of a tool (cached from the last tools/list; listed once if unknown). */
  async annotationsOf(name: string): Promise<Record<string, unknown>> {
    if (!this.tools.has(name) && Date.now() - this.toolsSeenAt > 1_000) await this.listTools().catch(() => undefined);
    return (this.tools.get(name)?.annotations as Record<string, unknown> | undefined) ?? this.config.toolAnnotations[name] ?? {};
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.close().catch(() => undefined);
  }
}
