/**
 * npm run bench:policy — policy evaluation figures, each next to a baseline measured in the same run:
 *  1. raw cedar-wasm isAuthorized/s on a realistic 50-policy set vs Steward's evaluation path
 *     (AuthZEN mapping + inventory entities + preparsed policy set);
 *  2. replay of 100,000 recorded decisions (target ≤ 10 s) vs evaluating the same requests in memory;
 *  3. AuthZEN /access/v1/evaluation over HTTP against `next start` (target ≥ 2,000/s, p99 ≤ 20 ms).
 * Needs a PostgreSQL server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) and a
 * build (`npx next build`) for part 3. Creates and drops its own database (steward_policy_bench_…).
 */
import { spawn } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BENCH_AGENTS as AGENTS, BENCH_TOOLS as TOOLS, benchRequest, fiftyPolicies } from "./lib/bench-policies";
import { percentileOfSorted as percentile } from "./lib/bench-traffic";
import { scratchDatabase } from "../testing/scratch-database";
import { keepAliveClient } from "./lib/steward-client";
import { ensureDecisionPartitions } from "@/db/ingest";
import { loadInventory } from "@/db/policies";
import { agents, decisions, people, teams } from "@/db/schema";
import type { RequestContext } from "@/lib/auth/actor";
import { systemContext } from "@/lib/auth/actor";
import { PreparedPolicySet, rawIsAuthorized } from "@/lib/policies/cedar";
import { policyTexts } from "@/lib/policies/content";
import { loadDraftContent } from "@/lib/policies/draft-content";
import { DEFAULT_CEDAR_SCHEMA } from "@/lib/policies/default-schema";
import { savePolicy } from "@/lib/policies/draft";
import { PolicyEngine } from "@/lib/policies/engine";
import { publishDraft } from "@/lib/policies/publish";
import { runReplay, startReplay, type ReplayResult } from "@/lib/policies/replay";
import type { AuthzenRequest, MappedRequest } from "@/lib/policies/request-mapping";
import { createUser } from "@/lib/users/create-user";
import { registerEnforcementPoint } from "@/lib/enforcement-points/register-enforcement-point";
import { nextStartArgs } from "./lib/next-start.mjs";

const PORT = Number(process.env.BENCH_PORT ?? 3132);
const REPLAY_ROWS = Number(process.env.BENCH_REPLAY_ROWS ?? 100_000);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 15);
const HTTP_CONCURRENCY = Number(process.env.BENCH_HTTP_CONCURRENCY ?? 24);
/** Which parts to run, e.g. BENCH_PHASES=3 for the HTTP figures alone. */
const PHASES = new Set((process.env.BENCH_PHASES ?? "1,2,3").split(",").map((phase) => phase.trim()));

async function main() {
  const scratch = await scratchDatabase("steward_policy_bench");
  const handle = scratch.handle;
  const db = handle.db;
  const system = systemContext("bench");
  let server: ReturnType<typeof spawn> | null = null;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "steward-bench-"));
  try {
    // Inventory: teams, owners, agents with a mix of environments and credentials.
    await db.insert(teams).values(Array.from({ length: 10 }, (_, i) => ({ id: `team_${i}`, name: `Team ${i}` })));
    await db.insert(people).values(Array.from({ length: 20 }, (_, i) => ({ id: `per_${i}`, name: `Person ${i}`, email: `p${i}@bench.test`, teamId: `team_${i % 10}` })));
    await db.insert(agents).values(
      Array.from({ length: AGENTS }, (_, i) => ({
        id: `agt_bench_${i}`,
        name: `Agent ${i}`,
        environment: (["prod", "staging", "dev"] as const)[i % 3],
        status: i % 17 === 0 ? ("discovered" as const) : ("active" as const),
        ownerId: i % 7 === 0 ? null : `per_${i % 20}`,
        teamId: `team_${i % 10}`,
        credentialKind: (["task_token", "spiffe", "oauth_client", "static_api_key", "shared_secret"] as const)[i % 5],
        // Production agents with a static secret are high risk, other production agents medium.
        riskTier: i % 3 === 0 ? (i % 5 >= 3 ? ("high" as const) : ("medium" as const)) : ("low" as const),
        declaredActions: TOOLS.filter((_, t) => (i + t) % 3 !== 0),
      })),
    );
    const user = await createUser({ ctx: system, input: { email: "bench@bench.test", name: "Bench", role: "security", password: "bench-password-long" } });
    const userCtx: RequestContext = { actor: { type: "user", userId: user.id, email: user.email, role: "security", via: "session" }, requestId: "req_bench", ip: null };
    for (const [index, source] of fiftyPolicies().entries()) await savePolicy({ ctx: userCtx, input: { description: `bench policy ${index}`, source } });
    await publishDraft({ ctx: userCtx, input: { message: "bench" } });
    const content = await loadDraftContent(db);
    const engine = new PolicyEngine(content, "bench", await loadInventory(db), 1);

    // 1. Raw cedar-wasm vs Steward's path, same requests and entities.
    if (PHASES.has("1")) {
    const mapped = Array.from({ length: 2_000 }, (_, i) => engine.map(benchRequest(i), new Date())).filter((item): item is MappedRequest => "request" in item);
    const texts = policyTexts(content);
    /** Runs `step` for a fixed wall-clock budget; a shared, loaded machine makes fixed counts take unbounded time. */
    const rate = (seconds: number, step: (i: number) => void) => {
      const begin = performance.now();
      let i = 0;
      while (performance.now() - begin < seconds * 1000) step(i++);
      return i / ((performance.now() - begin) / 1000);
    };
    const rawPerSecond = rate(4, (i) => {
      const item = mapped[i % mapped.length]!;
      rawIsAuthorized({ principal: item.request.principal, action: item.request.action, resource: item.request.resource, context: item.request.context as never, schema: DEFAULT_CEDAR_SCHEMA, policies: { staticPolicies: texts }, entities: item.entities });
    });
    const prepared = new PreparedPolicySet("bench-raw-stateful", texts, DEFAULT_CEDAR_SCHEMA);
    const rawStatefulPerSecond = rate(4, (i) => {
      const item = mapped[i % mapped.length]!;
      prepared.authorize(item.request, item.entities);
    });
    const distinct = (i: number): AuthzenRequest => {
      const request = benchRequest(i);
      return { ...request, resource: { ...request.resource, id: `${request.resource.id}#${i}` } };
    };
    const stewardPerSecond = rate(4, (i) => engine.evaluate(distinct(i), new Date()));
    const memoEngine = new PolicyEngine(content, "bench-memo", await loadInventory(db), 1);
    const memoPerSecond = rate(4, (i) => memoEngine.evaluate(benchRequest(i), new Date(Date.UTC(2026, 0, 1, 10))));
    console.log(`\n1. Evaluation, 50 policies, ${AGENTS} agents`);
    console.log(`   raw cedar-wasm isAuthorized (parses policies + schema per call):     ${rawPerSecond.toFixed(0)} evaluations/s`);
    console.log(`   raw cedar-wasm statefulIsAuthorized (preparsed set, mapped request): ${rawStatefulPerSecond.toFixed(0)} evaluations/s`);
    console.log(`   Steward path (AuthZEN mapping + entities + preparsed set, no memo):  ${stewardPerSecond.toFixed(0)} evaluations/s`);
    console.log(`   ratio Steward / raw isAuthorized: ${(stewardPerSecond / rawPerSecond).toFixed(2)}; Steward / raw stateful: ${(stewardPerSecond / rawStatefulPerSecond).toFixed(2)}`);
    console.log(`   Steward path on a repeating mix (${AGENTS} agents × ${TOOLS.length} tools), memo on: ${memoPerSecond.toFixed(0)} evaluations/s (${memoEngine.memoHits} memo hits)`);

    }

    // 2. Replay of recorded decisions.
    if (PHASES.has("2")) {
    const now = Date.now();
    // The rows reach REPLAY_ROWS seconds back, past the partitions start-up maintenance makes (yesterday onward).
    const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    await ensureDecisionPartitions(handle, isoDay(now - REPLAY_ROWS * 1000), isoDay(now));
    for (let offset = 0; offset < REPLAY_ROWS; offset += 5_000) {
      await db.insert(decisions).values(
        Array.from({ length: Math.min(5_000, REPLAY_ROWS - offset) }, (_, k) => {
          const i = offset + k;
          const request = benchRequest(i);
          return {
            enforcementPointId: "ep_bench",
            decisionId: `d${i}`,
            time: new Date(now - i * 1000),
            agentId: request.subject.id,
            agentRef: request.subject.id,
            actionName: request.action.name,
            resourceType: request.resource.type,
            resourceId: request.resource.id,
            outcome: i % 3 ? ("allow" as const) : ("deny" as const),
            request,
            contentHash: `h${i}`,
          };
        }),
      );
    }
    const { id } = await startReplay({ ctx: userCtx, input: { limit: REPLAY_ROWS } });
    // How long other work on this process would wait while the replay runs (the server's responsiveness).
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const started = performance.now();
    await runReplay(id);
    const replaySeconds = (performance.now() - started) / 1000;
    loopDelay.disable();
    const [job] = await handle.sql!`select status, processed, result from policy_replays where id = ${id}`;
    const result = job!.result as ReplayResult;
    const baselineStarted = performance.now();
    const baselineEngine = new PolicyEngine(content, "bench-baseline", await loadInventory(db), 1);
    for (let i = 0; i < REPLAY_ROWS; i++) baselineEngine.evaluate(benchRequest(i), new Date(now - i * 1000));
    const inMemorySeconds = (performance.now() - baselineStarted) / 1000;
    console.log(`\n2. Replay of ${REPLAY_ROWS.toLocaleString()} recorded decisions (target ≤ 10 s)`);
    console.log(`   replay job: ${replaySeconds.toFixed(2)} s (${(REPLAY_ROWS / replaySeconds).toFixed(0)} decisions/s), status ${job!.status}, processed ${job!.processed}, allow→deny ${result.allowToDeny}, deny→allow ${result.denyToAllow}, memo hits ${result.memoHits}`);
    console.log(`   event loop delay during the replay: p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms (what a request to the same process would wait)`);
    console.log(`   baseline, same evaluations in memory without the database (memo on): ${inMemorySeconds.toFixed(2)} s; replay / baseline: ${(replaySeconds / inMemorySeconds).toFixed(2)}`);

    }

    // 3. AuthZEN over HTTP, as an enforcement point asks: its EP token, keep-alive connections.
    if (PHASES.has("3")) {
    const { token } = await registerEnforcementPoint({ ctx: userCtx, input: { name: "bench-pdp-client", kind: "mcp-gateway" } });
    // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the server.
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
    server = spawn(process.execPath, [...nodeArgs, "node_modules/next/dist/bin/next", ...nextStartArgs({ port: PORT, host: "127.0.0.1" })], {
      env: { ...process.env, DATABASE_URL: scratch.url, STEWARD_DATA_DIR: dataDir, NODE_ENV: "production" },
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    });
    const { send, close: closeClient } = keepAliveClient(PORT, HTTP_CONCURRENCY);
    for (let attempt = 0; ; attempt++) {
      const ok = await send("GET", "/api/health").then((r) => r.status === 200, () => false);
      if (ok) break;
      if (attempt > 120) throw new Error("server did not start");
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const evaluation = async (i: number) => {
      const response = await send("POST", "/access/v1/evaluation", JSON.stringify(benchRequest(i)), { authorization: `Bearer ${token}` });
      const answer = JSON.parse(response.text) as { decision?: unknown };
      if (response.status !== 200 || typeof answer.decision !== "boolean") throw new Error(`status ${response.status}: ${response.text.slice(0, 200)}`);
    };
    const health = async () => {
      const response = await send("GET", "/api/health");
      if (response.status !== 200) throw new Error(`health status ${response.status}`);
    };
    /** HTTP_CONCURRENCY clients in closed loops for `seconds`; each latency is one request's round trip. */
    const load = async (seconds: number, call: (i: number) => Promise<void>) => {
      const latencies: number[] = [];
      const deadline = performance.now() + seconds * 1000;
      let counter = 0;
      const began = performance.now();
      await Promise.all(
        Array.from({ length: HTTP_CONCURRENCY }, async () => {
          while (performance.now() < deadline) {
            const t0 = performance.now();
            await call(counter++);
            latencies.push(performance.now() - t0);
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      return { perSecond: latencies.length / ((performance.now() - began) / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99), count: latencies.length };
    };
    await load(Math.min(5, HTTP_SECONDS), evaluation); // warm-up: JIT, engine and token caches, connection pools
    const pdp = await load(HTTP_SECONDS, evaluation);
    const ceiling = await load(Math.min(5, HTTP_SECONDS), health);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [{ recorded }] = (await handle.sql!`select count(*)::int as recorded from decisions where enforcement_point_id = (select id from enforcement_points where name = 'bench-pdp-client')`) as unknown as [{ recorded: number }];
    console.log(`\n3. AuthZEN POST /access/v1/evaluation over HTTP with an EP token, ${HTTP_CONCURRENCY} concurrent keep-alive clients, ${HTTP_SECONDS} s (target ≥ 2,000/s, p99 ≤ 20 ms)`);
    console.log(`   ${pdp.perSecond.toFixed(0)} evaluations/s; latency p50 ${pdp.p50.toFixed(1)} ms, p99 ${pdp.p99.toFixed(1)} ms (${pdp.count} evaluations; ${recorded} recorded as decisions incl. warm-up)`);
    console.log(`   baseline GET /api/health (no auth, no database), same clients: ${ceiling.perSecond.toFixed(0)} requests/s; p50 ${ceiling.p50.toFixed(1)} ms, p99 ${ceiling.p99.toFixed(1)} ms`);
    closeClient();
    }
  } finally {
    if (server?.pid) {
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    await handle.close();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
