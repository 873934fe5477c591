import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { DEFAULT_CEDAR_SCHEMA } from "@/lib/policies/default-schema";
import { makeAgent, makeDomainKeys, mintSvid, registerDomain, type TestDomain } from "@/testing/identity";
import { ConsoleHarness } from "@/scripts/lib/gateway-console-harness";
import { startFilesHttpServer, type RunningFilesServer } from "./demo/files-server";
import { Gateway } from "./server";
import { changeAgentStatus } from "@/lib/agents/assign-ownership";
import { userContext } from "@/testing/context";
import { BASE_POLICIES, connectAgent, quietLogger, TEST_SCHEMA_WITH_ARGS, testConfig, waitFor } from "@/testing/gateway";

/**
 * SPIFFE JWT-SVIDs at the gateway, end to end: a trust domain and an agent registered in the
 * console (the real lib functions on a test database), the bundles pulled by the gateway with its
 * EP token, a real MCP SDK client presenting SVIDs minted here with `jose`.
 */
const PORTS = { console: 4210, upstream: 4211, gateway: 4212 };
const endpoint = `http://127.0.0.1:${PORTS.gateway}/mcp/files`;
const WORKER = "spiffe://svid.test/agent/worker";

let harness: ConsoleHarness;
let upstream: RunningFilesServer;
let gateway: Gateway;
let domain: TestDomain;
let worker: { id: string };
const clients: Client[] = [];

async function connect(svid: string): Promise<Client> {
  const client = await connectAgent(endpoint, svid);
  clients.push(client);
  return client;
}

/** The HTTP status and WWW-Authenticate of an initialize carrying `svid` (a refused one never reaches the proxy). */
async function initialize(svid: string): Promise<{ status: number; challenge: string }> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { authorization: `Bearer ${svid}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }),
  });
  await response.body?.cancel();
  return { status: response.status, challenge: response.headers.get("www-authenticate") ?? "" };
}

beforeAll(async () => {
  harness = await ConsoleHarness.open(PORTS.console);
  await harness.publish(BASE_POLICIES, TEST_SCHEMA_WITH_ARGS(DEFAULT_CEDAR_SCHEMA));
  domain = await makeDomainKeys("svid.test");
  await registerDomain(domain);
  worker = await makeAgent("svid-worker", [], WORKER);
  upstream = await startFilesHttpServer(PORTS.upstream);
  gateway = new Gateway(testConfig({ port: PORTS.gateway, consoleUrl: harness.url, token: harness.epToken, upstreams: [{ name: "files", transport: "http", url: upstream.url }] }), { logger: quietLogger(), jwksCooldownMs: 0 });
  await gateway.start();
  await waitFor(() => gateway.policy.current().ok && gateway.spiffe.loaded);
});

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await gateway?.stop();
  await upstream?.close();
  await harness?.close();
});

describe("JWT-SVIDs at the gateway", () => {
  it("lets an SVID of a registered domain act as the agent that SPIFFE ID is registered on, and records it so", async () => {
    const client = await connect(await mintSvid(domain, WORKER, { aud: endpoint }));
    const result = await client.callTool({ name: "echo", arguments: { text: "svid" } });
    expect((result.content as { text: string }[])[0]!.text).toBe("svid");
    await waitFor(async () => (await harness.storedDecisions()).some((row) => row.agentId === worker.id && row.actionName === "echo"), 10_000, 100);
    const [row] = (await harness.storedDecisions()).filter((item) => item.agentId === worker.id && item.actionName === "echo");
    expect(row).toMatchObject({ outcome: "allow", taskId: null });
  });

  it("accepts the gateway's base URL as audience and refuses another audience", async () => {
    expect((await initialize(await mintSvid(domain, WORKER, { aud: `http://127.0.0.1:${PORTS.gateway}` }))).status).toBe(200);
    const refused = await initialize(await mintSvid(domain, WORKER, { aud: "http://steward.test/oauth/token" }));
    expect(refused.status).toBe(401);
    expect(refused.challenge).toContain("aud");
  });

  it("refuses an expired SVID, an unknown kid, a disallowed algorithm, an untrusted domain, a missing jti and an over-long lifetime", async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Promise<string>, RegExp][] = [
      ["expired", mintSvid(domain, WORKER, { aud: endpoint, iat: now - 600, exp: now - 60 }), /expired/],
      ["unknown kid", mintSvid(domain, WORKER, { aud: endpoint, kid: "svid.test-k9" }), /Unknown kid/],
      ["RS256 not allowed", makeDomainKeys("svid.test", domain.kid, "RS256").then((rsa) => mintSvid(rsa, WORKER, { aud: endpoint, alg: "RS256" })), /algorithm RS256 is not allowed/],
      ["untrusted domain", makeDomainKeys("rogue.test").then((rogue) => mintSvid(rogue, "spiffe://rogue.test/agent/worker", { aud: endpoint })), /rogue\.test is not trusted/],
      ["no jti", mintSvid(domain, WORKER, { aud: endpoint, jti: null }), /jti/],
      ["lives 2 h", mintSvid(domain, WORKER, { aud: endpoint, iat: now, exp: now + 7200 }), /lives longer than 3600 seconds/],
      ["same kid, other key", makeDomainKeys("svid.test", domain.kid).then((other) => mintSvid(other, WORKER, { aud: endpoint })), /signature/],
    ];
    for (const [name, svid, reason] of cases) {
      const refused = await initialize(await svid);
      expect(refused.status, name).toBe(401);
      expect(refused.challenge, name).toMatch(reason);
    }
  });

  it("lets one SVID open one session: a second initialize with the same jti is a replay", async () => {
    const svid = await mintSvid(domain, WORKER, { aud: endpoint });
    expect((await initialize(svid)).status).toBe(200);
    const replay = await initialize(svid);
    expect(replay.status).toBe(401);
    expect(replay.challenge).toContain("replayed jti");
  });

  it("gives an SVID whose SPIFFE ID no agent holds nothing, and records the refusal (the console adds it as discovered)", async () => {
    const stranger = "spiffe://svid.test/agent/stranger";
    const refused = await initialize(await mintSvid(domain, stranger, { aud: endpoint }));
    expect(refused.status).toBe(401);
    expect(refused.challenge).toContain("registered on no agent");
    const recorded = await waitFor(async () => (await harness.storedDecisions()).find((row) => row.actionName === "mcp.connect" && row.outcome === "deny"), 10_000, 100);
    expect(recorded.reasons).toEqual(["steward:unknown-spiffe-id"]);
    const discovered = await harness.agentWithIdentities(recorded.agentId!);
    expect(discovered?.status).toBe("discovered");
    // Discovered is not registered: its SVIDs keep getting nothing until someone makes the agent active.
    await gateway.spiffe.pull();
    const again = await initialize(await mintSvid(domain, stranger, { aud: endpoint }));
    expect(again.status).toBe(401);
    expect(again.challenge).toMatch(/registered on no agent|is discovered/);
  });

  it("picks up a refused SPIFFE ID once an engineer activates the agent it discovered, on the next sync, and an agent's revocation at once", async () => {
    const late = "spiffe://svid.test/agent/late";
    const refused = await initialize(await mintSvid(domain, late, { aud: endpoint }));
    expect(refused.status).toBe(401);
    // The refusal reaches the console as a decision, which adds the SPIFFE ID as a discovered agent;
    // the engineer registers that agent (a second agent with the same ID would be a conflict).
    const agent = await waitFor(async () => {
      for (const row of await harness.storedDecisions()) {
        if (row.actionName !== "mcp.connect" || row.outcome !== "deny" || !row.agentId) continue;
        const holder = await harness.agentWithIdentities(row.agentId);
        if (holder?.identities.some((identity) => identity.value === late)) return holder;
      }
      return undefined;
    }, 10_000, 100);
    expect(agent.status).toBe("discovered");
    await changeAgentStatus({ ctx: userContext("security"), input: { agentIds: [agent.id], status: "active" } });
    await gateway.spiffe.pull();
    expect((await initialize(await mintSvid(domain, late, { aud: endpoint }))).status).toBe(200);
    harness.revocationFeed = { ...harness.revocationFeed, cursor: `feed-${Date.now()}`, revokedAgents: [...harness.revocationFeed.revokedAgents, { agentId: agent.id }] };
    await waitFor(async () => (await initialize(await mintSvid(domain, late, { aud: endpoint }))).status === 401, 3_000, 50);
  });

  it("answers an unchanged bundle with 304 (ETag)", async () => {
    const before = harness.trustBundleRequests;
    await gateway.spiffe.pull();
    await gateway.spiffe.pull();
    expect(harness.trustBundleRequests).toBeGreaterThanOrEqual(before + 2);
    const response = await fetch(`${harness.url}/api/v1/gateway/trust-bundles`, { headers: { authorization: `Bearer ${harness.epToken}` } });
    const etag = response.headers.get("etag")!;
    expect(((await response.json()) as { trustDomains: { name: string }[] }).trustDomains.map((item) => item.name)).toEqual(["svid.test"]);
    expect((await fetch(`${harness.url}/api/v1/gateway/trust-bundles`, { headers: { authorization: `Bearer ${harness.epToken}`, "if-none-match": etag } })).status).toBe(304);
  });
});
