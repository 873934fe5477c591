/**
 * Traffic shared by the benchmarks (bench:ingest, bench:gateway, bench:fleet): realistic decisions,
 * open and closed loops, MCP clients, percentiles, and the live feed's lag as an SSE client sees it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const AGENTS = Array.from({ length: 50 }, (_, index) => `agent-${index}`);
const TOOLS = ["crm.read_contact", "crm.update_contact", "mail.send", "invoice.create", "payments.refund", "search.web", "files.read"];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** One decision as an MCP gateway posts it (POST /api/v1/decisions), timed within the last hour. */
export function realisticDecision() {
  const agent = pick(AGENTS);
  const tool = pick(TOOLS);
  const roll = Math.random();
  return {
    id: randomUUID(),
    time: new Date(Date.now() - Math.floor(Math.random() * 3_600_000)).toISOString(),
    agent: { id: agent, spiffe_id: `spiffe://bench/agents/${agent}` },
    action: { name: tool, kind: "mcp.tools/call" },
    resource: { type: tool.split(".")[0]!, id: `r-${Math.floor(Math.random() * 100_000)}` },
    destination: `${tool.split(".")[0]}.internal`,
    outcome: roll < 0.8 ? "allow" : roll < 0.95 ? "deny" : "approval_required",
    reasons: ["pol_tool_allowlist"],
    policy_revision: "bench-rev-1",
    task_id: `task-${Math.floor(Math.random() * 10_000)}`,
    trace_id: randomBytes(16).toString("hex"),
    span_id: randomBytes(8).toString("hex"),
    delegation: ["planner", agent],
    request: { subject: { type: "agent", id: agent }, action: { name: tool }, resource: { type: "x", id: "y" } },
    latency_ms: Math.random() * 3,
    context: { tenant: pick(["acme", "globex"]), session: randomBytes(6).toString("hex") },
  };
}
export type RealisticDecision = ReturnType<typeof realisticDecision>;

/** The p-th percentile (nearest rank, floor) of `sorted` (ascending); 0 when empty. */
export const percentileOfSorted = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Open loop at `rate`/s for `seconds`: fires on schedule whatever the latency; returns sorted latencies (ms). */
export async function openLoop(rate: number, seconds: number, call: (i: number) => Promise<unknown>): Promise<{ sorted: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    // Always yield: behind schedule, a tight loop would starve the responses (and any server) in this process.
    if (wait > 1) await sleep(wait);
    else await new Promise((resolve) => setImmediate(resolve));
    const sent = performance.now();
    pending.push(
      call(i).then(
        () => void latencies.push(performance.now() - sent),
        () => void errors++,
      ),
    );
  }
  await Promise.all(pending);
  return { sorted: latencies.sort((a, b) => a - b), errors };
}

/** Closed loop with `concurrency` callers for `seconds`: calls per second. */
export async function closedLoop(concurrency: number, seconds: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  let n = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call(n++).catch(() => undefined);
        done++;
      }
    }),
  );
  return done / seconds;
}

/** A child `node --import tsx <args>` in the repository, its stderr passed through. */
export function tsxChild(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, "--import", "tsx", ...args], { cwd: path.resolve(import.meta.dirname, "../.."), env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
}

/** Resolves once `url` answers below 500 (30 s at most). */
export async function waitHttp(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(url).then((response) => response.status < 500, () => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
}

/** `count` MCP SDK clients connected over Streamable HTTP. */
export async function mcpClients(url: string, headers: Record<string, string>, count: number): Promise<Client[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const client = new Client({ name: "bench", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
      return client;
    }),
  );
}

/**
 * Follows the live feed (GET /api/v1/decisions/stream) and records, for each decision whose send
 * time was noted with `sent`, the lag from that moment to its arrival on this SSE client (ms).
 */
export async function followFeed(url: string, headers: Record<string, string>) {
  const sentAt = new Map<string, number>();
  const lags: number[] = [];
  let skipped = 0;
  const controller = new AbortController();
  const stream = await fetch(url, { headers, signal: controller.signal });
  if (stream.status !== 200) throw new Error(`the live feed answered HTTP ${stream.status}: ${await stream.text()}`);
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          // An SSE event is lines of "field: value" (id, event, data) in any order.
          const fields = new Map(event.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trimStart()] as const));
          if (fields.get("event") !== "decisions") continue;
          const now = performance.now();
          const data = JSON.parse(fields.get("data")!) as { decisions: { decisionId: string }[]; skipped: number };
          skipped += data.skipped;
          for (const decision of data.decisions) {
            const start = sentAt.get(decision.decisionId);
            if (start !== undefined) lags.push(now - start);
          }
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  return {
    /** Notes that the decisions `ids` were sent now. */
    sent: (ids: string[], at = performance.now()) => {
      for (const id of ids) sentAt.set(id, at);
    },
    /** Stops following; the lags in ms (sorted), how many noted decisions arrived, and how many the server skipped. */
    stop: async () => {
      controller.abort();
      await reading;
      return { lags: lags.sort((a, b) => a - b), noted: sentAt.size, skipped };
    },
  };
}
