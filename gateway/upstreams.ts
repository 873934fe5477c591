import { AsyncLocalStorage } from "node:async_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ServerCapabilities, Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { UpstreamConfig } from "./config";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";
import type { TaskCredential } from "./secret-releases";

/** Any JSON-RPC result, kept exactly as the upstream sent it. */
const AnyResult = z.looseObject({});

/** The W3C traceparent of the call being forwarded, read by the HTTP upstream's fetch. */
export const callTrace = new AsyncLocalStorage<{ traceparent: string }>();

type TaskSession = { client: Promise<Client>; value: string; expiresAt: number; jti: string; taskId: string | null; agentId: string; timer: NodeJS.Timeout };

/** Per-task upstream sessions open at most (oldest ended first). */
const MAX_TASK_SESSIONS = 1_000;

/**
 * One upstream MCP server, reached with the official SDK client over Streamable HTTP or stdio
 * (spawned). Its credential is injected here, never handed to agents: for HTTP it is read at each
 * request (so a rotated secret applies at once), for stdio it is set in the child's environment.
 *
 * An upstream whose credential is a console secret (`credential.consoleSecret`, HTTP only) has no
 * shared session: each task token gets its own SDK client, every HTTP request of which (initialize,
 * calls, lists, the DELETE that ends it) carries that task's released credential, and which is
 * ended when the credential's window ends or the token is revoked. So one task's secret is never
 * sent for another task's request, nor after its window.
 */
export class Upstream {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private readonly taskSessions = new Map<string, TaskSession>();
  /** Ended sessions whose in-flight requests are finishing (closed at the latest when the gateway stops). */
  private readonly drainingSessions = new Set<TaskSession>();
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
    return this.client !== null || this.taskSessions.size > 0;
  }

  /** Its credential is released by the console per task (gateway/secret-releases.ts): calls need a TaskCredential. */
  get perTask(): boolean {
    return Boolean(this.config.credential?.consoleSecret);
  }

  /** Per-task sessions open now (tests, status). */
  get taskSessionCount(): number {
    return this.taskSessions.size;
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

  /** The client a request goes through: the shared one, or (per-task upstream) the session of this task's credential. */
  private clientFor(credential: TaskCredential | undefined): Promise<Client> {
    if (!this.perTask) return this.connect();
    // Fail closed: a per-task upstream is never called without the caller's released credential.
    if (!credential) return Promise.reject(new Error(`upstream ${this.config.name}: no released credential for this call`));
    const now = Date.now();
    let session = this.taskSessions.get(credential.key);
    // A new release (a renewed downstream token) or a window that ended: a fresh session carries the new value.
    if (session && (session.value !== credential.value || session.expiresAt <= now)) {
      this.endSession(credential.key, "drain");
      session = undefined;
    }
    if (!session) {
      if (this.taskSessions.size >= MAX_TASK_SESSIONS) this.endSession(this.taskSessions.keys().next().value!, "drain");
      const key = credential.key;
      const client = this.open(credential, () => {
        if (this.taskSessions.get(key)?.client === client) this.endSession(key);
      });
      const timer = setTimeout(() => this.endSession(key, "drain"), Math.max(0, credential.expiresAt - now));
      timer.unref();
      const opened: TaskSession = { client, value: credential.value, expiresAt: credential.expiresAt, jti: credential.jti, taskId: credential.taskId, agentId: credential.agentId, timer };
      session = opened;
      this.taskSessions.set(key, opened);
      client.catch(() => {
        if (this.taskSessions.get(key) === opened) this.endSession(key);
      });
    }
    return session.client;
  }

  /**
   * Ends a per-task session; its credential leaves memory with it. No new request uses it from now on.
   * `drain` (its window ended, or a renewed credential replaces it): requests already in flight on it —
   * sent within the window — get up to the upstream's timeout to finish, then DELETE (stateful
   * upstreams) and close. `now` (a failed session, the gateway stopping): DELETE and close at once.
   * `revoked`: closed at once without another request — the revoked task's credential is not sent again,
   * not even to end its session (the upstream expires it).
   */
  private endSession(key: string, how: "drain" | "now" | "revoked" = "now"): void {
    const session = this.taskSessions.get(key);
    if (!session) return;
    this.taskSessions.delete(key);
    clearTimeout(session.timer);
    const end = () => {
      this.drainingSessions.delete(session);
      void session.client.then(
        async (client) => {
          if (how !== "revoked") await (client.transport as StreamableHTTPClientTransport | undefined)?.terminateSession().catch(() => undefined);
          await client.close().catch(() => undefined);
        },
        () => undefined,
      );
    };
    if (how !== "drain") return end();
    this.drainingSessions.add(session);
    session.timer = setTimeout(end, this.config.timeoutMs);
    session.timer.unref();
  }

  /** Ends the per-task sessions of revoked tokens, tasks or agents (the revocation feed's check). */
  endRevokedSessions(isRevoked: (claims: { jti: string; task_id: string | undefined; sub: string }) => unknown): void {
    for (const [key, session] of this.taskSessions) if (isRevoked({ jti: session.jti, task_id: session.taskId ?? undefined, sub: session.agentId })) this.endSession(key, "revoked");
  }

  private async open(credential?: TaskCredential, onClosed?: () => void): Promise<Client> {
    const client = new Client({ name: "steward-gateway", version: "1.0.0" });
    const { config } = this;
    let transport;
    if (config.transport === "http") {
      if (!config.url) throw new Error(`upstream ${config.name}: http transport needs a url`);
      transport = new StreamableHTTPClientTransport(new URL(config.url), {
        fetch: (url, init) => {
          const headers = new Headers(init?.headers);
          const value = credential ? credential.value : this.credentialValue();
          if (value) headers.set(credential?.header ?? config.credential?.header ?? "authorization", value);
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
      if (credential) return onClosed?.();
      if (this.client === client) this.client = null;
      this.logger.warn("upstream connection closed", { upstream: config.name });
    };
    await client.connect(transport);
    this.capabilities = client.getServerCapabilities() ?? {};
    if (credential) this.logger.debug("upstream session opened for a task", { upstream: config.name, taskId: credential.taskId });
    else this.logger.info("upstream connected", { upstream: config.name, transport: config.transport });
    return client;
  }

  /** Forwards one request and returns the upstream's result unchanged. */
  async request(method: string, params: Record<string, unknown> | undefined, traceparent?: string, credential?: TaskCredential): Promise<Record<string, unknown>> {
    try {
      const client = await this.clientFor(credential);
      const withMeta = traceparent ? { ...params, _meta: { ...((params?._meta as object | undefined) ?? {}), traceparent } } : params;
      const send = () => client.request({ method, params: withMeta } as never, AnyResult, { timeout: this.config.timeoutMs });
      return (await (traceparent ? callTrace.run({ traceparent }, send) : send())) as Record<string, unknown>;
    } catch (error) {
      this.metrics.upstreamErrors.inc({ upstream: this.config.name });
      throw error;
    }
  }

  /** The upstream's tools (all pages), with configured annotation overrides applied. */
  async listTools(credential?: TaskCredential): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = (await this.request("tools/list", cursor ? { cursor } : undefined, undefined, credential)) as { tools?: Tool[]; nextCursor?: string };
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

  /**
   * Annotations of a tool (cached from the last tools/list; listed once if unknown). A per-task
   * upstream is listed through the caller's session: `credential` releases it (at most once per call).
   */
  async annotationsOf(name: string, credential?: () => Promise<TaskCredential | undefined>): Promise<Record<string, unknown>> {
    if (!this.tools.has(name) && Date.now() - this.toolsSeenAt > 1_000) await (async () => this.listTools(await credential?.()))().catch(() => undefined);
    return (this.tools.get(name)?.annotations as Record<string, unknown> | undefined) ?? this.config.toolAnnotations[name] ?? {};
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    const sessions = [...this.taskSessions.values(), ...this.drainingSessions];
    for (const key of [...this.taskSessions.keys()]) this.endSession(key);
    for (const session of this.drainingSessions) clearTimeout(session.timer);
    this.drainingSessions.clear();
    await client?.close().catch(() => undefined);
    await Promise.all(sessions.map((session) => session.client.then((opened) => opened.close(), () => undefined).catch(() => undefined)));
  }
}
