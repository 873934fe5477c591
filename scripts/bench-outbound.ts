/**
 * `npm run bench:outbound` — the decision stream to two destinations (a signed webhook and a syslog
 * TCP listener, both real servers in this process) against a built console on the Postgres server.
 * Prints, from one run:
 *   1. ingest throughput with no destination (baseline) and with both attached (target ≥ 0.8×);
 *   2. delivery lag per event, commit → arrival at the receiver (target p99 ≤ 5 s);
 *   3. an outage: the webhook receiver is down for --outage-seconds mid-run; afterwards every event
 *      must have arrived exactly once (counted by event id).
 * Needs `npx next build` and DATABASE_URL of a server where it may create and drop a database.
 * Flags: --decisions 100000 --batch 1000 --concurrency 2 --outage-rate 1000 --outage-seconds 60 --port 3116
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { Webhook } from "standardwebhooks";
import postgres from "postgres";
import { cpuSpent, formatCpuPer, readCpu } from "./lib/cpu-accounting";
import { argValue, keepAliveClient, postDecisions, sleep, StewardClient, withScratchConsole } from "./lib/steward-client";

const total = Number(argValue("decisions", "100000"));
const batchSize = Number(argValue("batch", "1000"));
const concurrency = Number(argValue("concurrency", "2"));
const outageRate = Number(argValue("outage-rate", "1000"));
const outageSeconds = Number(argValue("outage-seconds", "60"));
const port = Number(argValue("port", "3116"));
const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const AGENTS = Array.from({ length: 50 }, (_, index) => `agent-${index}`);
const TOOLS = ["crm.read_contact", "crm.update_contact", "mail.send", "invoice.create", "payments.refund"];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const decision = () => {
  const agent = pick(AGENTS);
  const tool = pick(TOOLS);
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    agent: { id: agent },
    action: { name: tool, kind: "mcp.tools/call" },
    resource: { type: tool.split(".")[0]!, id: `r-${Math.floor(Math.random() * 100_000)}` },
    outcome: Math.random() < 0.85 ? "allow" : "deny",
    reasons: ["pol_tool_allowlist"],
    trace_id: randomBytes(16).toString("hex"),
    span_id: randomBytes(8).toString("hex"),
  };
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

type Receiver = { arrivals: Map<string, number>; duplicates: number; lags: number[] };
const newReceiver = (): Receiver => ({ arrivals: new Map(), duplicates: 0, lags: [] });
const record = (receiver: Receiver, id: string, receivedAt: string | undefined) => {
  if (receiver.arrivals.has(id)) receiver.duplicates++;
  receiver.arrivals.set(id, Date.now());
  if (receivedAt) receiver.lags.push(Date.now() - Date.parse(receivedAt));
};

/** A webhook receiver that verifies every signature (a failed verification is fatal) and can be taken down and brought back. */
function webhookReceiver(secretRef: { secret: string }, receiver: Receiver) {
  let server: Server | null = null;
  let verifiedByLibrary = 0;
  let listenPort = 0;
  const start = () =>
    new Promise<void>((resolve) => {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          const headers = request.headers as Record<string, string>;
          // The first batches are verified by the Standard Webhooks library; the rest by the same scheme with Node's
          // native HMAC, so this receiver's pure-JS SHA-256 does not take the two cores from the console under test.
          let payload: { data: { events: { id: string; data: { receivedAt?: string } }[] } };
          if (verifiedByLibrary < 20) {
            payload = new Webhook(secretRef.secret).verify(body, headers) as typeof payload;
            verifiedByLibrary++;
          } else {
            const key = Buffer.from(secretRef.secret.replace(/^whsec_/, ""), "base64");
            const expected = `v1,${createHmac("sha256", key).update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`).digest("base64")}`;
            if (!headers["webhook-signature"]!.split(" ").includes(expected)) throw new Error(`bad webhook signature on ${headers["webhook-id"]}`);
            payload = JSON.parse(body) as typeof payload;
          }
          for (const event of payload.data.events) record(receiver, event.id, event.data.receivedAt);
          response.writeHead(204).end();
        });
      });
      server.keepAliveTimeout = 1000;
      server.listen(listenPort, "127.0.0.1", () => {
        listenPort = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  return {
    start,
    port: () => listenPort,
    stop: () => new Promise<void>((resolve) => (server!.closeAllConnections(), server!.close(() => resolve()))),
  };
}

function syslogListener(receiver: Receiver) {
  const server = createTcpServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        if (space < 0) break;
        const length = Number(buffer.subarray(0, space).toString("ascii"));
        if (buffer.length < space + 1 + length) break;
        const frame = buffer.subarray(space + 1, space + 1 + length).toString("utf8");
        buffer = buffer.subarray(space + 1 + length);
        const id = /externalId=(\S+)/.exec(frame)?.[1];
        if (id) record(receiver, id, undefined);
      }
    });
  });
  return new Promise<{ port: number; close: () => Promise<void> }>((resolve) => server.listen(0, "127.0.0.1", () => resolve({ port: (server.address() as { port: number }).port, close: () => new Promise((done) => server.close(() => done())) })));
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
  return Date.now() - started;
}

async function ingestAll(token: string, bodies: string[]): Promise<number> {
  const { send, close } = keepAliveClient(port, concurrency);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const response = await send("POST", "/api/v1/decisions", bodies[next++]!, { authorization: `Bearer ${token}` });
        if (response.status !== 200) throw new Error(`HTTP ${response.status} ${response.text.slice(0, 300)}`);
      }
    }),
  );
  close();
  return (bodies.length * batchSize) / ((performance.now() - started) / 1000);
}

async function main() {
  const makeBodies = () => Array.from({ length: Math.ceil(total / batchSize) }, () => JSON.stringify(Array.from({ length: batchSize }, decision)));
  const baselineBodies = makeBodies();
  const attachedBodies = makeBodies();
  await withScratchConsole({ serverUrl, port, label: "outbound" }, async (scratch) => {
    const admin = await StewardClient.connect(scratch.baseUrl, scratch.admin);
    const { id: epId, token } = await admin.enforcementPointToken({ name: "bench", kind: "mcp-gateway" });
    await postDecisions(scratch.baseUrl, token, Array.from({ length: 200 }, decision)); // warm-up, not counted
    const monitor = postgres(serverUrl, { max: 1, onnotice: () => {} });
    const database = new URL(scratch.databaseUrl).pathname.slice(1);
    const cpu = () => readCpu(scratch.server().pid!, monitor, database);

    // 1. Baseline: no destination.
    const baselineCpuBefore = await cpu();
    const baselineRate = await ingestAll(token, baselineBodies);
    const baselineCpu = cpuSpent(baselineCpuBefore, await cpu());

    // 2. Both destinations attached.
    const webhook = newReceiver();
    const syslog = newReceiver();
    const secretRef = { secret: "" };
    const hook = webhookReceiver(secretRef, webhook);
    await hook.start();
    const tcp = await syslogListener(syslog);
    const created = await admin.json<{ destination: { id: string }; signingSecret: string }>("POST", "/api/v1/destinations", { kind: "webhook", name: "bench-hook", url: `http://127.0.0.1:${hook.port()}/`, streams: ["decisions"], allowPrivateNetwork: true });
    if (created.status !== 201) throw new Error(`creating the webhook destination: HTTP ${created.status} ${JSON.stringify(created.body)}`);
    secretRef.secret = created.body.signingSecret;
    const syslogCreated = await admin.json("POST", "/api/v1/destinations", { kind: "syslog", name: "bench-syslog", host: "127.0.0.1", port: tcp.port, tls: false, streams: ["decisions"], allowPrivateNetwork: true });
    if (syslogCreated.status !== 201) throw new Error(`creating the syslog destination: HTTP ${syslogCreated.status}`);
    const attachedCpuBefore = await cpu();
    const attachedRate = await ingestAll(token, attachedBodies);
    const expected = attachedBodies.flatMap((body) => (JSON.parse(body) as { id: string }[]).map((item) => `dec.${epId}.${item.id}`));
    const drainMs = await waitFor("both destinations to catch up", () => expected.every((id) => webhook.arrivals.has(id) && syslog.arrivals.has(id)), 300_000);
    // Ingest and every delivery of the same decisions, until both destinations have them all.
    const attachedCpu = cpuSpent(attachedCpuBefore, await cpu());
    await monitor.end();
    // The lag target is about steady delivery; the outage below holds events back on purpose.
    const steadyLags = [...webhook.lags];

    // 3. Outage: steady traffic, the webhook receiver down for outageSeconds in the middle.
    const outageBefore = new Set(webhook.arrivals.keys());
    const sent: string[] = [];
    const runSeconds = outageSeconds + 20;
    const perTick = Math.max(1, Math.round(outageRate / 10));
    const traffic = (async () => {
      const deadline = Date.now() + runSeconds * 1000;
      while (Date.now() < deadline) {
        const tick = Date.now();
        const items = Array.from({ length: perTick }, decision);
        const result = await postDecisions(scratch.baseUrl, token, items);
        if (result.status !== 200) throw new Error(`outage traffic: HTTP ${result.status}`);
        sent.push(...items.map((item) => `dec.${epId}.${item.id}`));
        await sleep(Math.max(0, 100 - (Date.now() - tick)));
      }
    })();
    await sleep(10_000);
    await hook.stop();
    console.log(`webhook receiver down for ${outageSeconds} s…`);
    await sleep(outageSeconds * 1000);
    await hook.start();
    await traffic;
    const recoveryMs = await waitFor("the webhook to catch up after the outage", () => sent.every((id) => webhook.arrivals.has(id)), 600_000);
    const arrivedAfter = [...webhook.arrivals.keys()].filter((id) => !outageBefore.has(id));
    const missing = sent.filter((id) => !webhook.arrivals.has(id)).length;
    await tcp.close();
    await hook.stop();

    const ratio = attachedRate / baselineRate;
    const lagP50 = percentile(steadyLags, 50);
    const lagP99 = percentile(steadyLags, 99);
    console.log("\n=== bench:outbound ===");
    console.log(`ingest, no destination (baseline):   ${Math.round(baselineRate).toLocaleString()} decisions/s`);
    console.log(`ingest, webhook + syslog attached:   ${Math.round(attachedRate).toLocaleString()} decisions/s  → ${ratio.toFixed(2)}× baseline (target ≥ 0.8) ${ratio >= 0.8 ? "✓" : "✗"}`);
    console.log(`delivery lag, commit → webhook (while ingesting, before the outage): p50 ${Math.round(lagP50)} ms, p99 ${Math.round(lagP99)} ms (target p99 ≤ 5000) ${lagP99 <= 5000 ? "✓" : "✗"}`);
    console.log(`CPU, no destination:                 ${formatCpuPer(baselineCpu, baselineBodies.length * batchSize, "decisions")}`);
    console.log(`CPU, ingest + delivery to both:      ${formatCpuPer(attachedCpu, attachedBodies.length * batchSize, "decisions")} (the receivers' share is in "bench")`);
    console.log(`both caught up after ingest ended:   ${drainMs} ms; syslog received ${syslog.arrivals.size.toLocaleString()} events, ${syslog.duplicates} duplicates`);
    console.log(`outage of ${outageSeconds} s at ${outageRate}/s: ${sent.length.toLocaleString()} sent, ${arrivedAfter.length.toLocaleString()} arrived, ${missing} missing, ${webhook.duplicates} duplicates; caught up ${recoveryMs} ms after traffic ended ${missing === 0 && webhook.duplicates === 0 ? "✓" : "✗"}`);
    if (missing > 0 || webhook.duplicates > 0 || syslog.duplicates > 0) process.exitCode = 1;
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
