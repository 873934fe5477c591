import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { DEFAULT_CEDAR_SCHEMA } from "@/lib/policies/default-schema";
import { startFilesHttpServer, type RunningFilesServer } from "./demo/files-server";
import { Gateway } from "./server";
import { ConsoleHarness } from "@/scripts/lib/gateway-console-harness";
import { BASE_POLICIES, connectAgent, quietLogger, TEST_SCHEMA_WITH_ARGS, testConfig, waitFor } from "@/testing/gateway";
import { rejectionOf } from "@/testing/rejection";

const PORTS = { console: 3710, upstream: 3711, gateway: 3712 };
const UPSTREAM_SECRET = "Bearer upstream-secret-7f3a";
const AGENT_KEY = "sgk_test_key_for_agent_b_0123456789";

let harness: ConsoleHarness;
let upstream: RunningFilesServer;
let gateway: Gateway;
const endpoint = `http://127.0.0.1:${PORTS.gateway}/mcp/files`;
const clients: Client[] = [];

async function agent(sub = "agt_alpha", claims: Parameters<ConsoleHarness["mintTaskToken"]>[0] extends infer C ? Partial<C> : never = {}, headers: Record<string, string> = {}) {
  const token = await harness.mintTaskToken({ sub, aud: endpoint, ...claims });
  const client = await connectAgent(endpoint, token, headers);
  clients.push(client);
  return client;
}

const refusal = (promise: Promise<unknown>) => rejectionOf(promise, McpError);

const textOf = (result: unknown) => ((result as { content: { text: string }[] }).content[0]?.text ?? null);

beforeAll(async () => {
  harness = await ConsoleHarness.open(PORTS.console);
  await harness.publish(BASE_POLICIES, TEST_SCHEMA_WITH_ARGS(DEFAULT_CEDAR_SCHEMA));
  upstream = await startFilesHttpServer(PORTS.upstream, { requireAuthorization: UPSTREAM_SECRET });
  process.env.TEST_FILES_UPSTREAM_SECRET = UPSTREAM_SECRET;
  gateway = new Gateway(
    testConfig({
      port: PORTS.gateway,
      consoleUrl: harness.url,
      token: harness.epToken,
      agentKeys: { [createHash("sha256").update(AGENT_KEY).digest("hex")]: "agt_bravo" },
      upstreamCredentials: { "files-registered": { header: "authorization", valueEnv: "TEST_FILES_UPSTREAM_SECRET" } },
      upstreams: [
        { name: "files", transport: "http", url: upstream.url, credential: { header: "authorization", valueEnv: "TEST_FILES_UPSTREAM_SECRET" }, dataSensitivity: "confidential" },
        { name: "files-stdio", transport: "stdio", command: process.execPath, args: ["--import", "tsx", path.join(import.meta.dirname, "demo/files-server-stdio.ts")], credential: { header: "authorization", value: "stdio-secret" } },
      ],
    }),
    { logger: quietLogger(), jwksCooldownMs: 0 },
  );
  await gateway.start();
  await waitFor(() => gateway.policy.current().ok);
});

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await gateway?.stop();
  await upstream?.close();
  await harness?.close();
});

describe("MCP proxy: real SDK client → gateway → real SDK server", () => {
  it("returns the upstream's result unchanged for an allowed call, with the gateway's credential and trace context", async () => {
    const client = await agent("agt_alpha", {}, { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
    const through = await client.callTool({ name: "echo", arguments: { text: "hi there" } });
    const forwarded = upstream.seen.at(-1)!;
    const direct = new Client({ name: "direct", version: "1" });
    await direct.connect(new StreamableHTTPClientTransport(new URL(upstream.url), { requestInit: { headers: { authorization: UPSTREAM_SECRET } } }));
    const straight = await direct.callTool({ name: "echo", arguments: { text: "hi there" } });
    await direct.close();
    // Same content; the only difference is the trace context the gateway propagates in _meta.
    expect(through.content).toEqual(straight.content);
    const traceparent = (through.structuredContent as { traceparent: string }).traceparent;
    expect(traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(forwarded.authorization).toBe(UPSTREAM_SECRET);
    expect(forwarded.traceparent).toBe(traceparent);
    // The agent's own token never reaches the upstream.
    expect(upstream.seen.some((request) => request.authorization?.includes("eyJ"))).toBe(false);
  });

  it("refuses a call no policy permits with the profile's denial code and reason", async () => {
    const client = await agent();
    const error = await refusal(client.callTool({ name: "delete_file", arguments: { path: "/docs/readme.md" } }));
    expect(error.code).toBe(-32001);
    expect(error.message).toContain("no policy permits");
    // The SDK client prefixes the code once; the gateway's own message carries no second prefix.
    expect(error.message.match(/MCP error/g)).toHaveLength(1);
    expect((error.data as { decision_id: string }).decision_id).toMatch(/^gwd_/);
    // The upstream still has the file: the call never reached it.
    expect(textOf(await client.callTool({ name: "read_file", arguments: { path: "/docs/readme.md" } }))).toBe("# Hello");
  });

  it("lists only the tools the caller may call", async () => {
    const client = await agent();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["echo", "read_file"]);
  });

  it("answers a repeated identical call from the engine's memo (the request carries no per-call timestamp)", async () => {
    const client = await agent("agt_alpha");
    const engine = () => {
      const state = gateway.policy.current();
      if (!state.ok) throw new Error("no bundle");
      return state.engine;
    };
    // A new bundle (the gateway long-polls the console) brings a new engine with an empty memo: a pair of calls
    // counts only when one engine answered both, and is tried again otherwise.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const text = `memo ${Date.now()} ${attempt}`;
      const first = engine();
      await client.callTool({ name: "echo", arguments: { text } });
      const before = first.memoHits;
      await client.callTool({ name: "echo", arguments: { text } });
      const hits = first.memoHits;
      // Different arguments are a different request: evaluated, not remembered.
      await client.callTool({ name: "echo", arguments: { text: `${text}!` } });
      if (engine() !== first) continue;
      expect(hits).toBe(before + 1);
      expect(first.memoHits).toBe(before + 1);
      return;
    }
    throw new Error("a new bundle arrived during every attempt");
  });

  it("decides on argument values: the same tool is allowed for one path and denied for another", async () => {
    const client = await agent();
    expect(textOf(await client.callTool({ name: "read_file", arguments: { path: "/docs/readme.md" } }))).toBe("# Hello");
    const error = await refusal(client.callTool({ name: "read_file", arguments: { path: "/etc/secrets" } }));
    expect(error.code).toBe(-32001);
    expect(error.message).toContain(harness.policyIds.forbid_etc!);
  });

  it("checks resources/read and filters resources/list the same way", async () => {
    const client = await agent();
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri)).toEqual(["file:///docs/readme.md"]);
    expect((await client.readResource({ uri: "file:///docs/readme.md" })).contents[0]).toMatchObject({ text: "# Hello" });
    expect((await refusal(client.readResource({ uri: "file:///etc/secrets" }))).code).toBe(-32001);
    expect((await refusal(client.getPrompt({ name: "summarize", arguments: { path: "/x" } }))).code).toBe(-32001);
  });

  it("keeps the task token's scope: a tool outside it is refused even where policy allows", async () => {
    const client = await agent("agt_alpha", { scope: "read_file" });
    expect((await refusal(client.callTool({ name: "echo", arguments: { text: "x" } }))).message).toContain("outside the task token's scope");
  });

  it("proxies a stdio upstream, injecting its credential into the child's environment", async () => {
    const stdioEndpoint = `http://127.0.0.1:${PORTS.gateway}/mcp/files-stdio`;
    const client = await connectAgent(stdioEndpoint, await harness.mintTaskToken({ sub: "agt_alpha", aud: stdioEndpoint }));
    clients.push(client);
    const result = await client.callTool({ name: "echo", arguments: { text: "over stdio" } });
    expect(textOf(result)).toBe("over stdio");
    expect((result.structuredContent as { credential: string }).credential).toBe("present");
    expect((await refusal(client.callTool({ name: "delete_file", arguments: { path: "/docs/readme.md" } }))).code).toBe(-32001);
  });

  it("accepts a per-agent gateway key as a static credential", async () => {
    const client = await connectAgent(endpoint, AGENT_KEY);
    clients.push(client);
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "key" } }))).toBe("key");
    const unknown = await fetch(endpoint, { method: "POST", headers: { authorization: "Bearer sgk_wrong", "content-type": "application/json", accept: "application/json, text/event-stream" }, body: "{}" });
    expect(unknown.status).toBe(401);
  });
});

describe("identity", () => {
  const initialize = (token?: string) =>
    fetch(endpoint, {
      method: "POST",
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
    });

  it("answers 401 with WWW-Authenticate pointing at RFC 9728 metadata when no credential is presented", async () => {
    const response = await initialize();
    expect(response.status).toBe(401);
    const challenge = response.headers.get("www-authenticate")!;
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)![1]!;
    const metadata = await (await fetch(metadataUrl)).json();
    expect(metadata).toEqual({ resource: endpoint, authorization_servers: [harness.url], bearer_methods_supported: ["header"], resource_name: "Steward Gateway: files" });
  });

  it("refuses expired tokens, tokens for another audience or issuer, untyped tokens and over-long lifetimes", async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint, iat: now - 700, expiresInS: 600 }),
      await harness.mintTaskToken({ sub: "agt_alpha", aud: "http://127.0.0.1:9999/mcp/files" }),
      await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint, iss: "http://evil.example" }),
      await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint, typ: "JWT" }),
      await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint, expiresInS: 3600 }),
    ];
    for (const token of cases) {
      const response = await initialize(token);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    }
    expect((await initialize(await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint }))).status).toBe(200);
  });

  it("verifies a token signed with a key added after start (kid rotation)", async () => {
    const before = harness.jwksRequests;
    const kid = await harness.addSigningKey();
    const response = await initialize(await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint, kid }));
    expect(response.status).toBe(200);
    expect(harness.jwksRequests).toBeGreaterThan(before);
  });

  it("refuses a revoked token, an ended task and a revoked agent once the feed says so", async () => {
    const jti = "jti_revoke_me";
    const token = await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint, jti });
    expect((await initialize(token)).status).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    gateway.revocations.apply({ cursor: "1", revoked: [{ jti, exp: now + 600 }], endedTasks: [{ taskId: "tsk_ended", exp: now + 600 }], revokedAgents: [{ agentId: "agt_gone", revokedAt: now, exp: now + 600 }] });
    expect((await initialize(token)).status).toBe(401);
    expect((await initialize(await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint, task_id: "tsk_ended" }))).status).toBe(401);
    expect((await initialize(await harness.mintTaskToken({ sub: "agt_gone", aud: endpoint, iat: now - 60 }))).status).toBe(401);
    expect((await initialize(await harness.mintTaskToken({ sub: "agt_gone", aud: endpoint, iat: now }))).status).toBe(401);
  });

  it("an agent's revocation covers the tokens issued until then, not the ones it is issued afterwards (it is not locked out until a restart)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const before = await harness.mintTaskToken({ sub: "agt_reenabled", aud: endpoint, iat: now - 30 });
    expect((await initialize(before)).status).toBe(200);
    gateway.revocations.apply({ cursor: "2", revokedAgents: [{ agentId: "agt_reenabled", revokedAt: now - 10, exp: now + 570 }] });
    expect((await initialize(before)).status).toBe(401);
    expect((await initialize(await harness.mintTaskToken({ sub: "agt_reenabled", aud: endpoint, iat: now - 5 }))).status).toBe(200);
    // A later revocation widens the window; an entry past its expiry is forgotten.
    gateway.revocations.apply({ cursor: "3", revokedAgents: [{ agentId: "agt_reenabled", revokedAt: now, exp: now + 600 }] });
    expect((await initialize(await harness.mintTaskToken({ sub: "agt_reenabled", aud: endpoint, iat: now - 5 }))).status).toBe(401);
    gateway.revocations.apply({ cursor: "4", revokedAgents: [{ agentId: "agt_expired_entry", revokedAt: now - 1200, exp: now - 1 }] });
    expect(gateway.revocations.isRevoked({ sub: "agt_expired_entry", iat: now - 1300 })).toBeNull();
  });

  it("picks revocations up from the console's feed over HTTP within about a second", async () => {
    const jti = "jti_feed_revoked";
    const token = await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint, jti });
    expect((await initialize(token)).status).toBe(200);
    harness.revocationFeed = { ...harness.revocationFeed, cursor: "feed-2", revoked: [...harness.revocationFeed.revoked, { jti, exp: Math.floor(Date.now() / 1000) + 600 }] };
    const changed = Date.now();
    await waitFor(async () => (await initialize(token)).status === 401, 3_000, 50);
    expect(Date.now() - changed).toBeLessThan(1_500);
  });

  it("binds a session to the agent that opened it", async () => {
    const response = await initialize(await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint }));
    const session = response.headers.get("mcp-session-id")!;
    const other = await fetch(endpoint, {
      method: "POST",
      headers: { authorization: `Bearer ${await harness.mintTaskToken({ sub: "agt_mallory", aud: endpoint })}`, "mcp-session-id": session, "mcp-protocol-version": "2025-06-18", "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
    });
    expect(other.status).toBe(403);
  });
});

describe("protocol errors leave the gateway up", () => {
  it("speaks Streamable HTTP as the SDK's transport does: Accept, Content-Type, protocol version, batches, one initialize, no SSE stream, DELETE ends the session", async () => {
    const token = await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" };
    const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } };
    expect((await fetch(endpoint, { method: "POST", headers: { ...headers, accept: "application/json" }, body: JSON.stringify(initialize) })).status).toBe(406);
    expect((await fetch(endpoint, { method: "POST", headers: { ...headers, "content-type": "text/plain" }, body: JSON.stringify(initialize) })).status).toBe(415);
    const opened = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify(initialize) });
    expect(opened.status).toBe(200);
    const session = opened.headers.get("mcp-session-id")!;
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    expect((await opened.json()).result.protocolVersion).toBe("2025-06-18");
    const inSession = { ...headers, "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" };
    expect((await fetch(endpoint, { method: "POST", headers: inSession, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })).status).toBe(202);
    const again = await fetch(endpoint, { method: "POST", headers: inSession, body: JSON.stringify(initialize) });
    expect([again.status, (await again.json()).error.code]).toEqual([400, -32600]);
    const oldVersion = await fetch(endpoint, { method: "POST", headers: { ...inSession, "mcp-protocol-version": "1999-01-01" }, body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }) });
    expect(oldVersion.status).toBe(400);
    const notRpc = await fetch(endpoint, { method: "POST", headers: inSession, body: JSON.stringify({ hello: "world" }) });
    expect([notRpc.status, (await notRpc.json()).error.code]).toEqual([400, -32700]);
    // A batch is answered as a batch, each response under its own id.
    const batch = await fetch(endpoint, { method: "POST", headers: inSession, body: JSON.stringify([{ jsonrpc: "2.0", id: "a", method: "tools/call", params: { name: "echo", arguments: { text: "one" } } }, { jsonrpc: "2.0", id: "b", method: "ping" }]) });
    expect(batch.status).toBe(200);
    const answers = (await batch.json()) as { id: string; result: { content?: { text: string }[] } }[];
    expect(answers.map((item) => item.id).sort()).toEqual(["a", "b"]);
    expect(answers.find((item) => item.id === "a")!.result.content![0]!.text).toBe("one");
    expect((await fetch(endpoint, { method: "GET", headers: { ...inSession, accept: "text/event-stream" } })).status).toBe(405);
    expect((await fetch(endpoint, { method: "DELETE", headers: inSession })).status).toBe(200);
    expect((await fetch(endpoint, { method: "POST", headers: inSession, body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "ping" }) })).status).toBe(404);
  });

  it("answers bad JSON, oversized messages and unknown methods with JSON-RPC errors", async () => {
    const token = await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" };
    const bad = await fetch(endpoint, { method: "POST", headers, body: "{not json" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe(-32700);
    const huge = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "echo", arguments: { text: "x".repeat(300 * 1024) } } }) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe(-32600);
    const client = await agent();
    const unknown = await refusal(client.request({ method: "sampling/createMessage", params: {} } as never, (await import("zod")).z.looseObject({})));
    expect(unknown.code).toBe(-32601);
    expect((await fetch(`http://127.0.0.1:${PORTS.gateway}/healthz`)).status).toBe(200);
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "still up" } }))).toBe("still up");
  });
});

describe("policy bundle", () => {
  it("applies a publish in the console to the next call within 1 s", async () => {
    const client = await agent();
    await refusal(client.callTool({ name: "delete_file", arguments: { path: "/tmp/x" } }));
    await harness.publish({ ...BASE_POLICIES, allow_delete: 'permit(principal, action == Steward::Action::"call_tool", resource == Steward::Tool::"delete_file");' });
    try {
      const published = Date.now();
      await waitFor(async () => (await client.callTool({ name: "delete_file", arguments: { path: "/tmp/x" } }).then(() => true, () => false)), 1_000, 20);
      expect(Date.now() - published).toBeLessThan(1_000);
    } finally {
      // Restored whatever happened above: the tests after this one expect the base policies.
      await harness.publish(BASE_POLICIES);
      await waitFor(async () => (await client.callTool({ name: "delete_file", arguments: { path: "/tmp/x" } }).then(() => false, () => true)), 5_000, 20);
    }
  });

  it("keeps deciding from the cached bundle while the console is down, then delivers every decision exactly once", async () => {
    const client = await agent();
    await waitFor(() => gateway.spool.backlogRecords === 0);
    await harness.stop();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const allowed = i % 2 === 0;
      const call = client.callTool({ name: allowed ? "echo" : "delete_file", arguments: allowed ? { text: `n${i}` } : { path: `/f${i}` } });
      if (allowed) expect(textOf(await call)).toBe(`n${i}`);
      else ids.push(((await refusal(call)).data as { decision_id: string }).decision_id);
    }
    expect(gateway.spool.backlogRecords).toBe(20);
    await harness.start();
    await waitFor(() => gateway.spool.backlogRecords === 0, 15_000);
    const stored = await harness.storedDecisionIds();
    for (const id of ids) expect(stored.filter((candidate) => candidate === id)).toHaveLength(1);
    expect(new Set(stored).size).toBe(stored.length);
  });

  it("fails closed with the unavailable code once the bundle is older than the bound", async () => {
    const client = await agent();
    const bound = gateway.config.bundle.maxStaleMs;
    await harness.stop();
    try {
      (gateway.config.bundle as { maxStaleMs: number }).maxStaleMs = 300;
      await new Promise((resolve) => setTimeout(resolve, 400));
      const error = await refusal(client.callTool({ name: "echo", arguments: { text: "x" } }));
      expect(error.code).toBe(-32603);
      expect(error.message).toContain("Authorization service unavailable");
      expect((await fetch(`http://127.0.0.1:${PORTS.gateway}/readyz`)).status).toBe(503);
    } finally {
      (gateway.config.bundle as { maxStaleMs: number }).maxStaleMs = bound;
      await harness.start();
    }
    await waitFor(async () => (await fetch(`http://127.0.0.1:${PORTS.gateway}/readyz`)).status === 200, 5_000);
  });
});

describe("decision records", () => {
  it("records the AuthZEN request, outcome, policies, task, delegation chain and trace", async () => {
    const act = { sub: "agt_executor_parent", act: { sub: "agt_planner" } };
    const client = await agent("agt_exec", { act, task_id: "tsk_trace", purpose: "quarterly report" }, { traceparent: "00-11111111111111111111111111111111-2222222222222222-01" });
    await client.callTool({ name: "read_file", arguments: { path: "/docs/readme.md" } });
    await waitFor(() => gateway.spool.backlogRecords === 0);
    const row = (await harness.storedDecisions()).find((stored) => stored.taskId === "tsk_trace");
    expect(row).toMatchObject({ outcome: "allow", actionName: "read_file", traceId: "11111111111111111111111111111111", parentSpanId: "2222222222222222", reasons: [harness.policyIds.allow_read] });
    expect(row!.delegation).toEqual(["agt_planner", "agt_executor_parent", "agt_exec"]);
    expect(row!.request).toMatchObject({ action: { name: "tools/call" }, resource: { type: "tool", id: "read_file" }, context: { arguments: { path: "/docs/readme.md" }, task_purpose: "quarterly report" } });
  });
});

describe("console registry and tool catalog", () => {
  it("serves an MCP server registered in the console, and reports its state and the tools it saw", async () => {
    const { registerMcpServer } = await import("@/lib/gateway/mcp-servers");
    const { userContext } = await import("@/testing/context");
    await registerMcpServer({ ctx: userContext("security"), input: { name: "files-registered", transport: "http", url: upstream.url, dataSensitivity: "restricted", toolAnnotations: { echo: { openWorldHint: true } } } });
    await gateway.sync.syncOnce();
    const registered = `http://127.0.0.1:${PORTS.gateway}/mcp/files-registered`;
    const client = await connectAgent(registered, await harness.mintTaskToken({ sub: "agt_alpha", aud: registered }));
    clients.push(client);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["echo", "read_file"]);
    expect(tools.find((tool) => tool.name === "echo")?.annotations).toMatchObject({ openWorldHint: true });
    await gateway.sync.syncOnce();
    const { catalog, status } = await harness.catalogAndStatus("files-registered");
    expect(catalog.map((tool) => tool.name).sort()).toEqual(["delete_file", "echo", "read_file"]);
    expect(catalog.find((tool) => tool.name === "delete_file")?.annotations).toMatchObject({ destructiveHint: true });
    expect(status?.policyRevision).toBe(gateway.policy.status().revision);
    expect(status?.upstreams.map((upstream) => upstream.name).sort()).toEqual(["files", "files-registered", "files-stdio"]);
  });

  it("catalogs an upstream's tools when an agent calls one without listing them first", async () => {
    const stdioEndpoint = `http://127.0.0.1:${PORTS.gateway}/mcp/files-stdio`;
    const client = await connectAgent(stdioEndpoint, await harness.mintTaskToken({ sub: "agt_alpha", aud: stdioEndpoint }));
    clients.push(client);
    await client.callTool({ name: "echo", arguments: { text: "catalog me" } });
    await gateway.sync.syncOnce();
    const { catalog } = await harness.catalogAndStatus("files-stdio");
    expect(catalog.map((tool) => tool.name).sort()).toEqual(["delete_file", "echo", "read_file"]);
  });
});
