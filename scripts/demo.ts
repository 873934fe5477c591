/**
 * `npm run demo -- [--once] [--interval 5]`
 * One command that shows real enforcement: it starts the console (`npm start`, embedded PGlite in
 * STEWARD_DATA_DIR, default ./.steward/demo, on PORT or 3000), bootstraps it through the public API
 * (an mcp-gateway enforcement point, an owner, three demo agents, policies that describe the demo
 * tools, published), starts `npm run gateway` on PORT+1 in front of two small MCP servers shipped as
 * demo code (files over Streamable HTTP on PORT+2, tickets over stdio), and runs the demo agents —
 * a planner delegating to two executors — through the gateway with the real MCP SDK client: some
 * calls allowed, some denied, and one destructive call that is denied as requestable and waits for
 * approval in the console's inbox. Ctrl-C (SIGINT/SIGTERM) stops every child.
 *
 * Sign-in: STEWARD_ADMIN_EMAIL / STEWARD_ADMIN_PASSWORD if set; otherwise demo@steward.local with a
 * random password generated on the first run and kept in <data folder>/demo-admin.json (mode 0600).
 * Agent credentials: the demo plays a SPIFFE trust domain (`demo.steward`, its JWT-SVID key generated
 * each run with `jose` and registered in the console). Each round is one task: the planner exchanges
 * a fresh JWT-SVID for a task token at POST /oauth/token (RFC 8693, audience = the gateway, the
 * task's purpose in authorization_details), delegates to each executor with a narrower scope (the
 * planner's token as subject_token, the executor's SVID as actor_token), one executor's attempt to
 * widen is refused, every agent calls the gateway with its own task token, and the task is ended at
 * the end of the round (every token revoked). One more agent, demo-legacy-reporter, still holds a
 * static gateway key (the gateway keeps only its SHA-256), so the console's
 * `standing_credential_in_use` finding has something to show. The round's calls share one W3C trace.
 * --once runs one round of agent traffic and waits until the console has stored it, then stops
 * (exit 0) — the demo test uses it. --interval sets the seconds between rounds otherwise.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { buildNeeded } from "./lib/build-state.mjs";
import { DemoTrustDomain, taskIdOf, type ExchangeAnswer } from "./lib/demo-trust-domain";
import { argValue, sleep, StewardClient } from "./lib/steward-client";

const root = path.resolve(__dirname, "..");
const once = process.argv.includes("--once");
const intervalSeconds = Number(argValue("interval", "5"));
const port = Number(process.env.PORT ?? 3000);
const gatewayPort = port + 1;
const filesPort = port + 2;
const dataDir = path.resolve(process.env.STEWARD_DATA_DIR || path.join(root, ".steward", "demo"));
const consoleUrl = `http://127.0.0.1:${port}`;
const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
const POLICY_OWNER = "steward-demo";
const TRUST_DOMAIN = "demo.steward";

/**
 * The demo agents and their declared scope (the tools a task token of theirs may name). The planner
 * holds the whole task's tools so it can delegate them; each executor's token narrows to its part.
 * demo-legacy-reporter has no SPIFFE ID: it calls with a static gateway key.
 */
const AGENTS = {
  "demo-planner": { description: "Demo: plans support tasks and delegates to the executors", tools: ["list_tickets", "read_file", "create_ticket", "purge_tickets"], spiffe: true },
  "demo-files-executor": { description: "Demo: reads documentation for the planner", tools: ["read_file", "delete_file"], spiffe: true },
  "demo-tickets-executor": { description: "Demo: files and cleans up tickets for the planner", tools: ["list_tickets", "create_ticket", "purge_tickets"], spiffe: true },
  "demo-legacy-reporter": { description: "Demo: a reporting agent not yet moved to task tokens (static gateway key)", tools: ["list_tickets"], spiffe: false },
} as const;
type AgentName = keyof typeof AGENTS;
/** What the planner's task token carries, and what it hands each executor. */
const TASK_SCOPE = "list_tickets read_file create_ticket purge_tickets";
const DELEGATED_SCOPE = { "demo-files-executor": "read_file", "demo-tickets-executor": "create_ticket purge_tickets" } as const;

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

function log(message: string): void {
  process.stdout.write(`[demo] ${message}\n`);
}

/** Spawns a child whose output is shown prefixed (the console's build and errors, the gateway's warnings; the rest only with STEWARD_DEMO_VERBOSE), and stops the demo if it dies. */
function startChild(name: string, args: string[], env: Record<string, string>, showOutput: boolean): ChildProcess {
  // Each child in its own process group: Ctrl-C in the terminal reaches only the demo, which then stops the
  // gateway before the console (so the gateway ships its last decisions) instead of everything at once.
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const verbose = showOutput || Boolean(process.env.STEWARD_DEMO_VERBOSE);
  for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk: Buffer) => verbose && process.stderr.write(chunk.toString("utf8").replace(/^(?=.)/gm, `[${name}] `)));
  child.on("exit", (code, signal) => {
    if (stopping) return;
    log(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the demo`);
    void stop(1);
  });
  children.push({ name, child });
  return child;
}

/** Stops children in reverse start order (gateway before console, so it can ship its spool), SIGKILL after 15 s. */
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const { child } of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000).then(() => child.kill("SIGKILL"))]);
    }
  }
  process.exit(code);
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) throw new Error(`stopped while waiting for ${what}`);
    if (await probe().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} did not become ready within ${Math.round(timeoutMs / 1000)} s`);
}

/** The admin of the demo data folder: from the environment, or generated once and kept beside the data. */
function adminCredentials(): { email: string; password: string; generated?: boolean } {
  if (process.env.STEWARD_ADMIN_EMAIL && process.env.STEWARD_ADMIN_PASSWORD) return { email: process.env.STEWARD_ADMIN_EMAIL, password: process.env.STEWARD_ADMIN_PASSWORD };
  const file = path.join(dataDir, "demo-admin.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as { email: string; password: string };
  const credentials = { email: "demo@steward.local", password: randomBytes(12).toString("base64url") };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  chmodSync(file, 0o600);
  return { ...credentials, generated: true };
}

async function expectStatus<T>(what: string, response: Promise<{ status: number; body: T }>, ok: number[]): Promise<T> {
  const { status, body } = await response;
  if (!ok.includes(status)) throw new Error(`${what}: HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/** Owner, agents, policies (replacing the previous run's demo policies) and a published version. */
async function bootstrap(client: StewardClient, ownerEmail: string, domain: DemoTrustDomain): Promise<Record<AgentName, string>> {
  type Person = { id?: string; person?: { id: string } };
  const created = await client.json<Person>("POST", "/api/v1/people", { name: "Demo owner", email: ownerEmail });
  const ownerId =
    created.status === 201
      ? (created.body.person?.id ?? created.body.id!)
      : (await client.json<{ items: { id: string; email: string }[] }>("GET", `/api/v1/people?q=${encodeURIComponent(ownerEmail)}`)).body.items.find((person) => person.email.toLowerCase() === ownerEmail.toLowerCase())?.id;
  if (!ownerId) throw new Error(`could not create or find the person ${ownerEmail} (HTTP ${created.status})`);

  const ids = {} as Record<AgentName, string>;
  for (const [name, agent] of Object.entries(AGENTS) as [AgentName, (typeof AGENTS)[AgentName]][]) {
    const credential = agent.spiffe
      ? { credentialKind: "spiffe", credentialMaxLifetimeSeconds: 300, identities: [{ kind: "spiffe_id", value: domain.spiffeId(name) }] }
      : { credentialKind: "static_api_key", identities: [] };
    const saved = await expectStatus(`registering ${name}`, client.json<{ id?: string; agent?: { id: string } }>("PUT", `/api/v1/agents/by-external-id/${name}`, { name, status: "active", ownerId, description: agent.description, declaredActions: agent.tools, ...credential }), [200, 201]);
    ids[name] = saved.agent?.id ?? saved.id!;
  }

  const tool = (name: string) => `Steward::Tool::"${name}"`;
  const agentRef = (name: AgentName) => `Steward::Agent::"${ids[name]}"`;
  const callTool = 'action == Steward::Action::"call_tool"';
  // Policies govern both the calls and the task tokens (each scope entry of a token is a decision).
  const policies = [
    ...(["list_tickets", "read_file", "create_ticket", "purge_tickets"] as const).map((name) => ({ description: `Demo: the planner may hold ${name} in its task token and delegate it`, source: `permit (principal == ${agentRef("demo-planner")}, ${callTool}, resource == ${tool(name)});` })),
    { description: "Demo: the files executor may read files (delete_file is permitted to no one: denied)", source: `permit (principal == ${agentRef("demo-files-executor")}, ${callTool}, resource == ${tool("read_file")});` },
    ...["list_tickets", "create_ticket", "purge_tickets"].map((name) => ({ description: `Demo: the tickets executor may call ${name}`, source: `permit (principal == ${agentRef("demo-tickets-executor")}, ${callTool}, resource == ${tool(name)});` })),
    { description: "Demo: the legacy reporter may list tickets", source: `permit (principal == ${agentRef("demo-legacy-reporter")}, ${callTool}, resource == ${tool("list_tickets")});` },
    { description: "Demo: purging tickets waits for the agent's owner to approve", source: `@approval("owner")\nforbid (principal, ${callTool}, resource == ${tool("purge_tickets")});` },
  ];
  const draft = await expectStatus("reading the draft", client.json<{ content: { policies: { id: string; owner?: string }[] } }>("GET", "/api/v1/policies"), [200]);
  for (const policy of draft.content.policies.filter((item) => item.owner === POLICY_OWNER)) await expectStatus(`deleting the previous demo policy ${policy.id}`, client.json("DELETE", `/api/v1/policies/${policy.id}`), [200]);
  for (const policy of policies) await expectStatus(`saving "${policy.description}"`, client.json("POST", "/api/v1/policies", { ...policy, owner: POLICY_OWNER }), [201]);
  await expectStatus("publishing the demo policies (approve the draft in Policies if four-eyes is on)", client.json("POST", "/api/v1/policies/publish", { message: "npm run demo: policies for the demo agents and tools" }), [201]);
  return ids;
}

type AgentSession = { call: (tool: string, args: Record<string, unknown>) => Promise<{ ok: true; text: string } | { ok: false; message: string }>; close: () => Promise<void> };

/** A real MCP SDK client for one agent on one gateway endpoint, with its task token (or static key); every request carries the task's traceparent. */
async function connect(server: "files" | "tickets", credential: string, traceparent: string): Promise<AgentSession> {
  const client = new Client({ name: "steward-demo-agent", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gatewayUrl}/mcp/${server}`), { requestInit: { headers: { authorization: `Bearer ${credential}`, traceparent } } }));
  return {
    call: async (name, args) => {
      try {
        const result = await client.callTool({ name, arguments: args });
        const text = (result.content as { type: string; text?: string }[]).map((part) => part.text ?? "").join(" ");
        return { ok: true, text };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },
    close: () => client.close(),
  };
}

type Tally = { allowed: number; denied: number };
type Outcome = Awaited<ReturnType<AgentSession["call"]>>;

/** The SDK client prefixes "MCP error <code>: "; the gateway's reason, whole (an approval's link must not be cut). */
const reason = (outcome: Extract<Outcome, { ok: false }>) => outcome.message.replace(/^(MCP error -?\d+: )+/, "");
/** A call the gateway held for a person and answered unapproved (recorded approval_required, not deny). */
const heldUnapproved = (outcome: Outcome) => !outcome.ok && /approval required/i.test(outcome.message);

function issued(what: string, answer: ExchangeAnswer): string {
  if (!answer.body.access_token) throw new Error(`${what}: HTTP ${answer.status} ${answer.body.error ?? ""} ${answer.body.error_description ?? ""}`.trim());
  return answer.body.access_token;
}

/**
 * One task. The planner exchanges its JWT-SVID for a task token (audience = the gateway), delegates
 * to the executors with narrowed scope (one executor's attempt to widen is refused), every agent
 * calls the gateway with its own task token — the legacy reporter with its static key — and the
 * planner ends the task, which revokes every token of it. Returns the task id.
 */
async function runTask(domain: DemoTrustDomain, legacyKey: string, tally: Tally, round: number, watchForApproval: (taskId: string) => () => Promise<void>): Promise<string> {
  const traceparent = `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
  // Every step of the first task is shown; later tasks print one line each.
  const verbose = round === 1;
  const before = { ...tally };
  const report = (agent: AgentName, tool: string, outcome: Outcome) => {
    if (outcome.ok) tally.allowed++;
    else tally.denied++;
    if (verbose) log(`  ${agent} → ${tool}: ${outcome.ok ? `allowed (${outcome.text.slice(0, 60)})` : heldUnapproved(outcome) ? (stopping ? "held, cut short: the demo is stopping" : `held, not approved in time: recorded approval_required (${reason(outcome)})`) : `denied (${reason(outcome)})`}`);
  };

  const purpose = `triage open tickets (demo round ${round})`;
  const plannerToken = issued("the planner's task token", await domain.startTask("demo-planner", { resource: gatewayUrl, scope: TASK_SCOPE, purpose }));
  const taskId = taskIdOf(plannerToken);
  if (verbose) {
    log(`task ${taskId} (trace ${traceparent.split("-")[1]}): the planner triages open tickets and delegates to its executors`);
    log(`  demo-planner exchanged its JWT-SVID (${domain.spiffeId("demo-planner")}) for a task token: [${TASK_SCOPE}], audience ${gatewayUrl}`);
  }
  const delegated = {} as Record<keyof typeof DELEGATED_SCOPE, string>;
  for (const [executor, scope] of Object.entries(DELEGATED_SCOPE) as [keyof typeof DELEGATED_SCOPE, string][]) {
    delegated[executor] = issued(`delegation to ${executor}`, await domain.delegate(plannerToken, executor, scope));
    if (verbose) log(`  demo-planner delegated to ${executor} (its SVID as actor_token): [${scope}]`);
  }
  // The files executor declared delete_file, but the planner's token does not carry it: delegation cannot widen.
  const widen = await domain.delegate(plannerToken, "demo-files-executor", "read_file delete_file");
  if (widen.body.access_token) throw new Error("the token service let a delegation widen its scope");
  if (verbose) log(`  demo-files-executor asked for [read_file delete_file]: refused (${widen.body.error}: ${widen.body.error_description})`);

  const planner = await connect("tickets", plannerToken, traceparent);
  const plannerFiles = await connect("files", plannerToken, traceparent);
  const files = await connect("files", delegated["demo-files-executor"], traceparent);
  const tickets = await connect("tickets", delegated["demo-tickets-executor"], traceparent);
  const legacy = await connect("tickets", legacyKey, traceparent);
  let purge: Outcome | undefined;
  try {
    report("demo-planner", "list_tickets", await planner.call("list_tickets", { status: "open" }));
    report("demo-planner", "delete_file", await plannerFiles.call("delete_file", { path: "/docs/readme.md" }));
    report("demo-files-executor", "read_file", await files.call("read_file", { path: "/docs/readme.md" }));
    report("demo-files-executor", "delete_file", await files.call("delete_file", { path: "/etc/secrets" }));
    report("demo-tickets-executor", "create_ticket", await tickets.call("create_ticket", { title: `Follow-up from demo task ${round}` }));
    // The gateway holds the purge while it waits for a human: the link is printed while the call still waits, not after.
    const stopWatching = watchForApproval(taskId);
    purge = await tickets.call("purge_tickets", {}).finally(stopWatching);
    report("demo-tickets-executor", "purge_tickets", purge);
    report("demo-legacy-reporter", "list_tickets", await legacy.call("list_tickets", { status: "open" }));
    report("demo-legacy-reporter", "create_ticket", await legacy.call("create_ticket", { title: "The reporter may not file tickets" }));
  } finally {
    await Promise.allSettled([planner.close(), plannerFiles.close(), files.close(), tickets.close(), legacy.close()]);
  }
  // The task is over: ending it revokes every token of it (the gateway refuses them within a second).
  const ended = await domain.endTask(plannerToken);
  if (ended.status !== 200) throw new Error(`ending task ${taskId}: HTTP ${ended.status} ${JSON.stringify(ended.body)}`);
  const purged = !purge ? "" : purge.ok ? " (purge_tickets allowed after approval)" : heldUnapproved(purge) ? (stopping ? " (purge_tickets cut short: the demo is stopping)" : " (purge_tickets not approved in time)") : "";
  const line = `${tally.allowed - before.allowed} allowed, ${tally.denied - before.denied} denied${purged}; task ended, ${ended.body.revokedTokens ?? 0} token${ended.body.revokedTokens === 1 ? "" : "s"} revoked — ${consoleUrl}/tasks/${taskId}`;
  log(verbose ? `  ${line}` : `task ${taskId} (trace ${traceparent.split("-")[1]}): ${line}`);
  return taskId;
}

async function main(): Promise<void> {
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  const admin = adminCredentials();

  // npm start builds only when the build is missing or older than the sources: say so only then.
  log(`starting the console on ${consoleUrl} (data in ${dataDir}${buildNeeded(root) ? "; it is built first, which takes a few minutes" : ""})`);
  // AUTH_URL: the console's real base URL, so its links (an access request's review link) and its
  // task tokens' issuer are this address — the gateway verifies tokens against exactly this issuer.
  startChild("console", ["scripts/start.mjs"], { PORT: String(port), HOST: "127.0.0.1", AUTH_URL: consoleUrl, STEWARD_DATA_DIR: dataDir, STEWARD_ADMIN_EMAIL: admin.email, STEWARD_ADMIN_PASSWORD: admin.password }, true);
  await waitUntil("the console", async () => (await fetch(`${consoleUrl}/api/ready`)).ok, 15 * 60_000);
  const client = await StewardClient.connect(consoleUrl, { email: admin.email, password: admin.password });
  // Its audience is the gateway's URL, the resource the demo agents name in their token exchange (secrets from the console's store are released to it only for those tokens).
  const ep = await client.enforcementPointToken({ name: "demo-gateway", kind: "mcp-gateway", environment: "demo", description: "npm run demo: the gateway in front of the demo files and tickets servers", audiences: [gatewayUrl] });
  // The demo's SPIFFE trust domain: a fresh JWT-SVID key each run, registered in the console.
  const domain = await DemoTrustDomain.register(client, consoleUrl, TRUST_DOMAIN);
  const agentIds = await bootstrap(client, admin.email, domain);
  log(`registered the trust domain ${TRUST_DOMAIN}, ${Object.keys(agentIds).length} agents and published the demo policies`);

  startChild("files-server", ["--import", "tsx", "gateway/demo/files-server-http.ts", String(filesPort)], {}, false);
  await waitUntil("the files MCP server", async () => (await fetch(`http://127.0.0.1:${filesPort}/mcp`, { method: "GET" })).status > 0, 60_000);

  // The one static credential left: the legacy reporter's gateway key, random each run; the gateway is given only its SHA-256.
  const legacyKey = `gk_${randomBytes(24).toString("base64url")}`;
  const agentKeys = { [createHash("sha256").update(legacyKey).digest("hex")]: agentIds["demo-legacy-reporter"] };
  const upstreams = [
    { name: "files", transport: "http", url: `http://127.0.0.1:${filesPort}/mcp`, dataSensitivity: "internal", environment: "demo" },
    { name: "tickets", transport: "stdio", command: process.execPath, args: ["--import", "tsx", path.join(root, "scripts/demo/tickets-server-stdio.ts")], environment: "demo" },
  ];
  // A destructive call is held this long for an approval in the browser (under the MCP SDK client's 60 s request
  // timeout); one round (--once) does not wait that long.
  const holdSeconds = once ? 5 : 45;
  startChild("gateway", ["--import", "tsx", "gateway/main.ts"], {
    STEWARD_CONSOLE_URL: consoleUrl,
    STEWARD_GATEWAY_TOKEN: ep.token,
    STEWARD_GATEWAY_PUBLIC_URL: gatewayUrl,
    STEWARD_GATEWAY_PORT: String(gatewayPort),
    STEWARD_GATEWAY_HOST: "127.0.0.1",
    STEWARD_GATEWAY_SPOOL_DIR: path.join(dataDir, "gateway-spool"),
    STEWARD_GATEWAY_UPSTREAMS: JSON.stringify(upstreams),
    STEWARD_GATEWAY_AGENT_KEYS: JSON.stringify(agentKeys),
    STEWARD_GATEWAY_LOG_LEVEL: "warn",
    STEWARD_GATEWAY_APPROVAL_HOLD_SECONDS: String(holdSeconds),
  }, true);
  await waitUntil("the gateway", async () => (await fetch(`${gatewayUrl}/readyz`)).ok, 120_000);
  log(`gateway ready on ${gatewayUrl} (MCP servers at /mcp/files and /mcp/tickets)`);

  const tally: Tally = { allowed: 0, denied: 0 };
  const announced = new Set<string>();
  const pendingRequest = async () => {
    const pending = await client.json<{ items?: { id: string }[] }>("GET", `/api/v1/approvals?status=pending&agent=${agentIds["demo-tickets-executor"]}`).catch(() => undefined);
    return pending?.status === 200 ? pending.body.items?.find((item) => !announced.has(item.id)) : undefined;
  };
  const announce = (id: string, line: string) => {
    announced.add(id);
    log(`  ${line} at ${consoleUrl}/approvals?request=${id}`);
  };
  /**
   * While the purge is held, polls the console (every 500 ms) for the access request the gateway opened
   * (AuthZEN access-request profile) and prints its review link once, so it can be approved before the
   * hold ends. Returns the function to call when the call has ended: it stops polling and, if the request
   * was not seen in time, still names it.
   */
  const watchForApproval = (taskId: string) => {
    let watching = true;
    let seen = false;
    const polling = (async () => {
      while (watching && !stopping) {
        const request = await pendingRequest();
        if (request) {
          seen = true;
          announce(request.id, `task ${taskId}: the purge is held for approval: approve access request ${request.id} within ${holdSeconds} s`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    return async () => {
      watching = false;
      await polling;
      // Ctrl-C during the hold ends the call: that is not an approval that came too late.
      const late = seen || stopping ? undefined : await pendingRequest();
      if (late) announce(late.id, `task ${taskId}: the purge was held for access request ${late.id} (not approved in time)`);
    };
  };
  const banner = () =>
    log(
      [
        "",
        // The generated password is shown once, on the run that created it; later runs point to its file.
        `Open ${consoleUrl} and sign in as ${admin.email} with ${process.env.STEWARD_ADMIN_PASSWORD ? "your STEWARD_ADMIN_PASSWORD" : admin.generated ? `the password ${admin.password} (generated for this data folder; also in ${path.join(dataDir, "demo-admin.json")})` : `the password in ${path.join(dataDir, "demo-admin.json")}`}.`,
        `  ${consoleUrl}/tasks       each round's task: its delegation tree, tokens (revoked when the task ended) and decisions`,
        `  ${consoleUrl}/decisions   allows and denies as the gateway records them`,
        `  ${consoleUrl}/approvals   the destructive purge_tickets call waiting for approval`,
        `  ${consoleUrl}/mcp-servers the gateway, its upstreams and the tool catalog`,
        `  ${consoleUrl}/agents/${agentIds["demo-legacy-reporter"]}  demo-legacy-reporter still calls with a static gateway key: the findings job (every 10 minutes) flags it standing_credential_in_use`,
        "Ctrl-C stops the console, the gateway, the MCP servers and the agents.",
        "",
      ].join("\n"),
    );

  if (once) {
    await runTask(domain, legacyKey, tally, 1, watchForApproval);
    // Wait until the gateway has shipped the round and the console stored it (allows and denies on this EP).
    await waitUntil("the decisions to reach the console", async () => {
      // A held call that ended unapproved is recorded as approval_required, not deny: the demo counts both as denied.
      const [allowed, denied, held] = await Promise.all(["allow", "deny", "approval_required"].map(async (outcome) => (await client.json<{ decisions: unknown[] }>("GET", `/api/v1/decisions?ep=${ep.id}&outcome=${outcome}&limit=50`)).body.decisions.length));
      return allowed! >= tally.allowed && denied! + held! >= tally.denied;
    }, 60_000);
    log(`one round done: ${tally.allowed} allowed, ${tally.denied} denied, stored by the console`);
    banner();
    await stop(0);
  }
  banner();
  for (let round = 1; !stopping; round++) {
    // A round cut short by Ctrl-C is not a failure to report.
    await runTask(domain, legacyKey, tally, round, watchForApproval).catch((error: unknown) => stopping || log(`task ${round} failed: ${error instanceof Error ? error.message : String(error)}`));
    await sleep(intervalSeconds * 1000);
  }
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  void stop(1);
});
