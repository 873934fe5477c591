/**
 * `npm run bench:fleet` — the fleet under the ingest and gateway benchmarks' traffic at once, beside
 * one console and one gateway measured in the same run with the same traffic per process:
 *  - single: one console (`next start`) and one gateway (`npm run gateway`) on a fresh database;
 *  - fleet: two consoles behind the fleet proxy (scripts/lib/fleet.ts) and two gateways shipping
 *    through it, on another fresh database.
 * In each, for BENCH_SECONDS (default 60): ingest senders post batches of realistic decisions
 * (bench:ingest's, BENCH_INGEST_CONCURRENCY per console, default 2), MCP clients call the demo
 * files server's echo tool through each gateway at BENCH_CALL_RATE calls/s per gateway (default 20,
 * open loop) and the same rate directly (the baseline of the added latency), and an SSE client
 * follows the live feed (on the second console in the fleet, so the lag crosses consoles).
 * Printed: total decisions/s (counted in the database), p99 added latency of tools/call (through
 * the gateway − direct, same window), feed lag p50/p99, and replica lag when DATABASE_READ_URL names
 * a streaming replica of DATABASE_URL's server (else "no replica"), with the load average.
 * Needs a build (`npx next build`) and DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 * Ports: BENCH_PORT (default 4350) … +30. Senders, gateways and the feed client share the machine's
 * cores with the consoles and PostgreSQL: on two cores, a second console adds no CPU, only coordination.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import postgres from "postgres";
import { followFeed, mcpClients, openLoop, percentileOfSorted, realisticDecision, sleep, tsxChild, waitHttp } from "./lib/bench-traffic";
import { startFleet, type Fleet } from "./lib/fleet";
import { StewardClient } from "./lib/steward-client";

const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const READ_URL = process.env.DATABASE_READ_URL;
const BASE_PORT = Number(process.env.BENCH_PORT ?? 4350);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const INGEST_CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 2);
const CALL_RATE = Number(process.env.BENCH_CALL_RATE ?? 20);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);

type Figures = { label: string; decisionsPerSecond: number; ingested: number; gatewayDecisions: number; added: { p50: number; p99: number }; direct: { p99: number }; through: { p99: number; errors: number }; feed: { p50: number; p99: number; arrived: number; noted: number; skipped: number }; replica: string; load: string; bad: Map<number, number> };

const load = () => os.loadavg().map((value) => value.toFixed(1)).join(" ");
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** POSTs on keep-alive connections to `port`; each call resolves with the status. */
function poster(port: number, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const post = (route: string, body: string, headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const request = http.request({ host: "127.0.0.1", port, path: route, method: "POST", agent, headers: { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } }, (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      });
      request.on("error", () => resolve(0));
      request.end(body);
    });
  return { post, close: () => agent.destroy() };
}

/** Samples the replica's lag once a second (the console's own measure: db/replica.ts measureReplicaLag). */
function sampleReplicaLag(): { stop: () => Promise<string> } {
  if (!READ_URL) return { stop: async () => "no replica (DATABASE_READ_URL unset)" };
  const sql = postgres(READ_URL, { max: 1, onnotice: () => {} });
  const lags: number[] = [];
  let errors = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const [row] = await sql<{ lag: string | null }[]>`select case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0 else extract(epoch from now() - pg_last_xact_replay_timestamp()) end as lag`;
        lags.push(Number(row?.lag ?? 0) * 1000);
      } catch {
        errors++;
      }
      await sleep(1_000);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await sql.end();
      lags.sort((a, b) => a - b);
      return lags.length ? `replica lag p50 ${ms(percentileOfSorted(lags, 50))}, max ${ms(lags.at(-1)!)} over ${lags.length} samples${errors ? ` (${errors} failed)` : ""}` : `replica unreachable (${errors} failed samples)`;
    },
  };
}

/** Runs the mixed traffic against `fleet` (1 or 2 consoles) with one gateway per console; returns its figures. */
async function measure(label: string, fleet: Fleet, portBase: number): Promise<Figures> {
  const consoles = fleet.consoleUrls.length;
  // One console is measured as users start: senders and its gateway talk to it directly, no proxy.
  const target = consoles === 1 ? fleet.consoleUrls[0]! : fleet.url;
  const admin = await StewardClient.connect(target, fleet.admin);
  const ingestEp = await admin.enforcementPointToken({ name: "bench-fleet-ingest", kind: "mcp-gateway" });
  const agent = await admin.json<{ id?: string; agent?: { id: string } }>("POST", "/api/v1/agents", { name: "bench-fleet-bot", status: "active", declaredActions: ["echo", "tools/call"] });
  if (agent.status !== 201) throw new Error(`creating the agent: HTTP ${agent.status}`);
  const agentId = agent.body.agent?.id ?? agent.body.id!;
  const saved = await admin.json("POST", "/api/v1/policies", { description: "bench:fleet: permit", source: "permit (principal, action, resource);" });
  const published = await admin.json("POST", "/api/v1/policies/publish", { message: "bench:fleet" });
  if (saved.status !== 201 || published.status !== 201) throw new Error(`publishing the policy: HTTP ${saved.status}/${published.status}`);

  // One upstream (the demo files server) and one gateway per console, each with its own EP token.
  const dir = mkdtempSync(path.join(os.tmpdir(), "steward-bench-fleet-"));
  const upstreamPort = portBase + 20;
  const agentKey = randomBytes(24).toString("hex");
  const children: ChildProcess[] = [tsxChild(["gateway/demo/files-server-http.ts", String(upstreamPort)])];
  const gatewayEps: string[] = [];
  const gatewayPorts: number[] = [];
  for (let i = 0; i < consoles; i++) {
    const ep = await admin.enforcementPointToken({ name: `bench-fleet-gateway-${i}`, kind: "mcp-gateway" });
    gatewayEps.push(ep.id);
    const port = portBase + 21 + i;
    gatewayPorts.push(port);
    const config = path.join(dir, `gateway-${i}.json`);
    writeFileSync(config, JSON.stringify({ listen: { host: "127.0.0.1", port }, publicUrl: `http://127.0.0.1:${port}`, console: { url: target, token: ep.token }, spool: { dir: path.join(dir, `spool-${i}`) }, agentKeys: { [createHash("sha256").update(agentKey).digest("hex")]: agentId }, upstreams: [{ name: "files", transport: "http", url: `http://127.0.0.1:${upstreamPort}/mcp` }], logLevel: "error" }));
    children.push(tsxChild(["gateway/main.ts"], { STEWARD_GATEWAY_CONFIG: config }));
  }
  const db = postgres(fleet.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await waitHttp(`http://127.0.0.1:${upstreamPort}/mcp`);
    for (const port of gatewayPorts) {
      await waitHttp(`http://127.0.0.1:${port}/healthz`);
      for (let i = 0; i < 300 && (await fetch(`http://127.0.0.1:${port}/readyz`)).status !== 200; i++) await sleep(100);
    }
    const direct = await mcpClients(`http://127.0.0.1:${upstreamPort}/mcp`, {}, 4 * consoles);
    const through = (await Promise.all(gatewayPorts.map((port) => mcpClients(`http://127.0.0.1:${port}/mcp/files`, { authorization: `Bearer ${agentKey}` }, 4)))).flat();
    const call = (clients: typeof direct) => (i: number) => clients[i % clients.length]!.callTool({ name: "echo", arguments: { text: `call ${i}` } }).then((result) => {
      if (result.isError) throw new Error("tool error");
    });
    await call(through)(0); // a bench whose calls fail measures the failure path: stop here instead
    // The feed follows the last console: in the fleet, decisions posted to the other reach it through NOTIFY.
    const feed = await followFeed(`${fleet.consoleUrls.at(-1)}/api/v1/decisions/stream?ep=${ingestEp.id}`, admin.headers());
    const replica = sampleReplicaLag();
    const count = async (ids: string[]) => Number((await db<{ n: number }[]>`select count(*)::int as n from decisions where enforcement_point_id = any(${ids})`)[0]!.n);
    const before = await count([ingestEp.id, ...gatewayEps]);
    const { post, close } = poster(Number(new URL(target).port), INGEST_CONCURRENCY * consoles);
    // Status → count of ingest requests not answered 200 (0: the connection failed); a sender would retry them.
    const bad = new Map<number, number>();
    let running = true;
    const started = performance.now();
    const senders = Array.from({ length: INGEST_CONCURRENCY * consoles }, async () => {
      while (running) {
        const batch = Array.from({ length: BATCH }, () => ({ ...realisticDecision(), time: new Date().toISOString() }));
        const body = JSON.stringify(batch);
        feed.sent(batch.map((decision) => decision.id));
        const status = await post("/api/v1/decisions", body, { authorization: `Bearer ${ingestEp.token}` });
        if (status !== 200) bad.set(status, (bad.get(status) ?? 0) + 1);
      }
    });
    const [gw, dr] = await Promise.all([openLoop(CALL_RATE * consoles, SECONDS, call(through)), openLoop(CALL_RATE * consoles, SECONDS, call(direct))]);
    running = false;
    await Promise.all(senders);
    const seconds = (performance.now() - started) / 1000;
    close();
    // The gateways' spools drain after the window; what they recorded in it counts.
    for (let i = 0; i < 100 && (await count(gatewayEps)) < gw.sorted.length + gw.errors; i++) await sleep(200);
    const after = await count([ingestEp.id, ...gatewayEps]);
    const gatewayDecisions = await count(gatewayEps);
    await sleep(1_000);
    const feedResult = await feed.stop();
    const replicaText = await replica.stop();
    for (const client of [...direct, ...through]) await client.close();
    return {
      label,
      decisionsPerSecond: (after - before) / seconds,
      ingested: after - before,
      gatewayDecisions,
      added: { p50: percentileOfSorted(gw.sorted, 50) - percentileOfSorted(dr.sorted, 50), p99: percentileOfSorted(gw.sorted, 99) - percentileOfSorted(dr.sorted, 99) },
      direct: { p99: percentileOfSorted(dr.sorted, 99) },
      through: { p99: percentileOfSorted(gw.sorted, 99), errors: gw.errors },
      feed: { p50: percentileOfSorted(feedResult.lags, 50), p99: percentileOfSorted(feedResult.lags, 99), arrived: feedResult.lags.length, noted: feedResult.noted, skipped: feedResult.skipped },
      replica: replicaText,
      load: load(),
      bad,
    };
  } finally {
    await db.end();
    for (const proc of children) proc.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(figures: Figures): void {
  console.log(`${figures.label} (load average at the end ${figures.load}):`);
  console.log(`  total decisions stored: ${figures.decisionsPerSecond.toFixed(0)}/s (${figures.ingested.toLocaleString()} in the window, ${figures.gatewayDecisions.toLocaleString()} of them from the gateways; ${[...figures.bad.values()].reduce((sum, n) => sum + n, 0)} ingest requests not 200${figures.bad.size ? `: ${[...figures.bad].map(([status, n]) => `${n}× ${status || "connection failed"}`).join(", ")}` : ""})`);
  console.log(`  tools/call added by the gateway: p50 ${ms(figures.added.p50)}, p99 ${ms(figures.added.p99)} (through p99 ${ms(figures.through.p99)} with ${figures.through.errors} errors, direct p99 ${ms(figures.direct.p99)})`);
  console.log(`  live-feed lag (POST start → SSE receipt): p50 ${ms(figures.feed.p50)}, p99 ${ms(figures.feed.p99)} over ${figures.feed.arrived.toLocaleString()} of ${figures.feed.noted.toLocaleString()} decisions (${figures.feed.skipped.toLocaleString()} skipped by the feed's per-tick cap)`);
  console.log(`  ${figures.replica}`);
}

async function main(): Promise<void> {
  console.log(`bench:fleet — ${new Date().toISOString()} — ${SECONDS} s per phase; ingest ${INGEST_CONCURRENCY} senders × ${BATCH} decisions per console; tools/call ${CALL_RATE}/s per gateway (open loop) and the same directly; load average ${load()} on ${os.cpus().length} CPUs`);
  const env = READ_URL ? { DATABASE_READ_URL: READ_URL } : undefined;
  const results: Figures[] = [];
  for (const [label, consoles, port] of [["single process: 1 console, 1 gateway (baseline)", 1, BASE_PORT], ["fleet: 2 consoles behind the proxy, 2 gateways", 2, BASE_PORT + 5]] as const) {
    const fleet = await startFleet({ serverUrl: SERVER_URL, proxyPort: port, label: consoles === 1 ? "bench1" : "bench2", consoles, env });
    try {
      const figures = await measure(label, fleet, port);
      results.push(figures);
      print(figures);
    } finally {
      await fleet.stop();
    }
  }
  const [single, many] = results as [Figures, Figures];
  console.log(`fleet / single: decisions/s ${(many.decisionsPerSecond / single.decisionsPerSecond).toFixed(2)}×, added p99 ${ms(many.added.p99)} vs ${ms(single.added.p99)}, feed lag p99 ${ms(many.feed.p99)} vs ${ms(single.feed.p99)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
