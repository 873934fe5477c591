import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { decodeJwt } from "jose";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { DEFAULT_CEDAR_SCHEMA } from "@/lib/policies/default-schema";
import { saveSecret } from "@/lib/identity/secret-store";
import { revokeTokenByValue } from "@/lib/identity/revocation";
import { exchangeToken } from "@/lib/identity/token-exchange";
import { userContext } from "@/testing/context";
import { makeAgent, makeDomainKeys, mintSvid, registerDomain, rootForm, type TestDomain } from "@/testing/identity";
import { ConsoleHarness } from "@/scripts/lib/gateway-console-harness";
import { BASE_POLICIES, connectAgent, quietLogger, TEST_SCHEMA_WITH_ARGS, testConfig, waitFor } from "@/testing/gateway";
import { GatewayConfig } from "./config";
import { startFilesHttpServer, type RunningFilesServer } from "./demo/files-server";
import { Gateway } from "./server";
import { rejectionOf } from "@/testing/rejection";

/**
 * Just-in-time credentials from the console's secret store: real MCP SDK client → gateway → real
 * MCP SDK server, with task tokens issued by the console's own token exchange (SVIDs minted here
 * with jose) and each release made by the console's releaseSecret over HTTP (the harness), so the
 * secret_releases rows are the console's own.
 */
const PORTS = { console: 4760, filesA: 4761, filesB: 4762, gateway: 4763, lagging: 4764, oauth: 4765, filesC: 4766 };
const FILES_SECRET = "files-secret-9c1e07";
const FILES_B_SECRET = "token-b-55aa31";
const SPIFFE = "spiffe://gw.test/agent/writer";
const AGENT_KEY = "sgk_static_key_for_the_writer_0123456789";
const base = (port: number) => `http://127.0.0.1:${port}`;
const endpoint = (name: string, port = PORTS.gateway) => `${base(port)}/mcp/${name}`;

let harness: ConsoleHarness;
let domain: TestDomain;
let filesA: RunningFilesServer;
let filesB: RunningFilesServer;
let filesC: RunningFilesServer;
let oauth: Server;
let downstreamTokensIssued = 0;
let gateway: Gateway;
/** A second gateway that does not follow the revocation feed: one that has not heard of a revocation yet. */
let lagging: Gateway;
const clients: Client[] = [];

const upstreams = [
  { name: "files", transport: "http" as const, url: base(PORTS.filesA) + "/mcp", credential: { consoleSecret: "files-key", scheme: "Bearer" } },
  { name: "files-b", transport: "http" as const, url: base(PORTS.filesB) + "/mcp", credential: { consoleSecret: "files-b-key" } },
  { name: "files-c", transport: "http" as const, url: base(PORTS.filesC) + "/mcp", credential: { consoleSecret: "files-c-oauth" } },
];

/** A task token from the console's token exchange: the writer agent's SVID, this scope, audience = the gateway. */
async function taskToken(scope: string, port = PORTS.gateway): Promise<string> {
  const svid = await mintSvid(domain, SPIFFE, { aud: `${harness.url}/oauth/token` });
  return (await exchangeToken({ form: rootForm(svid, { scope, resource: base(port) }), issuer: harness.url })).access_token;
}

async function agent(name: string, token: string, port = PORTS.gateway): Promise<Client> {
  const client = await connectAgent(endpoint(name, port), token);
  clients.push(client);
  return client;
}

const refusal = (promise: Promise<unknown>) => rejectionOf(promise, McpError);

const textOf = (result: unknown) => ((result as { content: { text: string }[] }).content[0]?.text ?? null);
const releasesOf = async (token: string) => (await harness.secretReleaseRows()).filter((row) => row.jti === decodeJwt(token).jti);

beforeAll(async () => {
  // The gateway (and the lagging second one, which shares its enforcement point) serve these audiences.
  harness = await ConsoleHarness.open(PORTS.console, { audiences: [base(PORTS.gateway), base(PORTS.lagging)] });
  harness.revocationSource = "console";
  const scopePermit = (entry: string) => `permit(principal, action == Steward::Action::"call_tool", resource == Steward::Tool::"${entry}");`;
  // The secrets' `upstream` names are scope entries the writer may hold: a task that needs a server carries its name.
  await harness.publish({ ...BASE_POLICIES, files: scopePermit("files"), files_b: scopePermit("files-b"), files_c: scopePermit("files-c") }, TEST_SCHEMA_WITH_ARGS(DEFAULT_CEDAR_SCHEMA));
  domain = await makeDomainKeys("gw.test");
  await registerDomain(domain);
  const writer = await makeAgent("writer", ["echo", "read_file", "files", "files-b", "files-c"], SPIFFE);
  const admin = userContext("admin");
  await saveSecret({ ctx: admin, input: { name: "files-key", upstream: "files", value: FILES_SECRET } });
  await saveSecret({ ctx: admin, input: { name: "files-b-key", upstream: "files-b", value: FILES_B_SECRET } });
  // An OAuth client: the console releases a short-lived downstream token (7 s) from this token endpoint, never the client secret.
  oauth = createServer((req, res) => {
    downstreamTokensIssued++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: `dtok-${downstreamTokensIssued}`, token_type: "bearer", expires_in: 7 }));
    req.resume();
  });
  await new Promise<void>((resolve) => oauth.listen(PORTS.oauth, "127.0.0.1", resolve));
  await saveSecret({ ctx: admin, input: { name: "files-c-oauth", upstream: "files-c", value: JSON.stringify({ type: "oauth_client_credentials", token_endpoint: `${base(PORTS.oauth)}/token`, client_id: "steward", client_secret: "client-secret-never-released" }) } });

  filesA = await startFilesHttpServer(PORTS.filesA, { requireAuthorization: `Bearer ${FILES_SECRET}` });
  filesB = await startFilesHttpServer(PORTS.filesB, { requireAuthorization: FILES_B_SECRET });
  filesC = await startFilesHttpServer(PORTS.filesC);
  gateway = new Gateway(testConfig({ port: PORTS.gateway, consoleUrl: harness.url, token: harness.epToken, upstreams, upstreamCredentials: { "files-registered": { consoleSecret: "files-key", scheme: "Bearer" } }, agentKeys: { [createHash("sha256").update(AGENT_KEY).digest("hex")]: writer.id } }), { logger: quietLogger(), jwksCooldownMs: 0 });
  const laggingConfig = testConfig({ port: PORTS.lagging, consoleUrl: harness.url, token: harness.epToken, upstreams });
  lagging = new Gateway({ ...laggingConfig, revocations: { ...laggingConfig.revocations, enabled: false } }, { logger: quietLogger(), jwksCooldownMs: 0 });
  await gateway.start();
  await lagging.start();
  await waitFor(() => gateway.policy.current().ok && lagging.policy.current().ok);
});

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await gateway?.stop();
  await lagging?.stop();
  await filesA?.close();
  await filesB?.close();
  await filesC?.close();
  await new Promise((resolve) => oauth?.close(resolve));
  await harness?.close();
});

describe("upstream credentials released by the console per task", () => {
  it("injects the released secret: the upstream sees it, the agent never holds it, and the console records one release per window, not per call", async () => {
    const token = await taskToken("echo read_file files");
    const asked = harness.secretReleaseRequests;
    const seen = filesA.seen.length;
    const client = await agent("files", token);
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(["echo", "read_file"]);
    for (let i = 0; i < 5; i++) expect(textOf(await client.callTool({ name: "echo", arguments: { text: `call ${i}` } }))).toBe(`call ${i}`);
    expect(textOf(await client.callTool({ name: "read_file", arguments: { path: "/docs/readme.md" } }))).toBe("# Hello");
    const sent = filesA.seen.slice(seen);
    expect(sent.length).toBeGreaterThan(6);
    expect(sent.every((request) => request.authorization === `Bearer ${FILES_SECRET}`)).toBe(true);
    // The agent's own token never reaches the upstream.
    expect(filesA.seen.some((request) => request.authorization?.includes("eyJ"))).toBe(false);
    expect(harness.secretReleaseRequests - asked).toBe(1);
    const rows = await releasesOf(token);
    expect(rows.map((row) => [row.secretName, row.kind, row.taskId])).toEqual([["files-key", "secret", decodeJwt(token).task_id]]);

    // Another task: its own release, on its own upstream session.
    const sessions = gateway.upstreams.get("files")!.taskSessionCount;
    const other = await taskToken("echo files");
    expect(textOf(await (await agent("files", other)).callTool({ name: "echo", arguments: { text: "other task" } }))).toBe("other task");
    expect(await releasesOf(other)).toHaveLength(1);
    expect(gateway.upstreams.get("files")!.taskSessionCount).toBe(sessions + 1);
    expect(await releasesOf(token)).toHaveLength(1);

    // A secret released without a scheme is sent as stored, in the configured header.
    const b = await taskToken("echo files-b");
    expect(textOf(await (await agent("files-b", b)).callTool({ name: "echo", arguments: { text: "b" } }))).toBe("b");
    expect(filesB.seen.at(-1)?.authorization).toBe(FILES_B_SECRET);
  });

  it("shares one release among a task's concurrent first calls", async () => {
    const token = await taskToken("echo files");
    const client = await agent("files", token);
    const asked = harness.secretReleaseRequests;
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => client.callTool({ name: "echo", arguments: { text: `at once ${i}` } })));
    expect(answers.map(textOf)).toEqual(Array.from({ length: 6 }, (_, i) => `at once ${i}`));
    expect(harness.secretReleaseRequests - asked).toBe(1);
    expect(await releasesOf(token)).toHaveLength(1);
  });

  it("refuses a call when the token's scope lacks the secret's upstream: recorded as a deny with the console's reason, the upstream never called", async () => {
    const token = await taskToken("echo read_file");
    const seen = filesA.seen.length;
    const client = await agent("files", token);
    const error = await refusal(client.callTool({ name: "echo", arguments: { text: "no secret for me" } }));
    expect(error.code).toBe(-32001);
    expect(error.message).toMatch(/did not release the secret files-key: .*does not carry files/);
    expect(error.message).toContain("the call was not made");
    const { decision_id: decisionId, reasons } = error.data as { decision_id: string; reasons: string[] };
    expect(reasons).toEqual(["steward:credential-refused"]);
    expect((await refusal(client.listTools())).code).toBe(-32001);
    expect(filesA.seen.length).toBe(seen);
    expect(await releasesOf(token)).toHaveLength(0);
    await waitFor(() => gateway.spool.backlogRecords === 0);
    const recorded = (await harness.storedDecisions()).find((row) => row.decisionId === decisionId);
    expect(recorded).toMatchObject({ outcome: "deny", reasons: ["steward:credential-refused"], actionName: "echo", taskId: decodeJwt(token).task_id });

    // A static gateway key is no task: there is nothing to release for, so it is refused too, without asking the console.
    const asked = harness.secretReleaseRequests;
    const keyed = await agent("files", AGENT_KEY);
    const keyError = await refusal(keyed.callTool({ name: "echo", arguments: { text: "standing credential" } }));
    expect(keyError.message).toMatch(/gets its credential from the console per task: call it with a Steward task token/);
    expect((keyError.data as { reasons: string[] }).reasons).toEqual(["steward:credential-refused"]);
    expect(harness.secretReleaseRequests).toBe(asked);
    expect(filesA.seen.length).toBe(seen);
  });

  it("stops at a revoked task token: the console refuses a gateway that has not heard yet, and the feed drops what was released", async () => {
    // A gateway not following the feed: its next release for the revoked token is refused by the console.
    const late = await taskToken("echo files files-b", PORTS.lagging);
    expect(textOf(await (await agent("files", late, PORTS.lagging)).callTool({ name: "echo", arguments: { text: "before" } }))).toBe("before");
    expect(await releasesOf(late)).toHaveLength(1);
    expect(await revokeTokenByValue({ token: late, issuer: harness.url })).toBe(true);
    const seenB = filesB.seen.length;
    const error = await refusal((await agent("files-b", late, PORTS.lagging)).callTool({ name: "echo", arguments: { text: "after" } }));
    expect(error.message).toMatch(/not live \(revoked\)/);
    expect((error.data as { reasons: string[] }).reasons).toEqual(["steward:credential-refused"]);
    expect(filesB.seen.length).toBe(seenB);
    expect(await releasesOf(late)).toHaveLength(1);

    // The gateway that follows the console's feed drops the released secret and the task's upstream session within about a second.
    const token = await taskToken("echo files");
    const jti = decodeJwt(token).jti as string;
    const client = await agent("files", token);
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "live" } }))).toBe("live");
    expect(gateway.releases.holdsFor(jti)).toBe(true);
    const sessions = gateway.upstreams.get("files")!.taskSessionCount;
    await revokeTokenByValue({ token, issuer: harness.url });
    const revoked = Date.now();
    await waitFor(() => !gateway.releases.holdsFor(jti), 5_000, 20);
    expect(Date.now() - revoked).toBeLessThan(1_500);
    expect(gateway.upstreams.get("files")!.taskSessionCount).toBe(sessions - 1);
    const seen = filesA.seen.length;
    await expect(client.callTool({ name: "echo", arguments: { text: "revoked" } })).rejects.toThrow();
    expect(filesA.seen.length).toBe(seen);
    expect(await releasesOf(token)).toHaveLength(1);
  });

  it("keeps serving a cached release while the console is down, and refuses (fail closed) a task with nothing cached", async () => {
    const cached = await taskToken("echo files");
    const client = await agent("files", cached);
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "up" } }))).toBe("up");
    const fresh = await taskToken("echo files");
    const freshClient = await agent("files", fresh);
    await harness.stop();
    try {
      expect(textOf(await client.callTool({ name: "echo", arguments: { text: "console down" } }))).toBe("console down");
      const seen = filesA.seen.length;
      const error = await refusal(freshClient.callTool({ name: "echo", arguments: { text: "nothing cached" } }));
      expect(error.code).toBe(-32001);
      expect(error.message).toMatch(/could not be reached to release the secret files-key .* none is cached/);
      expect((error.data as { reasons: string[] }).reasons).toEqual(["steward:credential-unavailable"]);
      expect(filesA.seen.length).toBe(seen);
    } finally {
      await harness.start();
    }
    expect(await releasesOf(cached)).toHaveLength(1);
    expect(await releasesOf(fresh)).toHaveLength(0);
  });

  it("sends a short-lived downstream token as Bearer, and has a new one released when its window ends", async () => {
    const token = await taskToken("echo files-c");
    const client = await agent("files-c", token);
    const seen = filesC.seen.length;
    await client.callTool({ name: "echo", arguments: { text: "1" } });
    await client.callTool({ name: "echo", arguments: { text: "2" } });
    const first = filesC.seen.slice(seen).map((request) => request.authorization);
    expect(new Set(first)).toEqual(new Set([`Bearer dtok-${downstreamTokensIssued}`]));
    expect((await releasesOf(token)).map((row) => [row.kind, row.grant])).toEqual([["downstream_token", "client_credentials"]]);
    // 7 s downstream token, renewed 5 s before it expires: the window is 2 s.
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    const issued = downstreamTokensIssued;
    await client.callTool({ name: "echo", arguments: { text: "3" } });
    expect(downstreamTokensIssued).toBe(issued + 1);
    expect(filesC.seen.at(-1)?.authorization).toBe(`Bearer dtok-${issued + 1}`);
    expect(await releasesOf(token)).toHaveLength(2);
    expect(filesC.seen.some((request) => request.authorization?.includes("client-secret-never-released"))).toBe(false);
  });

  it("lets a call sent within a window finish after the window ends and a renewed credential replaces its session", async () => {
    const token = await taskToken("echo files-c");
    const client = await agent("files-c", token);
    await client.callTool({ name: "echo", arguments: { text: "opens the window" } });
    // Sent inside the 2 s window, answered after it ended and after the next call renewed the credential.
    const slow = client.callTool({ name: "echo", arguments: { text: "slow", delayMs: 3_000 } });
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "renewed" } }))).toBe("renewed");
    expect(await releasesOf(token)).toHaveLength(2);
    expect(textOf(await slow)).toBe("slow");
  });
});

describe("an MCP server registered in the console", () => {
  it("takes its console secret from the gateway's upstreamCredentials, released per task like a file-configured one", async () => {
    const { registerMcpServer } = await import("@/lib/gateway/mcp-servers");
    await registerMcpServer({ ctx: userContext("security"), input: { name: "files-registered", transport: "http", url: `${base(PORTS.filesA)}/mcp` } });
    await gateway.sync.syncOnce();
    expect(gateway.upstreams.get("files-registered")?.perTask).toBe(true);
    const token = await taskToken("echo files");
    const seen = filesA.seen.length;
    expect(textOf(await (await agent("files-registered", token)).callTool({ name: "echo", arguments: { text: "registered" } }))).toBe("registered");
    expect(filesA.seen.slice(seen).every((request) => request.authorization === `Bearer ${FILES_SECRET}`)).toBe(true);
    expect((await releasesOf(token)).map((row) => row.secretName)).toEqual(["files-key"]);
    const refused = await refusal((await agent("files-registered", await taskToken("echo"))).callTool({ name: "echo", arguments: { text: "x" } }));
    expect((refused.data as { reasons: string[] }).reasons).toEqual(["steward:credential-refused"]);
  });
});

describe("configuration", () => {
  const config = (upstream: Record<string, unknown>) => GatewayConfig.safeParse({ publicUrl: "http://127.0.0.1:1", console: { url: "http://127.0.0.1:2", token: "t" }, upstreams: [upstream] });

  it("takes a console secret for HTTP upstreams only, and never beside a gateway-held value", () => {
    expect(config({ name: "a", transport: "http", url: "http://127.0.0.1:3/mcp", credential: { consoleSecret: "files-key" } }).success).toBe(true);
    const stdio = config({ name: "a", transport: "stdio", command: "node", credential: { consoleSecret: "files-key" } });
    expect(stdio.success).toBe(false);
    expect(stdio.error?.issues[0]?.message).toMatch(/needs an HTTP upstream/);
    expect(config({ name: "a", transport: "http", url: "http://127.0.0.1:3/mcp", credential: { consoleSecret: "files-key", valueEnv: "X" } }).success).toBe(false);
  });
});
