import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import { isInitializeRequest, isJSONRPCErrorResponse, isJSONRPCRequest, isJSONRPCResultResponse, JSONRPCMessageSchema, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage, type RequestId } from "@modelcontextprotocol/sdk/types.js";

/** The answer that ends the POST of a cancelled request (the JSON-RPC code LSP uses; MCP defines none, and the client ignores it). */
const REQUEST_CANCELLED = -32800;

/** The SDK's own bound on a JSON-RPC batch (server/requestBody.js MAX_BATCH_SIZE). */
const MAX_BATCH = 100;

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  if (body === null) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

const protocolError = (res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}) => answer(res, status, { jsonrpc: "2.0", error: { code, message }, id: null }, headers);

/**
 * A Streamable HTTP server transport (MCP 2025-06-18 §Transports) for node:http that answers
 * every POST with a JSON body — the SDK transport's `enableJsonResponse` mode — without the SDK's
 * Web-standard bridge (`@hono/node-server`: a Web Request, Response and streams built around every
 * POST; ≈ 8–10 % of the gateway's busy CPU in its profile). It implements the SDK's `Transport`,
 * so the SDK `Server` still does the protocol: initialization, capability checks, schema
 * validation of every request, unknown methods. Checks as the SDK transport does: Accept (406),
 * Content-Type (415), JSON-RPC shape (400/-32700), batch size, one initialize per session,
 * `Mcp-Protocol-Version` (400). GET answers 405 (the spec lets a server offer no SSE stream; the
 * gateway never sends server-initiated messages), DELETE ends the session. Session lookup and
 * ownership are the caller's (McpProxy).
 */
export class NodeJsonServerTransport implements Transport {
  sessionId?: string;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport["onmessage"];
  private initialized = false;
  private closed = false;
  /** Request id → the HTTP exchange waiting for its response. */
  private readonly waiting = new Map<RequestId, (message: JSONRPCMessage) => void>();

  constructor(private readonly options: { onsessioninitialized?: (sessionId: string) => void; onsessionclosed?: (sessionId: string) => void } = {}) {}

  async start(): Promise<void> {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiting.clear();
    this.onclose?.();
  }

  /** A response goes to the POST waiting for it; anything else has no stream in JSON mode and is dropped, as the SDK transport drops it without a GET stream. */
  async send(message: JSONRPCMessage, _options?: TransportSendOptions): Promise<void> {
    if (!isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message)) return;
    const deliver = this.waiting.get(message.id as RequestId);
    if (!deliver) return;
    this.waiting.delete(message.id as RequestId);
    deliver(message);
  }

  /** One HTTP request on this session (or the initialize that opens it); `body` is the parsed JSON of a POST. */
  async handleRequest(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse, body: unknown): Promise<void> {
    if (this.closed) return protocolError(res, 404, -32001, "Session not found");
    if (req.method === "GET") return protocolError(res, 405, -32000, "Method not allowed: this server offers no SSE stream", { allow: "POST, DELETE" });
    if (req.method === "DELETE") {
      if (this.badVersion(req, res)) return;
      if (this.sessionId) this.options.onsessionclosed?.(this.sessionId);
      answer(res, 200, null);
      await this.close();
      return;
    }
    if (req.method !== "POST") return protocolError(res, 405, -32000, "Method not allowed.", { allow: "GET, POST, DELETE" });
    const accept = req.headers.accept ?? "";
    if (!accept.includes("application/json") || !accept.includes("text/event-stream")) return protocolError(res, 406, -32000, "Not Acceptable: Client must accept both application/json and text/event-stream");
    const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (contentType !== "application/json") return protocolError(res, 415, -32000, "Unsupported Media Type: Content-Type must be application/json");
    if (Array.isArray(body) && body.length > MAX_BATCH) return protocolError(res, 400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH} messages`);
    let messages: JSONRPCMessage[];
    try {
      messages = (Array.isArray(body) ? body : [body]).map((raw) => JSONRPCMessageSchema.parse(raw));
    } catch {
      return protocolError(res, 400, -32700, "Parse error: Invalid JSON-RPC message");
    }
    const initializing = messages.some(isInitializeRequest);
    if (initializing) {
      if (this.initialized) return protocolError(res, 400, -32600, "Invalid Request: Server already initialized");
      if (messages.length > 1) return protocolError(res, 400, -32600, "Invalid Request: Only one initialization request is allowed");
      this.initialized = true;
      this.sessionId = randomUUID();
      this.options.onsessioninitialized?.(this.sessionId);
    } else if (this.badVersion(req, res)) return;
    const extra = { authInfo: req.auth, requestInfo: { headers: req.headers, url: new URL(req.url ?? "/", "http://gateway.local") } };
    const requests = messages.filter(isJSONRPCRequest);
    // A cancelled request gets no response from the SDK (MCP §Cancellation), but its POST is still
    // open in this JSON mode: end it with an error the client ignores, after the SDK aborted the handler.
    const cancels = messages.filter((message) => "method" in message && message.method === "notifications/cancelled" && !("id" in message));
    if (!requests.length) {
      for (const message of messages) this.onmessage?.(message, extra);
      for (const cancel of cancels) {
        const requestId = (cancel as { params?: { requestId?: RequestId } }).params?.requestId;
        if (requestId !== undefined) void this.send({ jsonrpc: "2.0", id: requestId, error: { code: REQUEST_CANCELLED, message: "Request cancelled" } });
      }
      return answer(res, 202, null);
    }
    const gone = new Promise<null>((resolve) => res.once("close", () => resolve(null)));
    const responses = Promise.all(requests.map((request) => new Promise<JSONRPCMessage>((resolve) => this.waiting.set(request.id, resolve))));
    for (const message of messages) this.onmessage?.(message, extra);
    const answered = await Promise.race([responses, gone]);
    if (answered === null) {
      // The client went away before its answer: the requests still waiting are cancelled as if it had
      // sent notifications/cancelled, so their handlers (a call held for approval) end at once.
      for (const request of requests) {
        if (!this.waiting.delete(request.id) || this.closed) continue;
        this.onmessage?.({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: request.id, reason: "The client's HTTP connection closed" } }, extra);
      }
      return;
    }
    answer(res, 200, Array.isArray(body) ? answered : answered[0], this.sessionId ? { "mcp-session-id": this.sessionId } : {});
  }

  private badVersion(req: IncomingMessage, res: ServerResponse): boolean {
    const version = req.headers["mcp-protocol-version"];
    if (typeof version !== "string" || SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return false;
    protocolError(res, 400, -32000, `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`);
    return true;
  }
}
