/**
 * Two consoles, one database (issue #18 item 3): two built consoles (`next start`) on one fresh
 * PostgreSQL database behind a small reverse proxy (scripts/lib/fleet.ts). What one console does
 * reaches the clients of the other — a session, the live feed, an approval's long-poll, the
 * revocation feed — and when one console is SIGKILLed mid-ingest, OPA-style senders and a real
 * gateway (`gateway/main.ts`, its shipper) retry through the proxy to the other, and the stored set
 * is exactly what was sent.
 * Needs a built app and a PostgreSQL server: STEWARD_FLEET_TEST=1 DATABASE_URL=… npx vitest run scripts/fleet.test.ts
 * Ports: STEWARD_FLEET_PORT (default 4300) for the proxy, the two consoles on the next two, the
 * gateway and its upstream on +10 and +11.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIN_HEADER, startFleet, type Fleet } from "./lib/fleet";
import { sleep, StewardClient } from "./lib/steward-client";

const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const BASE_PORT = Number(process.env.STEWARD_FLEET_PORT ?? 4300);
const A = { [PIN_HEADER]: "0" };
const B = { [PIN_HEADER]: "1" };

let fleet: Fleet & { stop(): Promise<void> };
let db: postgres.Sql;
let admin: StewardClient;

const must = async <T>(response: Response, expected: number, what: string): Promise<T> => {
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${what}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
};
/** A cookie-authenticated JSON call as the admin (Origin = the proxy's, as a browser's would be), pinned to one console. */
const asAdmin = (pin: Record<string, string>, method: string, route: string, body?: unknown) =>
  fetch(`${fleet.url}${route}`, { method, headers: admin.headers({ ...pin, ...(body === undefined ? {} : { "content-type": "application/json" }) }), body: body === undefined ? undefined : JSON.stringify(body) });
const withToken = (token: string, pin: Record<string, string>, method: string, route: string, body?: unknown, signal?: AbortSignal) =>
  fetch(`${fleet.url}${route}`, { method, signal, headers: { authorization: `Bearer ${token}`, ...pin, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) });

async function registerEp(name: string, kind: string): Promise<{ id: string; token: string }> {
  const created = await must<{ enforcementPoint: { id: string }; token: string }>(await asAdmin(A, "POST", "/api/v1/enforcement-points", { name, kind }), 201, `register ${name}`);
  return { id: created.enforcementPoint.id, token: created.token };
}

describe.skipIf(!process.env.STEWARD_FLEET_TEST)("two consoles, one database, behind a reverse proxy", () => {
  beforeAll(async () => {
    fleet = await startFleet({ serverUrl: SERVER_URL, proxyPort: BASE_PORT, label: "test" });
    db = postgres(fleet.databaseUrl, { max: 2, onnotice: () => {} });
    // Signed in on console A.
    admin = await StewardClient.connect(fleet.url, fleet.admin, A);
    // A policy that permits everything, published once for the scenarios below.
    await must(await asAdmin(A, "POST", "/api/v1/policies", { description: "fleet test: permit", source: "permit (principal, action, resource);" }), 201, "save policy");
  }, 300_000);

  afterAll(async () => {
    await db?.end();
    await fleet?.stop();
  }, 60_000);

  it("started both consoles at once on a fresh database (their migrations raced), and a session from A works on B", async () => {
    expect((await db<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`)[0]!.n).toBeGreaterThan(0);
    // The session cookie console A issued: read and change on B, through the proxy.
    const list = await asAdmin(B, "GET", "/api/v1/enforcement-points");
    expect(list.status).toBe(200);
    const created = await asAdmin(B, "POST", "/api/v1/enforcement-points", { name: "made-on-b", kind: "sidecar" });
    expect(created.status).toBe(201);
    // Not a fluke of B accepting anything: without the cookie, B refuses; with the cookie but another Origin, too.
    expect((await fetch(`${fleet.url}/api/v1/enforcement-points`, { headers: B })).status).toBe(401);
    const foreign = await fetch(`${fleet.url}/api/v1/enforcement-points`, { method: "POST", headers: { ...admin.headers(B), origin: "http://evil.example", "content-type": "application/json" }, body: JSON.stringify({ name: "x", kind: "sidecar" }) });
    expect(foreign.status).toBe(403);
    expect(fleet.proxy.answered[0]).toBeGreaterThan(0);
    expect(fleet.proxy.answered[1]).toBeGreaterThan(0);
  });

  it("shows on B's live feed a decision ingested through A", async () => {
    const ep = await registerEp("feed-ep", "sidecar");
    const abort = new AbortController();
    const stream = await fetch(`${fleet.url}/api/v1/decisions/stream`, { headers: admin.headers(B), signal: abort.signal });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const decisionId = randomUUID();
    let text = "";
    try {
      await sleep(500); // the stream is listening before the decision commits
      const posted = await withToken(ep.token, A, "POST", "/api/v1/decisions", [{ id: decisionId, time: new Date().toISOString(), agent: { id: "fleet-agent" }, action: { name: "tool.call" }, resource: { type: "doc", id: "d1" }, outcome: "allow" }]);
      expect(posted.status).toBeLessThan(300);
      const deadline = Date.now() + 20_000;
      const decoder = new TextDecoder();
      while (!text.includes(decisionId) && Date.now() < deadline) {
        const chunk = await Promise.race([reader.read(), sleep(deadline - Date.now()).then(() => ({ done: true, value: undefined }))]);
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
    } finally {
      abort.abort();
    }
    expect(text).toContain("event: decisions");
    expect(text).toContain(decisionId);
  });

  it("releases on B a PEP's long-poll for an access request approved on A", async () => {
    const owner = { email: `owner-${randomBytes(3).toString("hex")}@fleet.test`, password: `owner password ${randomBytes(6).toString("hex")}` };
    await must(await asAdmin(A, "POST", "/api/v1/users", { ...owner, name: "Fleet Owner", role: "viewer" }), 201, "create owner user");
    const person = await must<{ id?: string; person?: { id: string } }>(await asAdmin(A, "POST", "/api/v1/people", { name: "Fleet Owner", email: owner.email }), 201, "create person");
    const agent = await must<{ id?: string; agent?: { id: string } }>(await asAdmin(A, "POST", "/api/v1/agents", { name: "fleet-approval-bot", status: "active", ownerId: person.person?.id ?? person.id, declaredActions: ["call_tool"] }), 201, "create agent");
    const agentId = agent.agent?.id ?? agent.id!;
    await must(await asAdmin(A, "POST", "/api/v1/policies", { description: "fleet test: this agent's destructive calls need its owner", source: `@approval("owner")\nforbid (principal == Steward::Agent::"${agentId}", action, resource)\nwhen { context.destructive };` }), 201, "save approval policy");
    await must(await asAdmin(A, "POST", "/api/v1/policies/publish", { message: "fleet approvals" }), 201, "publish");
    const ownerClient = await StewardClient.connect(fleet.url, owner, A);
    const ownerToken = (await must<{ secret: string }>(await fetch(`${fleet.url}/api/v1/tokens`, { method: "POST", headers: ownerClient.headers({ ...A, "content-type": "application/json" }), body: JSON.stringify({ name: "fleet", expiresInDays: 1 }) }), 201, "owner token")).secret;
    const ep = await registerEp("fleet-pep", "mcp-gateway");

    const call = { subject: { type: "agent", id: agentId }, action: { name: "tools/call" }, resource: { type: "tool", id: "db.drop_table" }, context: { destructive: true, arguments: { table: "t_fleet" } } };
    const denial = await must<{ context: { access_request?: { binding_token: string } } }>(await withToken(ep.token, A, "POST", "/access/v1/evaluation", call), 200, "evaluation");
    expect(denial.context.access_request).toBeDefined();
    const submitted = await fetch(`${fleet.url}/access/v1/requests`, { method: "POST", headers: { authorization: `Bearer ${ep.token}`, "content-type": "application/json", "idempotency-key": "fleet-1", ...A }, body: JSON.stringify({ ...call, denial: { binding_token: denial.context.access_request!.binding_token } }) });
    const requestId = (await must<{ task: { id: string } }>(submitted, 202, "submit")).task.id;

    // The PEP waits on B; the owner approves on A.
    const waitStarted = Date.now();
    const waiting = withToken(ep.token, B, "GET", `/access/v1/requests/${requestId}?wait=25`).then(async (response) => ({ status: response.status, text: await response.text(), at: Date.now() }));
    await sleep(1_000);
    const approvedAt = Date.now();
    const approved = await withToken(ownerToken, A, "POST", `/api/v1/approvals/${requestId}/approve`, { comment: "fleet" });
    expect(approved.status).toBe(200);
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('"status":"approved"');
    // Released by the approval (NOTIFY across consoles), not by the 25 s wait running out.
    expect(answer.at - approvedAt).toBeLessThan(10_000);
    expect(answer.at - waitStarted).toBeGreaterThanOrEqual(1_000);
  }, 120_000);

  it("puts a task ended on A on B's revocation feed while B's long-poll waits", async () => {
    const domain = "fleet.steward";
    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    const kid = `fleet-${Date.now()}`;
    await must(await asAdmin(A, "POST", "/api/v1/trust-domains", { name: domain, source: "jwks", jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "jwt-svid" }] }, allowedAlgs: ["ES256"] }), 201, "trust domain");
    const saved = await asAdmin(A, "PUT", "/api/v1/agents/by-external-id/fleet-planner", { name: "fleet-planner", status: "active", declaredActions: ["crm.search"], credentialKind: "spiffe", credentialMaxLifetimeSeconds: 300, identities: [{ kind: "spiffe_id", value: `spiffe://${domain}/agent/fleet-planner` }] });
    expect(saved.status).toBeLessThan(300);
    const metadata = (await (await fetch(`${fleet.url}/.well-known/oauth-authorization-server`, { headers: A })).json()) as { token_endpoint: string };
    const now = Math.floor(Date.now() / 1000);
    const svid = await new SignJWT({ sub: `spiffe://${domain}/agent/fleet-planner`, aud: metadata.token_endpoint, iat: now, exp: now + 120, jti: randomUUID() }).setProtectedHeader({ alg: "ES256", kid, typ: "JWT" }).sign(privateKey);
    const issued = await fetch(metadata.token_endpoint, {
      method: "POST",
      headers: A,
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", subject_token: svid, subject_token_type: "urn:ietf:params:oauth:token-type:jwt", resource: "https://mcp-gateway.fleet.steward/mcp", scope: "crm.search", authorization_details: JSON.stringify([{ type: "steward_task", purpose: "fleet test" }]) }),
    });
    const token = await must<{ access_token: string }>(issued, 200, "task token");
    const taskId = JSON.parse(Buffer.from(token.access_token.split(".")[1]!, "base64url").toString()).task_id as string;

    const ep = await registerEp("fleet-revocations", "mcp-gateway");
    const start = await must<{ cursor: string; endedTasks: { taskId: string }[] }>(await withToken(ep.token, B, "GET", "/api/v1/revocations"), 200, "feed cursor");
    expect(start.endedTasks.map((task) => task.taskId)).not.toContain(taskId);
    const waiting = withToken(ep.token, B, "GET", `/api/v1/revocations?after=${start.cursor}&wait=25`).then(async (response) => ({ status: response.status, body: (await response.json()) as { endedTasks: { taskId: string }[] }, at: Date.now() }));
    await sleep(1_000);
    const endedAt = Date.now();
    const ended = await asAdmin(A, "POST", `/api/v1/tasks/${taskId}/end`, {});
    expect(ended.status).toBeLessThan(300);
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.body.endedTasks.map((task) => task.taskId)).toContain(taskId);
    expect(answer.at - endedAt).toBeLessThan(10_000);
  }, 120_000);

  it("stores exactly what OPA-style senders and a gateway's shipper sent when console A is SIGKILLed mid-ingest", async () => {
    const opa = await registerEp("fleet-opa", "policy-engine");
    const gatewayEp = await registerEp("fleet-gateway", "mcp-gateway");
    const agent = await must<{ id?: string; agent?: { id: string } }>(await asAdmin(A, "POST", "/api/v1/agents", { name: "fleet-gateway-bot", status: "active", declaredActions: ["echo", "tools/call"] }), 201, "gateway agent");
    const agentId = agent.agent?.id ?? agent.id!;
    await must(await asAdmin(A, "POST", "/api/v1/policies/publish", { message: "fleet gateway" }), 201, "publish").catch(() => undefined);

    // A real gateway (npm run gateway) pointed at the proxy, in front of the demo files server.
    const dir = mkdtempSync(path.join(os.tmpdir(), "steward-fleet-gw-"));
    const agentKey = randomBytes(24).toString("hex");
    const gwPort = BASE_PORT + 10;
    const upstreamPort = BASE_PORT + 11;
    writeFileSync(
      path.join(dir, "gateway.json"),
      JSON.stringify({
        listen: { host: "127.0.0.1", port: gwPort },
        publicUrl: `http://127.0.0.1:${gwPort}`,
        console: { url: fleet.url, token: gatewayEp.token },
        spool: { dir: path.join(dir, "spool") },
        agentKeys: { [createHash("sha256").update(agentKey).digest("hex")]: agentId },
        upstreams: [{ name: "files", transport: "http", url: `http://127.0.0.1:${upstreamPort}/mcp` }],
        logLevel: "error",
      }),
    );
    const children: ChildProcess[] = [];
    const child = (args: string[], env: Record<string, string> = {}) => {
      const proc = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: path.resolve(import.meta.dirname, ".."), env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
      children.push(proc);
      return proc;
    };
    child(["gateway/demo/files-server-http.ts", String(upstreamPort)]);
    child(["gateway/main.ts"], { STEWARD_GATEWAY_CONFIG: path.join(dir, "gateway.json") });
    const mcp = new Client({ name: "fleet-test", version: "1" });
    try {
      await expect.poll(() => fetch(`http://127.0.0.1:${gwPort}/readyz`).then((response) => response.status, () => 0), { timeout: 60_000, interval: 250 }).toBe(200);
      await expect.poll(() => fetch(`http://127.0.0.1:${upstreamPort}/mcp`).then((response) => response.status < 500, () => false), { timeout: 30_000, interval: 250 }).toBe(true);
      await mcp.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${gwPort}/mcp/files`), { requestInit: { headers: { authorization: `Bearer ${agentKey}` } } }));

      const sentOpa = new Set<string>();
      let opaRetries = 0;
      let gatewayCalls = 0;
      let stopping = false;
      // OPA's decision-log uploader: gzip JSON array to <service>/logs; on a non-2xx the same chunk again.
      const opaSender = async (senderIndex: number) => {
        for (let chunk = 0; !stopping || chunk < 8; chunk++) {
          const events = Array.from({ length: 100 }, () => ({
            labels: { id: `opa-${senderIndex}`, version: "1.4.2" },
            decision_id: randomUUID(),
            path: "agents/authz/allow",
            input: { subject: { id: `agent-${senderIndex}` }, action: { name: "invoice.create" }, resource: { type: "invoice", id: `inv-${chunk}` } },
            result: chunk % 3 !== 0,
            timestamp: new Date().toISOString(),
          }));
          for (const event of events) sentOpa.add(event.decision_id);
          const body = gzipSync(JSON.stringify(events));
          for (;;) {
            const status = await fetch(`${fleet.url}/api/v1/opa/logs`, { method: "POST", headers: { authorization: `Bearer ${opa.token}`, "content-type": "application/json", "content-encoding": "gzip" }, body }).then((response) => response.status, () => 0);
            if (status >= 200 && status < 300) break;
            if (status >= 400 && status < 500 && status !== 429) throw new Error(`OPA chunk refused: HTTP ${status}`);
            opaRetries++;
            await sleep(100);
          }
        }
      };
      const agentCalls = async () => {
        while (!stopping) {
          // Allowed or not (a denial is a JSON-RPC error), the gateway records the call once.
          await mcp.callTool({ name: "echo", arguments: { text: `call ${gatewayCalls}` } }).catch(() => undefined);
          gatewayCalls++;
        }
      };
      const traffic = Promise.all([opaSender(0), opaSender(1), agentCalls()]);
      // Mid-ingest: once both the senders' and the gateway's decisions are arriving, console A dies.
      const storedFor = async (epId: string) => Number((await db<{ n: number }[]>`select count(*)::int as n from decisions where enforcement_point_id = ${epId}`)[0]!.n);
      await expect.poll(async () => Math.min(await storedFor(opa.id), await storedFor(gatewayEp.id)), { timeout: 60_000, interval: 250 }).toBeGreaterThan(0);
      const beforeKill = await storedFor(opa.id);
      await fleet.kill(0);
      await sleep(4_000);
      stopping = true;
      await traffic;

      expect(beforeKill).toBeGreaterThan(0);
      expect(opaRetries + fleet.proxy.badGateway).toBeGreaterThan(0); // the kill was felt
      const stored = async (epId: string) => (await db<{ decision_id: string }[]>`select decision_id from decisions where enforcement_point_id = ${epId}`).map((row) => row.decision_id);
      const opaRows = await stored(opa.id);
      const opaSet = new Set(opaRows);
      expect({ stored: opaRows.length, distinct: opaSet.size, missing: [...sentOpa].filter((id) => !opaSet.has(id)).length }).toEqual({ stored: sentOpa.size, distinct: sentOpa.size, missing: 0 });

      // The gateway records each call once in its spool and ships until acknowledged: it drains to B.
      expect(gatewayCalls).toBeGreaterThan(0);
      await expect.poll(async () => (await db<{ n: number }[]>`select count(*)::int as n from decisions where enforcement_point_id = ${gatewayEp.id} and action_name = 'echo'`)[0]!.n, { timeout: 60_000, interval: 500 }).toBe(gatewayCalls);
      await sleep(2_000); // and nothing more arrives (a resent batch would be deduplicated, never stored twice)
      const gatewayRows = await stored(gatewayEp.id);
      expect(new Set(gatewayRows).size).toBe(gatewayRows.length);
      expect(gatewayRows.length).toBeGreaterThanOrEqual(gatewayCalls);
    } finally {
      await mcp.close().catch(() => undefined);
      for (const proc of children) proc.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
      await fleet.restart(0);
    }
  }, 240_000);
});
