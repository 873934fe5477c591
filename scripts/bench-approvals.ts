/**
 * npm run bench:approvals — access-request figures against a built console (`npx next build`) on a
 * fresh PostgreSQL database, each beside a baseline measured in the same run:
 *  1. approve in the console (POST /api/v1/approvals/{id}/approve) → the PEP's long-poll
 *     (GET /access/v1/requests/{id}?wait=30) returns: p50/p99 with ≥ 1,000 requests pending
 *     (target p99 ≤ 1 s), beside GET /api/health round trips;
 *  2. access requests created per second (POST /access/v1/requests, each with a fresh binding
 *     token) beside GET /api/health per second at the same concurrency (target ≥ 0.5×); and, as
 *     figures a machine shared with other work does not skew, the console process's CPU time per
 *     create and per health request (utime + stime from /proc over the phase) and the database
 *     transactions per create (pg_stat_database, BENCH_SEQUENTIAL creates one at a time).
 * Needs DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/postgres); port BENCH_PORT (3931).
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import postgres from "postgres";
import { keepAliveClient, StewardClient, withScratchConsole } from "./lib/steward-client";

const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const PORT = Number(process.env.BENCH_PORT ?? 3931);
const PENDING = Number(process.env.BENCH_PENDING ?? 1000);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);
const LATENCY_PARALLEL = Number(process.env.BENCH_LATENCY_PARALLEL ?? 4);
const CREATE_COUNT = Number(process.env.BENCH_CREATE_COUNT ?? 800);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 100);
const TICKS_PER_SECOND = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in these

/** CPU milliseconds (user + system) used so far by a process and its descendants (next start may fork workers). */
function cpuMsOfTree(root: number): number {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  for (const [pid, value] of ticks) {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parents.get(at)) {
      if (at === root) {
        total += value;
        break;
      }
    }
  }
  return (total * 1000) / TICKS_PER_SECOND;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

async function main() {
  await withScratchConsole({ serverUrl: SERVER_URL, port: PORT, label: "approvals" }, async (scratch) => {
    const admin = await StewardClient.connect(scratch.baseUrl, scratch.admin);
    const ownerCredentials = { email: `owner-${randomBytes(3).toString("hex")}@bench.test`, password: `owner password ${randomBytes(6).toString("hex")}` };
    const must = <T>(result: { status: number; body: T }, expected: number, what: string): T => {
      if (result.status !== expected) throw new Error(`${what}: HTTP ${result.status} ${JSON.stringify(result.body)}`);
      return result.body;
    };
    must(await admin.json("POST", "/api/v1/users", { ...ownerCredentials, name: "Bench Owner", role: "viewer" }), 201, "create owner user");
    const person = must(await admin.json<{ id?: string; person?: { id: string } }>("POST", "/api/v1/people", { name: "Bench Owner", email: ownerCredentials.email }), 201, "create person");
    const personId = person.person?.id ?? person.id!;
    const agent = must(await admin.json<{ id?: string; agent?: { id: string } }>("POST", "/api/v1/agents", { name: "bench-bot", status: "active", ownerId: personId, declaredActions: ["call_tool"] }), 201, "create agent");
    const agentId = agent.agent?.id ?? agent.id!;
    const { token: epToken } = await admin.enforcementPointToken({ name: "bench-gateway", kind: "mcp-gateway" });
    for (const source of ["permit (principal, action, resource);", '@approval("owner")\nforbid (principal, action, resource)\nwhen { context.destructive };']) {
      must(await admin.json("POST", "/api/v1/policies", { description: "bench", source }), 201, "save policy");
    }
    must(await admin.json("POST", "/api/v1/policies/publish", { message: "bench approvals" }), 201, "publish");
    const owner = await StewardClient.connect(scratch.baseUrl, ownerCredentials);
    const ownerToken = must(await owner.json<{ secret: string }>("POST", "/api/v1/tokens", { name: "bench", expiresInDays: 1 }), 201, "owner token").secret;

    const { send, close } = keepAliveClient(PORT, CONCURRENCY + LATENCY_PARALLEL * 2 + 4);
    const ep = { authorization: `Bearer ${epToken}` };
    const call = (i: number) => ({ subject: { type: "agent", id: agentId }, action: { name: "tools/call" }, resource: { type: "tool", id: "db.drop_table" }, context: { destructive: true, arguments: { table: `t_${i}` } } });
    const denialFor = async (i: number) => {
      const answer = await send("POST", "/access/v1/evaluation", JSON.stringify(call(i)), ep);
      const body = JSON.parse(answer.text) as { decision: boolean; context: { access_request?: { binding_token: string } } };
      if (!body.context.access_request) throw new Error(`evaluation ${i} was not a requestable denial: ${answer.text}`);
      return body.context.access_request.binding_token;
    };
    const submit = async (i: number, token: string) => {
      const answer = await send("POST", "/access/v1/requests", JSON.stringify({ ...call(i), denial: { binding_token: token } }), { ...ep, "idempotency-key": `bench-${i}` });
      if (answer.status !== 202) throw new Error(`submit ${i}: HTTP ${answer.status} ${answer.text}`);
      return (JSON.parse(answer.text) as { task: { id: string } }).task.id;
    };

    // Seed: PENDING + LATENCY_SAMPLES pending requests, so ≥ PENDING stay pending while approving.
    const seedCount = PENDING + LATENCY_SAMPLES;
    const seeded: string[] = new Array(seedCount);
    let started = performance.now();
    await pool([...Array(seedCount).keys()], CONCURRENCY, async (i) => {
      seeded[i] = await submit(i, await denialFor(i));
    });
    console.log(`seeded ${seedCount} pending access requests in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // 1. approve → long-poll return, with ≥ PENDING still pending.
    const health: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const t0 = performance.now();
      await send("GET", "/api/health");
      health.push(performance.now() - t0);
    }
    const latencies: number[] = [];
    await pool(seeded.slice(0, LATENCY_SAMPLES), LATENCY_PARALLEL, async (id) => {
      const waiting = send("GET", `/access/v1/requests/${id}?wait=30`, undefined, ep);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the PEP is waiting before the person decides
      const t0 = performance.now();
      const approved = send("POST", `/api/v1/approvals/${id}/approve`, JSON.stringify({ comment: "bench" }), { authorization: `Bearer ${ownerToken}` });
      const answer = await waiting;
      const t1 = performance.now();
      const approval = await approved;
      if (approval.status !== 200) throw new Error(`approve ${id}: HTTP ${approval.status} ${approval.text}`);
      if (!answer.text.includes('"status":"approved"')) throw new Error(`long-poll for ${id} returned without the approval: ${answer.text}`);
      latencies.push(t1 - t0);
    });
    latencies.sort((a, b) => a - b);
    health.sort((a, b) => a - b);
    const stillPending = (JSON.parse((await send("GET", "/api/v1/approvals/count", undefined, { authorization: `Bearer ${ownerToken}` })).text) as { pending: number }).pending;

    // 2. creation throughput beside health throughput, same concurrency, with the console's CPU time per request.
    const serverPid = scratch.server().pid!;
    const tokens: string[] = [];
    await pool([...Array(CREATE_COUNT + SEQUENTIAL).keys()], CONCURRENCY, async (i) => {
      tokens[i] = await denialFor(seedCount + i);
    });
    let cpuBefore = cpuMsOfTree(serverPid);
    started = performance.now();
    await pool(tokens.slice(0, CREATE_COUNT), CONCURRENCY, async (token, i) => {
      await submit(seedCount + i, token);
    });
    const createPerSecond = CREATE_COUNT / ((performance.now() - started) / 1000);
    const cpuPerCreate = (cpuMsOfTree(serverPid) - cpuBefore) / CREATE_COUNT;
    cpuBefore = cpuMsOfTree(serverPid);
    started = performance.now();
    await pool([...Array(CREATE_COUNT * 4).keys()], CONCURRENCY, async () => {
      const answer = await send("GET", "/api/health");
      if (answer.status !== 200) throw new Error(`health: HTTP ${answer.status}`);
    });
    const healthPerSecond = (CREATE_COUNT * 4) / ((performance.now() - started) / 1000);
    const cpuPerHealth = (cpuMsOfTree(serverPid) - cpuBefore) / (CREATE_COUNT * 4);

    // Database transactions per create (each autocommit statement counts as one), SEQUENTIAL creates one at a time.
    const database = new URL(scratch.databaseUrl).pathname.slice(1);
    const stats = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
    const transactions = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // backends report their counters about once a second
      await stats`select pg_stat_clear_snapshot()`;
      const [row] = await stats<{ n: string }[]>`select xact_commit + xact_rollback as n from pg_stat_database where datname = ${database}`;
      return Number(row?.n ?? 0);
    };
    const transactionsBefore = await transactions();
    for (let i = 0; i < SEQUENTIAL; i++) await submit(seedCount + CREATE_COUNT + i, tokens[CREATE_COUNT + i]!);
    // The reading's own transaction (this connection's select) is not the console's.
    const transactionsPerCreate = ((await transactions()) - transactionsBefore - 1) / SEQUENTIAL;
    await stats.end();
    close();

    const p99 = percentile(latencies, 99);
    const ratio = createPerSecond / healthPerSecond;
    console.log("");
    console.log(`approve → PEP long-poll returns (${LATENCY_SAMPLES} approvals, ${LATENCY_PARALLEL} at a time, ${stillPending} pending for the owner afterwards):`);
    console.log(`  p50 ${fmt(percentile(latencies, 50))}  p99 ${fmt(p99)}  max ${fmt(latencies.at(-1)!)}   target p99 ≤ 1000 ms: ${p99 <= 1000 ? "met" : "NOT met"}`);
    console.log(`  baseline GET /api/health round trip: p50 ${fmt(percentile(health, 50))}  p99 ${fmt(percentile(health, 99))}`);
    console.log(`access requests created: ${createPerSecond.toFixed(0)}/s (${CREATE_COUNT}, concurrency ${CONCURRENCY})`);
    console.log(`  baseline GET /api/health: ${healthPerSecond.toFixed(0)}/s (same concurrency)   ratio ${ratio.toFixed(2)}×   target ≥ 0.5×: ${ratio >= 0.5 ? "met" : "NOT met"}`);
    console.log(`  console CPU per request (utime+stime of the console's processes over the phase; load-independent): create ${cpuPerCreate.toFixed(2)} ms, health ${cpuPerHealth.toFixed(2)} ms, ratio ${(cpuPerHealth / cpuPerCreate).toFixed(2)}×`);
    console.log(`  database transactions per create (pg_stat_database, ${SEQUENTIAL} sequential): ${transactionsPerCreate.toFixed(2)}`);
    console.log(`  load average at the end: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
