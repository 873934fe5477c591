import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { GatewayConfig, UpstreamConfig } from "./config";
import { ConsoleSync, type GatewayStatusReport } from "./console-sync";
import { ApprovalDesk } from "./approvals";
import { Decider } from "./decide";
import { EdgePdp } from "./edge-pdp";
import { IdentityVerifier } from "./identity";
import { createLogger, type Logger } from "./log";
import { jsonRpcError, McpProxy } from "./mcp-proxy";
import { createMetrics, type Metrics } from "./metrics";
import { PolicySource } from "./policy-source";
import { RevocationList } from "./revocations";
import { SecretReleases } from "./secret-releases";
import { Shipper } from "./shipper";
import { SpiffeTrust } from "./spiffe-trust";
import { Spool } from "./spool";
import { Upstream } from "./upstreams";

class BodyTooLarge extends Error {}

/** Reads a request body up to `limit` bytes; beyond it stops reading and throws BodyTooLarge. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * The Steward Gateway process: the MCP proxy (`/mcp/<upstream>`), the edge PDP
 * (`/access/v1/*`), RFC 9728 protected-resource metadata, and operations endpoints
 * (/healthz, /readyz, /metrics). Plain node:http; no framework on the hot path.
 */
export class Gateway {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly policy: PolicySource;
  readonly revocations: RevocationList;
  readonly identity: IdentityVerifier;
  /** SPIFFE trust bundles and registered SPIFFE IDs, pulled from the console (gateway/spiffe-trust.ts). */
  readonly spiffe: SpiffeTrust;
  readonly spool: Spool;
  readonly shipper: Shipper;
  readonly decider: Decider;
  readonly pdp: EdgePdp;
  readonly approvals: ApprovalDesk;
  /** Console secrets released per task for upstreams whose credential is one (gateway/secret-releases.ts). */
  readonly releases: SecretReleases;
  readonly sync: ConsoleSync;
  readonly upstreams = new Map<string, Upstream>();
  readonly proxies = new Map<string, McpProxy>();
  /** Tool catalog as observed from upstream tools/list answers: server → tool → annotations and first/last seen. */
  readonly catalog = new Map<string, Map<string, { description: string; annotations: Record<string, unknown>; firstSeen: string; lastSeen: string }>>();
  private http: HttpServer | null = null;
  private inflight = 0;
  private draining = false;
  private readonly pdpKeys: Buffer[];

  constructor(readonly config: GatewayConfig, options: { logger?: Logger; jwksCooldownMs?: number } = {}) {
    this.logger = options.logger ?? createLogger(config.logLevel);
    this.metrics = createMetrics();
    this.policy = new PolicySource(config, this.logger, this.metrics);
    this.revocations = new RevocationList(config, this.logger);
    this.spiffe = new SpiffeTrust(config, this.logger);
    this.identity = new IdentityVerifier(config, this.revocations, { jwksCooldownMs: options.jwksCooldownMs }, this.spiffe);
    this.spool = Spool.open(config.spool, this.metrics, this.logger);
    this.shipper = new Shipper(config, this.spool, this.metrics, this.logger);
    const name = new URL(config.publicUrl).host;
    this.approvals = new ApprovalDesk({ consoleUrl: config.console.url, token: config.console.token, holdMs: config.approvals.holdSeconds * 1000, gatewayName: name, logger: this.logger });
    this.decider = new Decider(this.policy, this.spool, this.metrics, name, this.approvals);
    this.pdp = new EdgePdp(this.policy, this.spool, this.metrics, name, this.approvals);
    this.pdpKeys = config.pdpKeys.map((hex) => Buffer.from(hex, "hex"));
    this.releases = new SecretReleases(config, this.logger, this.metrics);
    // A revoked token, ended task or revoked agent: its released secrets and upstream sessions go at once, not at expiry.
    this.revocations.onApply(() => {
      const isRevoked = (claims: { jti: string; task_id: string | undefined; sub: string }) => this.revocations.isRevoked(claims);
      this.releases.forget(isRevoked);
      for (const upstream of this.upstreams.values()) upstream.endRevokedSessions(isRevoked);
    });
    for (const upstreamConfig of config.upstreams) this.addUpstream(upstreamConfig);
    this.sync = new ConsoleSync(config, this.logger, () => this.statusReport(), (upstream) => this.addUpstream(upstream));
  }

  /** Serves an upstream at /mcp/<name>. One configured locally keeps its settings over a console registration of the same name. */
  addUpstream(upstreamConfig: UpstreamConfig): void {
    if (this.upstreams.has(upstreamConfig.name)) return;
    const upstream: Upstream = new Upstream(upstreamConfig, this.logger, this.metrics, (tools) => this.noteTools(upstream, tools));
    this.upstreams.set(upstreamConfig.name, upstream);
    this.proxies.set(upstreamConfig.name, new McpProxy(upstream, this.decider, this.metrics, this.logger, this.releases));
    this.logger.info("upstream registered", { upstream: upstreamConfig.name, transport: upstreamConfig.transport });
  }

  statusReport(): GatewayStatusReport {
    const status = this.policy.status();
    return {
      policyRevision: status.revision,
      bundleAgeSeconds: status.confirmedAt ? Math.round((Date.now() - Date.parse(status.confirmedAt)) / 1000) : null,
      spool: { backlog: this.spool.backlogRecords, bytes: this.spool.backlogBytes, full: this.spool.isFull },
      upstreams: [...this.upstreams.values()].map((upstream) => ({ name: upstream.config.name, transport: upstream.config.transport, connected: upstream.connected, tools: upstream.tools.size })),
      tools: [...this.catalog].flatMap(([server, tools]) => [...tools].map(([name, tool]) => ({ server, name, description: tool.description, annotations: tool.annotations }))),
    };
  }

  get url(): string {
    const address = this.http?.address() as AddressInfo | null;
    return address ? `http://${address.address}:${address.port}` : "";
  }

  async start(): Promise<void> {
    this.policy.start();
    this.revocations.start();
    this.shipper.start();
    this.sync.start();
    this.spiffe.start();
    this.http = createServer((req, res) => void this.route(req, res));
    this.http.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      this.http!.once("error", reject);
      this.http!.listen(this.config.listen.port, this.config.listen.host, () => resolve());
    });
    this.logger.info("gateway listening", { url: this.url, publicUrl: this.config.publicUrl, upstreams: [...this.upstreams.keys()] });
  }

  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (up to drainMs), commit the
   * spool, try once to ship the backlog, close upstreams. Nothing decided is lost: what is not
   * shipped stays in the spool for the next start.
   */
  async stop(): Promise<void> {
    this.draining = true;
    // Calls held for approval are answered now (refused, their access requests stay open) so draining ends.
    this.approvals.stop();
    // The console pollers first: calls in flight are decided on the bundle already loaded, and a console
    // stopping at the same time (Ctrl-C reaches the whole demo) must not make them warn while we drain.
    await Promise.all([this.policy.stop(), this.revocations.stop(), this.sync.stop(), this.spiffe.stop()]);
    const closed = new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeIdleConnections();
    const deadline = Date.now() + this.config.drainMs;
    while (this.inflight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    this.http?.closeAllConnections();
    await closed;
    await this.spool.drain();
    await this.shipper.stop({ flush: true, deadlineMs: Math.min(5_000, this.config.drainMs) });
    for (const proxy of this.proxies.values()) await proxy.close();
    for (const upstream of this.upstreams.values()) await upstream.close();
    this.spool.close();
    this.logger.info("gateway stopped", { backlog: this.spool.backlogRecords, ...(this.spool.backlogRecords ? { note: "unshipped decisions stay in the spool and are shipped after the next start" } : {}) });
  }

  private noteTools(upstream: Upstream, tools: Tool[]): void {
    const now = new Date().toISOString();
    const known = this.catalog.get(upstream.config.name) ?? new Map();
    for (const tool of tools) known.set(tool.name, { description: (tool.description ?? "").slice(0, 2000), annotations: (tool.annotations ?? {}) as Record<string, unknown>, firstSeen: known.get(tool.name)?.firstSeen ?? now, lastSeen: now });
    this.catalog.set(upstream.config.name, known);
  }

  /** The resource identifier (RFC 8707) of an MCP endpoint. */
  resourceFor(name: string): string {
    return `${this.config.publicUrl.replace(/\/$/, "")}/mcp/${name}`;
  }

  private protectedResourceMetadata(name: string) {
    return { resource: this.resourceFor(name), authorization_servers: [this.identity.authorizationServer], bearer_methods_supported: ["header"], resource_name: `Steward Gateway: ${name}` };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // In flight until the response is written (or its socket dies): the SDK transport may return before it answers.
    // A GET is an SSE stream that stays open for the session's life: draining does not wait for it.
    if (req.method !== "GET") {
      this.inflight++;
      res.once("close", () => this.inflight--);
    }
    try {
      const url = new URL(req.url ?? "/", "http://gateway.local");
      const path = url.pathname;
      if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
      if (path === "/readyz") {
        const state = this.policy.current();
        const ready = state.ok && !this.draining && !(this.spool.isFull && this.config.spool.whenFull === "fail-closed");
        return sendJson(res, ready ? 200 : 503, { ready, bundle: this.policy.status(), reason: state.ok ? undefined : state.reason, spool: { backlog: this.spool.backlogRecords, bytes: this.spool.backlogBytes, full: this.spool.isFull }, draining: this.draining });
      }
      if (path === "/metrics") {
        this.policy.current();
        const oldest = this.spool.oldestTime();
        this.metrics.spoolAgeSeconds.set(oldest ? (Date.now() - Date.parse(oldest)) / 1000 : 0);
        res.writeHead(200, { "content-type": this.metrics.registry.contentType });
        res.end(await this.metrics.registry.metrics());
        return;
      }
      const wellKnown = /^\/\.well-known\/oauth-protected-resource(?:\/mcp\/([a-z0-9_-]+))?$/.exec(path);
      if (wellKnown && req.method === "GET") {
        const name = wellKnown[1] ?? [...this.upstreams.keys()][0];
        if (!name || !this.upstreams.has(name)) return sendJson(res, 404, { error: "not_found" });
        return sendJson(res, 200, this.protectedResourceMetadata(name));
      }
      if (path === "/.well-known/authzen-configuration") return sendJson(res, 200, this.pdp.configuration(this.config.publicUrl));
      if (path === "/access/v1/evaluation" || path === "/access/v1/evaluations") return await this.handlePdp(req, res, path);
      const mcp = /^\/mcp\/([a-z0-9_-]+)$/.exec(path);
      if (mcp) return await this.handleMcp(req, res, mcp[1]!);
      return sendJson(res, 404, { error: "not_found", message: "Unknown path" });
    } catch (error) {
      this.logger.error("request failed", { error: error as Error, path: req.url });
      sendJson(res, 500, { error: "internal" });
    }
  }

  private async handlePdp(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== "POST") return sendJson(res, 405, { error: { code: "method_not_allowed", message: "Use POST" } }, { allow: "POST" });
    const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const digest = presented ? createHash("sha256").update(presented).digest() : null;
    if (!digest || !this.pdpKeys.some((key) => timingSafeEqual(key, digest))) return sendJson(res, 401, { error: { code: "unauthorized", message: "A PDP key is required" } }, { "www-authenticate": 'Bearer realm="steward-edge-pdp"' });
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, this.config.maxMessageBytes)).toString("utf8"));
    } catch (error) {
      if (error instanceof BodyTooLarge) return sendJson(res, 413, { error: { code: "too_large", message: `At most ${this.config.maxMessageBytes} bytes` } });
      return sendJson(res, 400, { error: { code: "bad_request", message: "The body is not valid JSON" } });
    }
    const answer = path.endsWith("/evaluation") ? await this.pdp.evaluation(body) : await this.pdp.evaluations(body);
    const requestId = req.headers["x-request-id"];
    sendJson(res, answer.status, answer.body, typeof requestId === "string" && /^[\x21-\x7e]{1,128}$/.test(requestId) ? { "x-request-id": requestId } : {});
  }

  private async handleMcp(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const proxy = this.proxies.get(name);
    if (!proxy) return sendJson(res, 404, { error: "not_found", message: `No upstream named ${name}` });
    if (this.draining) return jsonRpcError(res, 503, -32603, "The gateway is shutting down", { "retry-after": "1" });
    const metadataUrl = `${this.config.publicUrl.replace(/\/$/, "")}/.well-known/oauth-protected-resource/mcp/${name}`;
    const auth = await this.identity.authenticate(req.headers.authorization, [this.resourceFor(name), this.config.publicUrl.replace(/\/$/, ""), `${this.config.publicUrl.replace(/\/$/, "")}/`], !req.headers["mcp-session-id"]);
    if (!auth.ok) {
      if (auth.unknownSpiffeId) await this.decider.recordUnknownSpiffeId(auth.unknownSpiffeId, { name, destination: this.upstreams.get(name)?.destination ?? name }, auth.description).catch((error: unknown) => this.logger.warn("could not record a refused SPIFFE ID", { error: error as Error }));
      // RFC 6750 §3 + RFC 9728 §5.1: tell the client where to find how to get a token.
      const challenge = auth.presented ? `Bearer error="${auth.error}", error_description="${auth.description.replace(/"/g, "'")}", resource_metadata="${metadataUrl}"` : `Bearer resource_metadata="${metadataUrl}"`;
      return sendJson(res, 401, { error: auth.error, error_description: auth.description }, { "www-authenticate": challenge });
    }
    let body: unknown;
    if (req.method === "POST") {
      try {
        const raw = await readBody(req, this.config.maxMessageBytes);
        body = JSON.parse(raw.toString("utf8"));
      } catch (error) {
        if (error instanceof BodyTooLarge) return jsonRpcError(res, 413, -32600, `Message too large: at most ${this.config.maxMessageBytes} bytes`, { connection: "close" });
        return jsonRpcError(res, 400, -32700, "Parse error: the body is not valid JSON");
      }
    }
    const withAuth = Object.assign(req, { auth: { token: auth.token, clientId: auth.identity.clientId ?? auth.identity.agentId, scopes: auth.identity.scopes ?? [], expiresAt: auth.identity.expiresAt ?? undefined, extra: { identity: auth.identity } } });
    await proxy.handle(withAuth, res, auth.identity, body);
  }
}
