import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { GatewayConfig, type GatewayConfigInput } from "@/gateway/config";
import { createLogger } from "@/gateway/log";

export const TEST_SCHEMA_WITH_ARGS = (schema: string) => schema.replace('"weekday": Long,', '"weekday": Long,\n    "argPath"?: String,');

/** Policies the tests publish: read_file and echo allowed, read_file under /etc/ forbidden, delete_file not permitted. */
export const BASE_POLICIES = {
  allow_read: 'permit(principal, action == Steward::Action::"call_tool", resource == Steward::Tool::"read_file");',
  allow_echo: 'permit(principal, action == Steward::Action::"call_tool", resource == Steward::Tool::"echo");',
  forbid_etc: 'forbid(principal, action == Steward::Action::"call_tool", resource == Steward::Tool::"read_file") when { context has argPath && context.argPath like "/etc/*" };',
  allow_readme: 'permit(principal, action == Steward::Action::"read", resource == Steward::Resource::"file:///docs/readme.md");',
};

export function testConfig(input: { port: number; consoleUrl: string; token: string; upstreams: GatewayConfigInput["upstreams"]; spool?: Partial<GatewayConfig["spool"]>; bundle?: Partial<GatewayConfig["bundle"]>; agentKeys?: Record<string, string>; pdpKeys?: string[]; maxMessageBytes?: number; upstreamCredentials?: GatewayConfigInput["upstreamCredentials"] }): GatewayConfig {
  return GatewayConfig.parse({
    listen: { host: "127.0.0.1", port: input.port },
    publicUrl: `http://127.0.0.1:${input.port}`,
    console: { url: input.consoleUrl, token: input.token },
    bundle: { maxStaleMs: 60_000, longPollSeconds: 25, retryMs: 100, ...input.bundle },
    revocations: { enabled: true, longPollSeconds: 25 },
    spool: { dir: mkdtempSync(path.join(tmpdir(), "steward-spool-")), shipIntervalMs: 50, maxBackoffMs: 200, ...input.spool },
    agentKeys: input.agentKeys ?? {},
    pdpKeys: input.pdpKeys ?? [],
    upstreams: input.upstreams,
    upstreamCredentials: input.upstreamCredentials ?? {},
    syncIntervalMs: 0,
    maxMessageBytes: input.maxMessageBytes ?? 256 * 1024,
    drainMs: 2_000,
    logLevel: "error",
  });
}

export const quietLogger = () => createLogger("error", () => undefined);

/** A real MCP SDK client connected to a gateway endpoint with a bearer credential. */
export async function connectAgent(endpoint: string, bearer: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "test-agent", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { authorization: `Bearer ${bearer}`, ...headers } } }));
  return client;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
