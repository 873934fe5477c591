import type { IncomingMessage, ServerResponse } from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  isInitializeRequest,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type Prompt,
  type Resource,
} from "@modelcontextprotocol/sdk/types.js";
import { MCP_DENIED, MCP_PDP_UNAVAILABLE, parseTraceparent, type Decider, type DecisionOutcome, type Operation } from "./decide";
import type { CallerIdentity } from "./identity";
import { NodeJsonServerTransport } from "./json-transport";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";
import { CredentialNotReleased, type SecretReleases, type TaskCredential } from "./secret-releases";
import type { Upstream } from "./upstreams";

/**
 * A JSON-RPC error the SDK server sends as is (it copies `code`, `message` and `data`). Not the SDK's
 * McpError: that writes "MCP error <code>: " into the message, and the client's McpError adds it
 * again, so agents showed "MCP error -32001: MCP error -32001: …".
 */
class JsonRpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "JsonRpcFailure";
  }
}

type Session = { transport: NodeJsonServerTransport; server: Server; agentId: string; lastSeen: number };
type Extra = { authInfo?: AuthInfo; requestInfo?: { headers: Record<string, string | string[] | undefined> } };

const identityOf = (extra: Extra): CallerIdentity => {
  const identity = extra.authInfo?.extra?.identity as CallerIdentity | undefined;
  // The HTTP layer authenticates every request before it reaches a handler; no identity is a bug, not a guest.
  if (!identity) throw new JsonRpcFailure(MCP_DENIED, "Access denied: no verified identity");
  return identity;
};

const headerOf = (extra: Extra, name: string) => {
  const value = extra.requestInfo?.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The refusal the agent sees: the profile's code and a reason it can show its user. */
function refusal(decision: DecisionOutcome): JsonRpcFailure {
  if (decision.outcome === "unavailable") return new JsonRpcFailure(MCP_PDP_UNAVAILABLE, decision.message, { decision_id: decision.decisionId });
  return new JsonRpcFailure(MCP_DENIED, decision.message, { decision_id: decision.decisionId, reasons: decision.reasons, ...(decision.accessRequest ? { access_request: decision.accessRequest } : {}) });
}

/** A credential not released, as the reason a decision records (a call is then denied, never forwarded). */
function notReleased(error: unknown): { reason: string; message: string } {
  if (error instanceof CredentialNotReleased) return { reason: error.reason, message: `Denied: ${error.message}; the call was not made` };
  return { reason: "steward:credential-unavailable", message: `Denied: the upstream's credential could not be obtained (${(error as Error).message}); the call was not made` };
}

type CredentialGetter = () => Promise<TaskCredential | undefined>;

/**
 * The agent-facing MCP endpoint for one upstream (`/mcp/<name>`): an SDK Server per session
 * (Streamable HTTP, stateful, JSON responses over NodeJsonServerTransport), bound to the agent that opened it. Each request's identity is
 * verified by the HTTP layer and reaches the handlers as `authInfo`. Every method the gateway
 * does not map is answered by the SDK with "method not found" — unknown methods never reach the
 * upstream.
 */
export class McpProxy {
  private readonly sessions = new Map<string, Session>();

  constructor(
    readonly upstream: Upstream,
    private readonly decider: Decider,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    /** Releases console secrets for upstreams whose credential is one (per task); null: no such upstream is served. */
    private readonly releases: SecretReleases | null = null,
  ) {}

  /**
   * The caller's credential for this upstream, got at most once per request: undefined for an upstream
   * with a shared credential, else released by the console for the caller's task token (or cached).
   */
  private credentialFor(extra: Extra): CredentialGetter {
    const { upstream, releases } = this;
    if (!upstream.perTask) return () => Promise.resolve(undefined);
    let pending: Promise<TaskCredential> | undefined;
    return () => {
      if (!releases) return Promise.reject(new Error("this gateway releases no console secrets"));
      return (pending ??= releases.credentialFor(identityOf(extra), extra.authInfo?.token ?? "", upstream.config));
    };
  }

  /** For lists (filtered, not recorded): the caller's credential, or the refusal as a JSON-RPC error. */
  private async listingCredential(extra: Extra): Promise<TaskCredential | undefined> {
    try {
      return await this.credentialFor(extra)();
    } catch (error) {
      const refused = notReleased(error);
      throw new JsonRpcFailure(MCP_DENIED, refused.message, { reasons: [refused.reason] });
    }
  }

  /** The check an allowed call passes before it is recorded and forwarded (Decider.decide's beforeForward). */
  private releaseCheck(credential: CredentialGetter) {
    return this.upstream.perTask ? () => credential().then(() => null, notReleased) : undefined;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  private op(method: Operation["method"], name: string, extra: Extra, args?: Record<string, unknown>, annotations?: Record<string, unknown>): Operation {
    const { config } = this.upstream;
    return {
      method,
      name,
      arguments: args,
      annotations,
      upstream: { name: config.name, destination: this.upstream.destination, dataSensitivity: config.dataSensitivity, environment: config.environment },
      trace: parseTraceparent(headerOf(extra, "traceparent")),
    };
  }

  private createServer(): Server {
    const server = new Server({ name: `steward-gateway/${this.upstream.config.name}`, version: "1.0.0" }, { capabilities: { tools: { listChanged: false }, resources: {}, prompts: {} } });
    const upstream = this.upstream;

    server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => {
      const identity = identityOf(extra);
      const tools = await upstream.listTools(await this.listingCredential(extra)); // the upstream reports them to the gateway's catalog
      return { tools: tools.filter((tool) => this.decider.allows(identity, this.op("tools/call", tool.name, extra, undefined, tool.annotations as Record<string, unknown>))) };
    });

    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const started = performance.now();
      const identity = identityOf(extra);
      const { name, arguments: args } = request.params;
      const credential = this.credentialFor(extra);
      const op = this.op("tools/call", name, extra, args ?? {}, await upstream.annotationsOf(name, credential));
      const decision = await this.decider.decide(identity, op, extra.signal, this.releaseCheck(credential));
      if (decision.outcome !== "allow") throw refusal(decision);
      // A client that cancelled (or left) while the call was held never has it made for it.
      if (extra.signal.aborted) throw refusal({ ...decision, outcome: "deny", message: "Cancelled by the client" });
      const result = await upstream.request("tools/call", request.params as Record<string, unknown>, op.trace?.header, await credential());
      this.metrics.callSeconds.observe((performance.now() - started) / 1000);
      return result;
    });

    server.setRequestHandler(ListResourcesRequestSchema, async (request, extra) => {
      const identity = identityOf(extra);
      const page = (await upstream.request("resources/list", request.params as Record<string, unknown> | undefined, undefined, await this.listingCredential(extra))) as { resources?: Resource[] };
      return { ...page, resources: (page.resources ?? []).filter((resource) => this.decider.allows(identity, this.op("resources/read", resource.uri, extra))) };
    });

    server.setRequestHandler(ListResourceTemplatesRequestSchema, async (request, extra) => upstream.request("resources/templates/list", request.params as Record<string, unknown> | undefined, undefined, await this.listingCredential(extra)));

    server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
      const identity = identityOf(extra);
      const op = this.op("resources/read", request.params.uri, extra);
      const credential = this.credentialFor(extra);
      const decision = await this.decider.decide(identity, op, undefined, this.releaseCheck(credential));
      if (decision.outcome !== "allow") throw refusal(decision);
      return upstream.request("resources/read", request.params as Record<string, unknown>, op.trace?.header, await credential());
    });

    server.setRequestHandler(ListPromptsRequestSchema, async (request, extra) => {
      const identity = identityOf(extra);
      const page = (await upstream.request("prompts/list", request.params as Record<string, unknown> | undefined, undefined, await this.listingCredential(extra))) as { prompts?: Prompt[] };
      return { ...page, prompts: (page.prompts ?? []).filter((prompt) => this.decider.allows(identity, this.op("prompts/get", prompt.name, extra))) };
    });

    server.setRequestHandler(GetPromptRequestSchema, async (request, extra) => {
      const identity = identityOf(extra);
      const op = this.op("prompts/get", request.params.name, extra, (request.params.arguments ?? {}) as Record<string, unknown>);
      const credential = this.credentialFor(extra);
      const decision = await this.decider.decide(identity, op, undefined, this.releaseCheck(credential));
      if (decision.outcome !== "allow") throw refusal(decision);
      return upstream.request("prompts/get", request.params as Record<string, unknown>, op.trace?.header, await credential());
    });
    return server;
  }

  /**
   * One authenticated HTTP request to this endpoint. `body` is the parsed JSON (POST) or
   * undefined (GET/DELETE). A session belongs to the agent that initialized it: another
   * agent's request on it is refused.
   */
  async handle(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse, identity: CallerIdentity, body: unknown): Promise<void> {
    const sessionId = req.headers["mcp-session-id"];
    const id = Array.isArray(sessionId) ? sessionId[0] : sessionId;
    if (body !== undefined) this.metrics.calls.inc({ method: typeof (body as { method?: unknown })?.method === "string" ? (body as { method: string }).method.slice(0, 64) : "batch" });
    if (id) {
      const session = this.sessions.get(id);
      if (!session) return jsonRpcError(res, 404, -32001, "Session not found");
      if (session.agentId !== identity.agentId) return jsonRpcError(res, 403, MCP_DENIED, "This session belongs to another agent");
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) return jsonRpcError(res, 400, -32600, "Bad Request: no valid session; start with initialize");
    const server = this.createServer();
    const transport: NodeJsonServerTransport = new NodeJsonServerTransport({
      onsessioninitialized: (newId) => {
        this.sessions.set(newId, { transport, server, agentId: identity.agentId, lastSeen: Date.now() });
      },
      onsessionclosed: (closedId) => {
        this.sessions.delete(closedId);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async close(): Promise<void> {
    for (const session of this.sessions.values()) await session.server.close().catch(() => undefined);
    this.sessions.clear();
  }
}

export function jsonRpcError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message } }));
}
