import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

/**
 * A small MCP server shipped as demo code (and used by the gateway's tests as a real upstream):
 * an in-memory file store with a read tool, a destructive delete tool, an echo tool, one
 * resource per file and a prompt. Nothing here is Steward-specific.
 */
export function createFilesServer(files: Map<string, string> = new Map([["/docs/readme.md", "# Hello"], ["/etc/secrets", "s3cr3t"]])): McpServer {
  const server = new McpServer({ name: "demo-files", version: "1.0.0" });
  server.registerTool("read_file", { description: "Read a file", inputSchema: { path: z.string() }, annotations: { readOnlyHint: true } }, async ({ path }) => {
    const content = files.get(path);
    return content === undefined ? { content: [{ type: "text", text: `No such file: ${path}` }], isError: true } : { content: [{ type: "text", text: content }] };
  });
  server.registerTool("delete_file", { description: "Delete a file", inputSchema: { path: z.string() }, annotations: { destructiveHint: true } }, async ({ path }) => {
    files.delete(path);
    return { content: [{ type: "text", text: `Deleted ${path}` }] };
  });
  // delayMs: a slow call, for tests of calls in flight (e.g. across the end of a credential's window).
  server.registerTool("echo", { description: "Echo the text back", inputSchema: { text: z.string(), delayMs: z.number().int().min(0).max(10_000).optional() } }, async ({ text, delayMs }, extra) => {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return {
      content: [{ type: "text", text }],
      structuredContent: { text, traceparent: (extra._meta as { traceparent?: string } | undefined)?.traceparent ?? null, credential: process.env.STEWARD_UPSTREAM_AUTHORIZATION ? "present" : "absent" },
    };
  });
  server.registerResource("readme", "file:///docs/readme.md", { description: "The readme" }, async (uri) => ({ contents: [{ uri: uri.href, text: files.get("/docs/readme.md") ?? "" }] }));
  server.registerResource("secrets", "file:///etc/secrets", { description: "Secrets" }, async (uri) => ({ contents: [{ uri: uri.href, text: files.get("/etc/secrets") ?? "" }] }));
  server.registerPrompt("summarize", { description: "Summarize a file", argsSchema: { path: z.string() } }, ({ path }) => ({ messages: [{ role: "user", content: { type: "text", text: `Summarize ${path}` } }] }));
  return server;
}

export type RunningFilesServer = { url: string; server: Server; seen: { authorization: string | undefined; traceparent: string | undefined }[]; close: () => Promise<void> };

/** Serves the demo files server over Streamable HTTP (stateless: a fresh server per request), recording the headers each request carried. */
export async function startFilesHttpServer(port: number, options: { requireAuthorization?: string } = {}): Promise<RunningFilesServer> {
  const files = new Map([["/docs/readme.md", "# Hello"], ["/etc/secrets", "s3cr3t"]]);
  const seen: RunningFilesServer["seen"] = [];
  const http = createServer(async (req: IncomingMessage, res) => {
    seen.push({ authorization: req.headers.authorization, traceparent: req.headers.traceparent as string | undefined });
    if (options.requireAuthorization && req.headers.authorization !== options.requireAuthorization) {
      res.writeHead(401).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
    const mcp = createFilesServer(files);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  http.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", resolve));
  const address = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/mcp`,
    server: http,
    seen,
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
