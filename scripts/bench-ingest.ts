/**
 * `npm run bench:ingest` — ingest throughput against the real Postgres server, next to a baseline
 * measured in the same run: COPY of the same rows straight into a scratch copy of the table.
 * Needs a built app (`npx next build`) and DATABASE_URL of a server where it may create and drop a
 * database. Flags: --decisions 200000 --batch 1000 --concurrency 2 --feed-rate 2000 --feed-seconds 15
 * Also OTLP: the same decisions as OTLP log records (MCP/GenAI semantic-convention attributes),
 * protobuf-encoded before the clock starts, posted to /api/v1/otlp/v1/logs by a second EP; the
 * ratio OTLP/native (target ≥ 0.8) is printed beside the native figure of the same run.
 */
import { readdirSync, readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import postgres from "postgres";
import { encodeLogsRequest } from "../lib/otlp/logs-data";
import { cpuSpent, formatCpuPer, readCpu, type CpuReading } from "./lib/cpu-accounting";
import { followFeed, realisticDecision } from "./lib/bench-traffic";
import { argValue, keepAliveClient, postDecisions, sleep, StewardClient, withScratchConsole } from "./lib/steward-client";

const total = Number(argValue("decisions", "200000"));
const batchSize = Number(argValue("batch", "1000"));
// Two requests in flight keep both cores busy (one validating, one in Postgres); more only queue, which the p99 shows.
const concurrency = Number(argValue("concurrency", "2"));
const feedRate = Number(argValue("feed-rate", "2000"));
const feedSeconds = Number(argValue("feed-seconds", "15"));
const port = Number(argValue("port", "3115"));
const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** The server process and its descendants (re-read once a second: walking /proc costs CPU the server should get). */
function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // process ended
    }
  }
  const tree: number[] = [];
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Resident memory of the given processes, summed. */
function rssOf(pids: number[]): number {
  let bytes = 0;
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      bytes += Number(match?.[1] ?? 0) * 1024;
    } catch {
      // process ended
    }
  }
  return bytes;
}

/** One batch of decisions as an OTLP ExportLogsServiceRequest (what an OTel-instrumented gateway would export). */
function otlpBody(batch: ReturnType<typeof realisticDecision>[]): Buffer {
  const str = (value: string) => ({ stringValue: value });
  const records = batch.map((d) => ({
    timeUnixNano: String(BigInt(Date.parse(d.time)) * 1_000_000n),
    severityText: "INFO",
    traceId: d.trace_id,
    spanId: d.span_id,
    body: str("tool call"),
    attributes: [
      { key: "log.record.uid", value: str(d.id) },
      { key: "enduser.id", value: str(d.agent.id) },
      { key: "mcp.method.name", value: str("tools/call") },
      { key: "gen_ai.tool.name", value: str(d.action.name) },
      { key: "app.resource.type", value: str(d.resource.type) },
      { key: "app.resource.id", value: str(d.resource.id) },
      { key: "server.address", value: str(d.destination) },
      { key: "authz.decision", value: str(d.outcome) },
      { key: "mcp.session.id", value: str(d.context.session) },
      { key: "tenant", value: str(d.context.tenant) },
    ],
  }));
  return Buffer.from(encodeLogsRequest({ resourceLogs: [{ resource: { attributes: [{ key: "service.name", value: str("bench-gateway") }] }, scopeLogs: [{ scope: { name: "bench" }, logRecords: records }] }] }));
}

const copyText = (value: unknown) => (value === null || value === undefined ? "\\N" : String(value).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r"));

async function main() {
  // Generated before the server starts: an idle keep-alive socket would time out meanwhile.
  console.log(`generating ${total.toLocaleString()} decisions…`);
  // Only the JSON bodies are kept; the COPY baseline parses the very same bodies back.
  const bodies = Array.from({ length: Math.ceil(total / batchSize) }, () => JSON.stringify(Array.from({ length: batchSize }, realisticDecision)));
  type Generated = ReturnType<typeof realisticDecision>;
  const batchOf = (index: number) => JSON.parse(bodies[index]!) as Generated[];
  await withScratchConsole({ serverUrl, port, label: "bench" }, async (scratch) => {
  const baseUrl = scratch.baseUrl;
  const db = postgres(scratch.databaseUrl, { max: 2, onnotice: () => {} });
  let monitor: postgres.Sql | undefined;
  let peakRss = 0;
  let serverPids = processTree(scratch.server().pid!);
  const treeRefresher = setInterval(() => (serverPids = processTree(scratch.server().pid!)), 1000);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(serverPids))), 100);
  try {
    const client = await StewardClient.connect(baseUrl, scratch.admin);
    const { id: epId, token } = await client.enforcementPointToken({ name: "bench", kind: "mcp-gateway" });
    // Warm-up: routes compiled, agents discovered, partitions made (not measured, not counted).
    await postDecisions(baseUrl, token, Array.from({ length: 200 }, realisticDecision));

    // 1. HTTP ingest, on keep-alive connections as an enforcement point's uploader keeps them:
    // native JSON and OTLP/HTTP protobuf (the same decisions, encoded before the clock starts, sent
    // by a second EP), interleaved in segments so that load on a shared machine hits both alike.
    const otlp = await client.enforcementPointToken({ name: "bench-otlp", kind: "mcp-gateway" });
    const mapped = await client.json("PUT", `/api/v1/enforcement-points/${otlp.id}/opa-mapping`, { otlpPreset: "semconv", otlpResourceType: "app.resource.type", otlpResourceId: "app.resource.id" });
    if (mapped.status !== 200) throw new Error(`Setting the OTLP mapping failed: HTTP ${mapped.status} ${JSON.stringify(mapped.body)}`);
    const otlpBodies = bodies.map((_, index) => otlpBody(batchOf(index)));
    const { send, close: closeClient } = keepAliveClient(port, concurrency);
    const nativeHeaders = { authorization: `Bearer ${token}` };
    const otlpHeaders = { authorization: `Bearer ${otlp.token}`, "content-type": "application/x-protobuf" };
    await send("POST", "/api/v1/otlp/v1/logs", otlpBody(Array.from({ length: 200 }, realisticDecision)), otlpHeaders); // warm-up
    /** Sends list[from, to) with `concurrency` requests in flight; returns the seconds it took. */
    const sendRange = async (list: (string | Buffer)[], from: number, to: number, route: string, headers: Record<string, string>, into: number[], check: (status: number, text: string) => boolean) => {
      let next = from;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < to) {
            const index = next++;
            const sent = performance.now();
            const response = await send("POST", route, list[index], headers);
            into.push(performance.now() - sent);
            if (!check(response.status, response.text)) throw new Error(`${route} batch ${index}: HTTP ${response.status} ${JSON.stringify(response.text.slice(0, 300))}`);
          }
        }),
      );
      return (performance.now() - started) / 1000;
    };
    const latencies: number[] = [];
    const otlpLatencies: number[] = [];
    const nativeOk = (status: number, text: string) => status === 200 && (JSON.parse(text) as { accepted?: number }).accepted === batchSize;
    const otlpOk = (status: number, text: string) => status === 200 && text.length === 0; // full success: an empty ExportLogsServiceResponse
    const segments = 4;
    let httpSeconds = 0;
    let otlpSeconds = 0;
    // CPU per decision moves far less with the machine's load than a rate does: measured beside each rate.
    const database = new URL(scratch.databaseUrl).pathname.slice(1);
    // Its own connection: the backend that asks is left out of the count, and must never be one that worked.
    monitor = postgres(scratch.databaseUrl, { max: 1, onnotice: () => {} });
    const cpu = () => readCpu(scratch.server().pid!, monitor!, database);
    const zero: CpuReading = { console: 0, database: 0, bench: 0 };
    const add = (a: CpuReading, b: CpuReading): CpuReading => ({ console: a.console + b.console, database: a.database + b.database, bench: a.bench + b.bench });
    let nativeCpu = zero;
    let otlpCpu = zero;
    for (let segment = 0; segment < segments; segment++) {
      const from = Math.floor((segment * bodies.length) / segments);
      const to = Math.floor(((segment + 1) * bodies.length) / segments);
      let before = await cpu();
      httpSeconds += await sendRange(bodies, from, to, "/api/v1/decisions", nativeHeaders, latencies, nativeOk);
      nativeCpu = add(nativeCpu, cpuSpent(before, await cpu()));
      before = await cpu();
      otlpSeconds += await sendRange(otlpBodies, from, to, "/api/v1/otlp/v1/logs", otlpHeaders, otlpLatencies, otlpOk);
      otlpCpu = add(otlpCpu, cpuSpent(before, await cpu()));
    }
    closeClient();
    const httpRate = total / httpSeconds;
    const otlpRate = total / otlpSeconds;
    const httpRss = peakRss;
    const [otlpStored] = await db`select count(*)::int as n from decisions where enforcement_point_id = ${otlp.id}`;
    if (otlpStored!.n < total) throw new Error(`OTLP run stored ${otlpStored!.n} of ${total} decisions`);

    // 2. Baseline: COPY of the same rows into a scratch copy of the (partitioned, indexed) table.
    const rows = await db`select * from decisions where enforcement_point_id = ${epId} limit 1`;
    const columns = Object.keys(rows[0]!);
    await db.unsafe(`create table decisions_copy_scratch (like decisions including defaults) partition by range (time)`);
    const days = [...new Set([new Date(Date.now() - 3_600_000), new Date()].map((date) => date.toISOString().slice(0, 10)))];
    for (const day of days) {
      const next = new Date(`${day}T00:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      await db.unsafe(`create table decisions_copy_scratch_${day.replaceAll("-", "")} partition of decisions_copy_scratch for values from ('${day}T00:00:00Z') to ('${next.toISOString()}')`);
    }
    // The same primary key and indexes as the real table, read from the catalog (not a list that could drift).
    const indexes = await db<{ indexdef: string }[]>`select indexdef from pg_indexes where schemaname = 'public' and tablename = 'decisions'`;
    for (const { indexdef } of indexes) await db.unsafe(indexdef.replace(/^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?public\.decisions /, "CREATE $1INDEX ON decisions_copy_scratch "));
    const agentIds = new Map((await db<{ value: string; agent_id: string }[]>`select value, agent_id from agent_identities where kind = 'agent_id'`).map((row) => [row.value, row.agent_id]));
    const toLine = (d: Generated) => {
      const row: Record<string, unknown> = {
        enforcement_point_id: epId, decision_id: d.id, time: d.time, received_at: new Date().toISOString(), agent_id: agentIds.get(d.agent.id), agent_ref: d.agent.id, spiffe_id: d.agent.spiffe_id, client_id: null,
        action_name: d.action.name, action_kind: d.action.kind, resource_type: d.resource.type, resource_id: d.resource.id, resource_properties: null, destination: d.destination, outcome: d.outcome,
        reasons: JSON.stringify(d.reasons), policy_revision: d.policy_revision, task_id: d.task_id, trace_id: d.trace_id, span_id: d.span_id, parent_span_id: null, delegation: JSON.stringify(d.delegation),
        request: JSON.stringify(d.request), latency_ms: d.latency_ms, context: JSON.stringify(d.context), content_hash: "x".repeat(64),
      };
      return columns.map((column) => copyText(row[column])).join("\t") + "\n";
    };
    // Rendered before the clock starts, so the baseline measures COPY itself.
    const lines = bodies.flatMap((_, index) => batchOf(index).map(toLine));
    const copyCpuBefore = await cpu();
    const copyStart = performance.now();
    const writable = (await db.unsafe(`copy decisions_copy_scratch (${columns.join(", ")}) from stdin`).writable()) as Writable;
    await pipeline(Readable.from(lines), writable);
    const copySeconds = (performance.now() - copyStart) / 1000;
    const copyCpu = cpuSpent(copyCpuBefore, await cpu());
    const copyRate = total / copySeconds;
    const [copied] = await db`select count(*)::int as n from decisions_copy_scratch`;
    await db.unsafe(`drop table decisions_copy_scratch`);

    // 3. Feed lag at a steady rate: POST start → the decision arrives on an SSE client.
    const feed = await followFeed(`${baseUrl}/api/v1/decisions/stream?ep=${epId}`, client.headers());
    await sleep(500);
    const feedBatch = 100;
    const interval = (feedBatch / feedRate) * 1000;
    const feedStart = performance.now();
    const pending: Promise<unknown>[] = [];
    let feedSent = 0;
    while (performance.now() - feedStart < feedSeconds * 1000) {
      const tick = performance.now();
      const batch = Array.from({ length: feedBatch }, () => ({ ...realisticDecision(), time: new Date().toISOString() }));
      feed.sent(batch.map((decision) => decision.id), tick);
      feedSent += batch.length;
      pending.push(postDecisions(baseUrl, token, batch));
      await sleep(Math.max(0, interval - (performance.now() - tick)));
    }
    await Promise.all(pending);
    await sleep(1500);
    const { lags } = await feed.stop();

    const ratio = httpRate / copyRate;
    const report = [
      `decisions: ${total.toLocaleString()} in batches of ${batchSize}, concurrency ${concurrency} (PostgreSQL server, postgres.js)`,
      `HTTP ingest:   ${Math.round(httpRate).toLocaleString()} decisions/s (${httpSeconds.toFixed(1)} s)`,
      `COPY baseline: ${Math.round(copyRate).toLocaleString()} decisions/s (${copySeconds.toFixed(1)} s, ${copied!.n} rows)`,
      `ratio ingest/COPY: ${ratio.toFixed(2)}  (target ≥ 0.50) ${ratio >= 0.5 ? "MET" : "NOT MET"}`,
      `CPU, native ingest: ${formatCpuPer(nativeCpu, total, "decisions")}`,
      `CPU, OTLP ingest:   ${formatCpuPer(otlpCpu, total, "decisions")}`,
      `CPU, COPY baseline: ${formatCpuPer(copyCpu, total, "decisions")} (the bench renders the rows before the clock starts)`,
      `OTLP ingest (protobuf, same decisions): ${Math.round(otlpRate).toLocaleString()} decisions/s (${otlpSeconds.toFixed(1)} s; p50 ${percentile(otlpLatencies, 50).toFixed(0)} ms, p99 ${percentile(otlpLatencies, 99).toFixed(0)} ms)`,
      `ratio OTLP/native: ${(otlpRate / httpRate).toFixed(2)}  (target ≥ 0.80) ${otlpRate / httpRate >= 0.8 ? "MET" : "NOT MET"}`,
      `request latency: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms  (target p99 ≤ 250 ms) ${percentile(latencies, 99) <= 250 ? "MET" : "NOT MET"}`,
      `server peak RSS: ${(Math.max(httpRss, peakRss) / 1024 / 1024).toFixed(0)} MiB  (target ≤ 500 MiB) ${Math.max(httpRss, peakRss) <= 500 * 1024 * 1024 ? "MET" : "NOT MET"}`,
      `feed lag at ${feedRate}/s for ${feedSeconds} s (POST start → SSE receipt): p50 ${percentile(lags, 50).toFixed(0)} ms, p99 ${percentile(lags, 99).toFixed(0)} ms over ${lags.length.toLocaleString()} of ${feedSent.toLocaleString()} decisions  (target p99 ≤ 1000 ms) ${percentile(lags, 99) <= 1000 ? "MET" : "NOT MET"}`,
    ];
    console.log(report.join("\n"));
  } finally {
    clearInterval(sampler);
    clearInterval(treeRefresher);
    await db.end();
    await monitor?.end();
  }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
