import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { DEFAULT_CEDAR_SCHEMA } from "@/lib/policies/default-schema";
import { startFilesHttpServer, type RunningFilesServer } from "./demo/files-server";
import { Gateway } from "./server";
import { ConsoleHarness } from "@/scripts/lib/gateway-console-harness";
import { BASE_POLICIES, connectAgent, quietLogger, TEST_SCHEMA_WITH_ARGS, testConfig, waitFor } from "@/testing/gateway";

const PORTS = { console: 3730, upstream: 3731, gateway: 3732, tiny: 3733, drain: 3734 };
const PDP_KEY = "pdp_key_for_the_sidecar_0123456789";
const base = `http://127.0.0.1:${PORTS.gateway}`;

let harness: ConsoleHarness;
let upstream: RunningFilesServer;
let gateway: Gateway;

const evaluate = (path: string, body: unknown, key: string | null = PDP_KEY) =>
  fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}), "x-request-id": "req-edge-1" }, body: JSON.stringify(body) });

const request = (tool: string, path = "/docs/readme.md") => ({ subject: { type: "agent", id: "agt_sidecar" }, action: { name: "tools/call" }, resource: { type: "tool", id: tool }, context: { arg_path: path } });

beforeAll(async () => {
  harness = await ConsoleHarness.open(PORTS.console);
  await harness.publish(BASE_POLICIES, TEST_SCHEMA_WITH_ARGS(DEFAULT_CEDAR_SCHEMA));
  upstream = await startFilesHttpServer(PORTS.upstream);
  gateway = new Gateway(testConfig({ port: PORTS.gateway, consoleUrl: harness.url, token: harness.epToken, pdpKeys: [createHash("sha256").update(PDP_KEY).digest("hex")], upstreams: [{ name: "files", transport: "http", url: upstream.url }] }), { logger: quietLogger() });
  await gateway.start();
  await waitFor(() => gateway.policy.current().ok);
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  await harness?.close();
});

describe("edge PDP (AuthZEN 1.0 from the local bundle)", () => {
  it("publishes its metadata", async () => {
    expect(await (await fetch(`${base}/.well-known/authzen-configuration`)).json()).toEqual({ policy_decision_point: base, access_evaluation_endpoint: `${base}/access/v1/evaluation`, access_evaluations_endpoint: `${base}/access/v1/evaluations`, access_request_endpoint: `${harness.url}/access/v1/requests`, capabilities: ["urn:openid:authzen:capability:access-request"] });
  });

  it("answers an evaluation as the console's engine would, echoes X-Request-ID, and records it", async () => {
    const allowed = await evaluate("/access/v1/evaluation", request("read_file"));
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("x-request-id")).toBe("req-edge-1");
    const body = (await allowed.json()) as { decision: boolean; context: { id: string } };
    expect(body.decision).toBe(true);
    const denied = (await (await evaluate("/access/v1/evaluation", request("read_file", "/etc/passwd"))).json()) as { decision: boolean; context: { reason_admin: { en: string } } };
    expect(denied.decision).toBe(false);
    expect(denied.context.reason_admin.en).toContain(harness.policyIds.forbid_etc!);
    await waitFor(async () => (await harness.storedDecisionIds()).includes(body.context.id));
  });

  it("answers evaluations with defaults and the three semantics", async () => {
    const batch = { subject: { type: "agent", id: "agt_sidecar" }, action: { name: "tools/call" }, evaluations: [{ resource: { type: "tool", id: "echo" } }, { resource: { type: "tool", id: "delete_file" } }, { resource: { type: "tool", id: "read_file" } }] };
    const all = (await (await evaluate("/access/v1/evaluations", batch)).json()) as { evaluations: { decision: boolean }[] };
    expect(all.evaluations.map((item) => item.decision)).toEqual([true, false, true]);
    const firstDeny = (await (await evaluate("/access/v1/evaluations", { ...batch, options: { evaluations_semantic: "deny_on_first_deny" } })).json()) as { evaluations: { decision: boolean }[] };
    expect(firstDeny.evaluations.map((item) => item.decision)).toEqual([true, false]);
    const firstPermit = (await (await evaluate("/access/v1/evaluations", { ...batch, options: { evaluations_semantic: "permit_on_first_permit" } })).json()) as { evaluations: { decision: boolean }[] };
    expect(firstPermit.evaluations.map((item) => item.decision)).toEqual([true]);
  });

  it("refuses callers without a PDP key, malformed requests, and answers 503 when the bundle is stale", async () => {
    expect((await evaluate("/access/v1/evaluation", request("echo"), null)).status).toBe(401);
    expect((await evaluate("/access/v1/evaluation", request("echo"), "wrong")).status).toBe(401);
    const malformed = await evaluate("/access/v1/evaluation", { subject: { type: "agent" }, action: { name: "x" }, resource: { type: "tool", id: "echo" } });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { path: string } }).error.path).toBe("$.subject.id");
    const bound = gateway.config.bundle.maxStaleMs;
    await harness.stop();
    try {
      (gateway.config.bundle as { maxStaleMs: number }).maxStaleMs = 200;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await evaluate("/access/v1/evaluation", request("echo"))).status).toBe(503);
    } finally {
      (gateway.config.bundle as { maxStaleMs: number }).maxStaleMs = bound;
      await harness.start();
    }
  });
});

describe("spool at its bound", () => {
  it("fail-closed: a call whose decision cannot be recorded is refused with the unavailable code and never reaches the upstream", async () => {
    const tiny = new Gateway(testConfig({ port: PORTS.tiny, consoleUrl: harness.url, token: harness.epToken, spool: { maxBytes: 6_000, whenFull: "fail-closed" }, upstreams: [{ name: "files", transport: "http", url: upstream.url }] }), { logger: quietLogger() });
    await tiny.start();
    try {
      await waitFor(() => tiny.policy.current().ok);
      await tiny.shipper.stop(); // the console "never acknowledges": the backlog only grows
      const endpoint = `http://127.0.0.1:${PORTS.tiny}/mcp/files`;
      const client = await connectAgent(endpoint, await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint }));
      let refused: McpError | null = null;
      for (let i = 0; i < 50 && !refused; i++) {
        await client.callTool({ name: "echo", arguments: { text: `fill-${i}` } }).catch((error: unknown) => {
          refused = error as McpError;
        });
      }
      expect(refused).toBeInstanceOf(McpError);
      expect(refused!.code).toBe(-32603);
      expect(refused!.message).toContain("spool is full");
      const seenBefore = upstream.seen.length;
      await client.callTool({ name: "echo", arguments: { text: "after" } }).catch(() => undefined);
      expect(upstream.seen.length).toBe(seenBefore);
      expect((await fetch(`http://127.0.0.1:${PORTS.tiny}/readyz`)).status).toBe(503);
      await client.close();
    } finally {
      await tiny.stop();
    }
  });
});

describe("graceful shutdown", () => {
  it("finishes in-flight calls, ships their decisions, then refuses new connections", async () => {
    const draining = new Gateway({ ...testConfig({ port: PORTS.drain, consoleUrl: harness.url, token: harness.epToken, upstreams: [{ name: "files", transport: "http", url: upstream.url }] }), drainMs: 15_000 }, { logger: quietLogger() });
    await draining.start();
    await waitFor(() => draining.policy.current().ok);
    const endpoint = `http://127.0.0.1:${PORTS.drain}/mcp/files`;
    const client = await connectAgent(endpoint, await harness.mintTaskToken({ sub: "agt_alpha", aud: endpoint }));
    const calls = Array.from({ length: 10 }, (_, i) => client.callTool({ name: "echo", arguments: { text: `drain-${i}` } }));
    // Stop once the gateway has received the calls (they are in flight: decided, recorded, or upstream).
    await waitFor(async () => ((await draining.metrics.calls.get()).values.find((value) => value.labels.method === "tools/call")?.value ?? 0) >= 10, 10_000, 1);
    const stopping = draining.stop();
    const results = await Promise.allSettled(calls);
    await stopping;
    expect(results.map((result) => (result.status === "rejected" ? String((result.reason as Error).message) : "fulfilled"))).toEqual(Array(10).fill("fulfilled"));
    // Whatever was answered is in the console: the spool was flushed and shipped before exit.
    expect(draining.spool.backlogRecords).toBe(0);
    const rows = await harness.storedDecisions();
    const texts = new Set(rows.map((row) => (row.request as { context?: { arguments?: { text?: string } } }).context?.arguments?.text));
    results.forEach((result, i) => {
      if (result.status === "fulfilled") expect(texts.has(`drain-${i}`), `drain-${i}`).toBe(true);
    });
    expect(await fetch(`http://127.0.0.1:${PORTS.drain}/healthz`).then(() => "up", () => "refused")).toBe("refused");
    await client.close().catch(() => undefined);
  });
});
