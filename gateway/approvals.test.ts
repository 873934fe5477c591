import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { DEFAULT_CEDAR_SCHEMA } from "@/lib/policies/default-schema";
import { ConsoleHarness } from "@/scripts/lib/gateway-console-harness";
import { createFilesServer } from "./demo/files-server";
import { Gateway } from "./server";
import { BASE_POLICIES, connectAgent, quietLogger, TEST_SCHEMA_WITH_ARGS, testConfig, waitFor } from "@/testing/gateway";
import { rejectionOf } from "@/testing/rejection";

// Ports of the approvals branch (4700–4799).
const PORTS = { console: 4710, upstream: 4711, gateway: 4712 };
const PDP_KEY = "pdp_key_for_the_approvals_sidecar_0123";
// Long enough that opening the request and approving it fit inside the hold on a loaded machine.
const HOLD_SECONDS = 8;
const endpoint = `http://127.0.0.1:${PORTS.gateway}/mcp/files`;

/** delete_file is permitted, but a security engineer must approve each call. */
const POLICIES = {
  ...BASE_POLICIES,
  allow_delete: 'permit(principal, action == Steward::Action::"call_tool", resource == Steward::Tool::"delete_file");',
  approve_delete: '@approval("security")\nforbid(principal, action == Steward::Action::"call_tool", resource == Steward::Tool::"delete_file");',
};

let harness: ConsoleHarness;
let upstreamHttp: Server;
/** The upstream's files: what the real MCP server deleted, or kept. */
const files = new Map([["/docs/readme.md", "# Hello"], ["/etc/secrets", "s3cr3t"]]);
const upstream = { url: `http://127.0.0.1:${PORTS.upstream}/mcp`, files };

/** The demo files MCP server over Streamable HTTP, on a file map the test can read. */
async function startUpstream(): Promise<Server> {
  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const mcp = createFilesServer(files);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => void Promise.all([transport.close(), mcp.close()]));
    await mcp.connect(transport);
    await transport.handleRequest(req, res, chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined);
  });
  await new Promise<void>((resolve) => http.listen(PORTS.upstream, "127.0.0.1", resolve));
  return http;
}
let gateway: Gateway;
const clients: Client[] = [];

async function agent(sub = "agt_alpha"): Promise<Client> {
  const client = await connectAgent(endpoint, await harness.mintTaskToken({ sub, aud: endpoint, task_id: "task_approvals" }));
  clients.push(client);
  return client;
}

const refusal = async (promise: Promise<unknown>) => (await rejectionOf(promise, McpError)) as McpError & { data: { access_request?: Record<string, string>; reasons?: string[]; decision_id?: string } };

/** The pending access request for a delete of this path, once the gateway has opened it. */
async function pendingFor(path: string) {
  return waitFor(async () => (await requestsFor(path)).find((row) => row.status === "pending"));
}

async function requestsFor(path: string) {
  return (await harness.accessRequestRows()).filter((row) => (row.boundContext as { arguments?: { path?: string } }).arguments?.path === path);
}

/** A security engineer approves or denies in the console. */
const decide = (id: string, decision: "approve" | "deny") => harness.decideAccessRequest(id, decision);

beforeAll(async () => {
  harness = await ConsoleHarness.open(PORTS.console);
  await harness.publish(POLICIES, TEST_SCHEMA_WITH_ARGS(DEFAULT_CEDAR_SCHEMA));
  upstreamHttp = await startUpstream();
  const config = testConfig({ port: PORTS.gateway, consoleUrl: harness.url, token: harness.epToken, pdpKeys: [createHash("sha256").update(PDP_KEY).digest("hex")], upstreams: [{ name: "files", transport: "http", url: upstream.url }] });
  config.approvals.holdSeconds = HOLD_SECONDS;
  gateway = new Gateway(config, { logger: quietLogger() });
  await gateway.start();
  await waitFor(() => gateway.policy.current().ok);
});

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await gateway?.stop();
  upstreamHttp?.closeAllConnections();
  await new Promise((resolve) => upstreamHttp?.close(resolve));
  await harness?.close();
});

describe("MCP tools/call held for approval: real SDK client → gateway → real SDK server", () => {
  it("holds the call, and completes it when a security engineer approves meanwhile; the decision names the approval", async () => {
    const client = await agent();
    const call = client.callTool({ name: "delete_file", arguments: { path: "/docs/readme.md" } });
    const pending = await pendingFor("/docs/readme.md");
    expect(pending.resource).toMatchObject({ type: "tool", id: "delete_file" });
    expect(pending.requiredGroups).toEqual(["security"]);
    await decide(pending.id, "approve");
    const result = (await call) as { content: { text: string }[] };
    expect(result.content[0]!.text).toContain("/docs/readme.md");
    // The upstream really ran it: the file is gone.
    expect(upstream.files.has("/docs/readme.md")).toBe(false);
    const approved = (await harness.accessRequestRows()).find((row) => row.id === pending.id)!;
    expect(approved.usedAt).not.toBeNull();
    const recorded = await waitFor(async () => (await harness.storedDecisions()).find((row) => (row.context as { access_request?: { id?: string } }).access_request?.id === pending.id && row.outcome === "allow"));
    expect(recorded.reasons).toEqual([`${harness.policyIds.approve_delete} (lifted by approval ${approved.approvalId})`]);
    expect((recorded.context as { access_request: Record<string, string> }).access_request).toMatchObject({ status: "approved", approval_id: approved.approvalId, tool: "delete_file" });
  });

  it("answers a call still pending when the hold ends with the request id and where to follow it; the same call repeated after approval passes without a second request", async () => {
    const client = await agent();
    const started = Date.now();
    const error = await refusal(client.callTool({ name: "delete_file", arguments: { path: "/etc/secrets" } }));
    const answered = Date.now();
    expect(answered - started).toBeGreaterThanOrEqual(HOLD_SECONDS * 1000 - 100);
    expect(error.code).toBe(-32001);
    const offered = error.data.access_request!;
    // The submission said until when the call waits (held_until): the hold's deadline, which the refusal came at,
    // stored on the request and answered by its status endpoint.
    const held = (await harness.accessRequestRows()).find((row) => row.id === offered.id)!;
    expect(held.heldUntil).not.toBeNull();
    const heldUntil = new Date(held.heldUntil!).getTime();
    expect(heldUntil).toBeGreaterThanOrEqual(started + HOLD_SECONDS * 1000);
    expect(heldUntil).toBeLessThanOrEqual(answered);
    const status = (await (await fetch(`${harness.url}/access/v1/requests/${offered.id}`, { headers: { authorization: `Bearer ${harness.epToken}` } })).json()) as { task: { held_until?: string } };
    expect(status.task.held_until).toBe(new Date(heldUntil).toISOString());
    expect(offered).toMatchObject({ status: "pending", tool: "delete_file", review: `${harness.url}/approvals?request=${offered.id}`, status_endpoint: `${harness.url}/access/v1/requests/${offered.id}` });
    expect(offered.arguments_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(error.message).toContain(offered.id!);
    await decide(offered.id!, "approve");
    const result = (await client.callTool({ name: "delete_file", arguments: { path: "/etc/secrets" } })) as { content: { text: string }[] };
    expect(result.content[0]!.text).toContain("/etc/secrets");
    expect((await requestsFor("/etc/secrets")).map((row) => row.id)).toEqual([offered.id]);
    // The held call that ended unapproved is recorded as waiting for approval, linked to its request, not as a plain deny.
    const waited = await waitFor(async () => (await harness.storedDecisions()).find((row) => row.decisionId === error.data.decision_id));
    expect(waited.outcome).toBe("approval_required");
    expect((waited.context as { access_request: Record<string, string> }).access_request).toMatchObject({ id: offered.id, status: "pending" });
  });

  it("binds the approval to the exact tool and arguments: the approved one-use call cannot be repeated, another argument needs its own approval", async () => {
    upstream.files.set("/tmp/a", "a");
    upstream.files.set("/tmp/b", "b");
    const client = await agent();
    const call = client.callTool({ name: "delete_file", arguments: { path: "/tmp/a" } });
    await decide((await pendingFor("/tmp/a")).id, "approve");
    await call;
    const other = await refusal(client.callTool({ name: "delete_file", arguments: { path: "/tmp/b" } }));
    expect(other.data.access_request!.status).toBe("pending");
    expect(upstream.files.has("/tmp/b")).toBe(true);
    // The one-use approval of /tmp/a is spent: a repeat opens a new request instead of passing.
    const again = await refusal(client.callTool({ name: "delete_file", arguments: { path: "/tmp/a" } }));
    expect(again.data.access_request!.status).toBe("pending");
    expect(new Set((await requestsFor("/tmp/a")).map((row) => row.id)).size).toBe(2);
  });

  it("opens one request for identical calls made at once, and its one-use approval lets exactly one of them through", async () => {
    upstream.files.set("/tmp/twice", "x");
    const [first, second] = [await agent(), await agent()];
    const calls = [first, second].map((client) => client.callTool({ name: "delete_file", arguments: { path: "/tmp/twice" } }).then(() => "done", (error: unknown) => error));
    await decide((await pendingFor("/tmp/twice")).id, "approve");
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((outcome) => outcome === "done")).toHaveLength(1);
    const refused = outcomes.find((outcome) => outcome !== "done") as McpError;
    expect(refused).toBeInstanceOf(McpError);
    expect(refused.message).toContain("no longer lets this call through");
    expect(await requestsFor("/tmp/twice")).toHaveLength(1);
  });

  it("refuses the call when the approver denies it", async () => {
    upstream.files.set("/tmp/denied", "keep me");
    const client = await agent();
    const call = refusal(client.callTool({ name: "delete_file", arguments: { path: "/tmp/denied" } }));
    await decide((await pendingFor("/tmp/denied")).id, "deny");
    const error = await call;
    expect(error.message).toContain("denied");
    expect(error.data.access_request!.status).toBe("denied");
    expect(upstream.files.get("/tmp/denied")).toBe("keep me");
    // A person's explicit denial stays a plain deny, linked to the request.
    const recorded = await waitFor(async () => (await harness.storedDecisions()).find((row) => row.decisionId === error.data.decision_id));
    expect(recorded.outcome).toBe("deny");
    expect((recorded.context as { access_request: Record<string, string> }).access_request).toMatchObject({ id: error.data.access_request!.id, status: "denied" });
  });

  it("ends the hold at once when the client cancels (notifications/cancelled), never makes the call, and withdraws the access request", async () => {
    upstream.files.set("/tmp/cancelled", "keep me");
    const client = await agent();
    const controller = new AbortController();
    const call = client.callTool({ name: "delete_file", arguments: { path: "/tmp/cancelled" } }, undefined, { signal: controller.signal }).catch((error: unknown) => error);
    const pending = await pendingFor("/tmp/cancelled");
    const cancelledAt = Date.now();
    controller.abort("the user gave up");
    await call;
    const withdrawn = await waitFor(async () => (await requestsFor("/tmp/cancelled")).find((row) => row.id === pending.id && row.status === "cancelled"), 5_000);
    // Well inside the hold (8 s): the hold ended on the cancellation, not its timeout.
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    expect(withdrawn.decidedByLabel).toContain("enforcement point");
    const recorded = await waitFor(async () => (await harness.storedDecisions()).find((row) => (row.context as { access_request?: { id?: string } }).access_request?.id === pending.id));
    expect(recorded.outcome).toBe("approval_required");
    expect((recorded.context as { access_request: Record<string, unknown> }).access_request).toMatchObject({ status: "cancelled", cancelled_by_client: true });
    // An approver comes too late: the request is no longer pending, and the file was never deleted.
    await expect(decide(pending.id, "approve")).rejects.toMatchObject({ type: "invalid_task_state" });
    expect(upstream.files.get("/tmp/cancelled")).toBe("keep me");
    // The same call later opens a new request rather than following the withdrawn one.
    const again = client.callTool({ name: "delete_file", arguments: { path: "/tmp/cancelled" } }, undefined, { signal: AbortSignal.timeout(20_000) }).catch((error: unknown) => error);
    const renewed = await pendingFor("/tmp/cancelled");
    expect(renewed.id).not.toBe(pending.id);
    await decide(renewed.id, "deny");
    await again;
  });

  it("ends the hold when the client's HTTP connection goes away, and withdraws the request", async () => {
    upstream.files.set("/tmp/gone", "keep me");
    const token = await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint, task_id: "task_approvals" });
    const headers = { authorization: `Bearer ${token}`, accept: "application/json, text/event-stream", "content-type": "application/json" };
    const initialized = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }) });
    const session = { ...headers, "mcp-session-id": initialized.headers.get("mcp-session-id")!, "mcp-protocol-version": "2025-06-18" };
    await initialized.text();
    await (await fetch(endpoint, { method: "POST", headers: session, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })).text();
    const connection = new AbortController();
    const call = fetch(endpoint, { method: "POST", headers: session, signal: connection.signal, body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "delete_file", arguments: { path: "/tmp/gone" } } }) }).catch((error: unknown) => error);
    const pending = await pendingFor("/tmp/gone");
    const goneAt = Date.now();
    connection.abort();
    await call;
    await waitFor(async () => (await requestsFor("/tmp/gone")).find((row) => row.id === pending.id && row.status === "cancelled"), 5_000);
    expect(Date.now() - goneAt).toBeLessThan(2_000);
    expect(upstream.files.get("/tmp/gone")).toBe("keep me");
  });

  it("withdraws a request only when the last of the held calls sharing it is cancelled", async () => {
    upstream.files.set("/tmp/shared", "x");
    const [first, second] = [await agent(), await agent()];
    const [one, two] = [new AbortController(), new AbortController()];
    const calls = [first.callTool({ name: "delete_file", arguments: { path: "/tmp/shared" } }, undefined, { signal: one.signal }).catch((error: unknown) => error), second.callTool({ name: "delete_file", arguments: { path: "/tmp/shared" } }, undefined, { signal: two.signal }).catch((error: unknown) => error)];
    const pending = await pendingFor("/tmp/shared");
    // Both calls are held on the one request before the first gives up.
    await waitFor(() => gateway.approvals.held === 2);
    one.abort();
    await calls[0];
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await requestsFor("/tmp/shared")).find((row) => row.id === pending.id)!.status).toBe("pending");
    two.abort();
    await calls[1];
    await waitFor(async () => (await requestsFor("/tmp/shared")).find((row) => row.id === pending.id && row.status === "cancelled"), 5_000);
    expect(upstream.files.get("/tmp/shared")).toBe("x");
  });

  it("fails closed when the console cannot be reached: the call stays denied", async () => {
    upstream.files.set("/tmp/offline", "x");
    const client = await agent();
    await harness.stop();
    try {
      const error = await refusal(client.callTool({ name: "delete_file", arguments: { path: "/tmp/offline" } }));
      expect(error.code).toBe(-32001);
      expect(error.message).toContain("unavailable");
      expect(upstream.files.has("/tmp/offline")).toBe(true);
    } finally {
      await harness.start();
    }
  });
});

describe("edge PDP: requestable denials and re-evaluation", () => {
  const base = `http://127.0.0.1:${PORTS.gateway}`;
  const evaluate = async (body: unknown) => (await (await fetch(`${base}/access/v1/evaluation`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${PDP_KEY}` }, body: JSON.stringify(body) })).json()) as { decision: boolean; context: Record<string, unknown> };
  const request = (path: string, extra: Record<string, unknown> = {}) => ({ subject: { type: "agent", id: "agt_sidecar" }, action: { name: "tools/call" }, resource: { type: "tool", id: "delete_file" }, context: { arguments: { path }, ...extra } });

  it("lists the console's access request endpoint in its metadata", async () => {
    const metadata = (await (await fetch(`${base}/.well-known/authzen-configuration`)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ access_request_endpoint: `${harness.url}/access/v1/requests`, capabilities: ["urn:openid:authzen:capability:access-request"] });
  });

  it("answers a requestable denial with a console-signed binding token, and lets exactly the approved request through on re-evaluation", async () => {
    const denied = await evaluate(request("/srv/x"));
    expect(denied.decision).toBe(false);
    const accessRequest = denied.context.access_request as { binding_token: string; expires_at: string; endpoint: string };
    expect(denied.context.reason).toBe("approval_required");
    expect(accessRequest.endpoint).toBe(`${harness.url}/access/v1/requests`);
    // The console accepts the token: it signed it.
    const submitted = await fetch(accessRequest.endpoint, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${harness.epToken}` }, body: JSON.stringify({ ...request("/srv/x"), denial: { binding_token: accessRequest.binding_token, expires_at: accessRequest.expires_at } }) });
    expect(submitted.status).toBe(202);
    const { task } = (await submitted.json()) as { task: { id: string } };
    const approved = await decide(task.id, "approve");
    // Another argument with the approval: denied, and a fresh requestable denial is offered.
    const otherArgument = await evaluate(request("/srv/y", { approval: { id: approved.approvalId } }));
    expect(otherArgument.decision).toBe(false);
    expect(otherArgument.context.reason).toBe("out_of_scope");
    expect(otherArgument.context.access_request).toBeDefined();
    const passed = await evaluate(request("/srv/x", { approval: { id: approved.approvalId } }));
    expect(passed.decision).toBe(true);
    expect(passed.context.approval).toMatchObject({ id: approved.approvalId });
    // One use only.
    expect((await evaluate(request("/srv/x", { approval: { id: approved.approvalId } }))).decision).toBe(false);
    const recorded = await waitFor(async () => (await harness.storedDecisions()).find((row) => row.outcome === "allow" && (row.context as { access_request?: { approval_id?: string } }).access_request?.approval_id === approved.approvalId));
    expect(recorded.reasons[0]).toContain(`lifted by approval ${approved.approvalId}`);
  });

  it("refuses a forged binding token at the console", async () => {
    const denied = await evaluate(request("/srv/z"));
    const token = (denied.context.access_request as { binding_token: string }).binding_token;
    const [header, payload] = token.split(".");
    const forged = `${header}.${payload}.${Buffer.from("not the console's signature").toString("base64url")}`;
    const submitted = await fetch(`${harness.url}/access/v1/requests`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${harness.epToken}` }, body: JSON.stringify({ ...request("/srv/z"), denial: { binding_token: forged } }) });
    expect(submitted.status).toBe(400);
    expect(((await submitted.json()) as { type: string }).type).toBe("invalid_denial_binding");
  });
});
