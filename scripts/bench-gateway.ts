/**
 * npm run bench:gateway — the Steward Gateway's figures, each beside a baseline from the same run:
 *  A. tools/call through the gateway vs the same real MCP server called directly, same SDK client:
 *     added latency p50/p99 at 1,000 calls/s (target: added p99 ≤ 2 ms), saturation ≥ 0.5× direct.
 *  B. Edge PDP over HTTP, every request distinct, bench:policy's set (50 policies, 200 agents):
 *     p99 ≤ 5 ms at 1,000 evaluations/s; saturation ≥ 0.7× the same engine in-process.
 *  C. Cedar floor: preparsed cedar-wasm with the full set and with the minimal slice beside Steward's
 *     path (mapping + entities + policy index; every request distinct, so the memo never answers):
 *     Steward ≥ 4× raw-full on 200 policies over 20 actions, ≥ 0.9× raw-full on the 50-policy set.
 * The gateway and the upstream run as child processes (`npm run gateway`, the demo files server);
 * the console is stood in by a loopback server that serves the bundle and acknowledges decision
 * batches without storing them, so the figures measure the gateway, not ingest. Ports 3740–3749.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import os, { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { buildPolicyBundle, type PolicyBundle } from "@/lib/policies/bundle";
import { engineFromBundle } from "@/lib/policies/bundle-engine";
import { PreparedPolicySet } from "@/lib/policies/cedar";
import { DEFAULT_CEDAR_SCHEMA } from "@/lib/policies/default-schema";
import type { Inventory } from "@/lib/policies/inventory";
import { DEFAULT_PDP_OPTIONS } from "@/lib/policies/pdp-options";
import { IndexedPolicySet } from "@/lib/policies/policy-index";
import { inventoryHashOf } from "@/lib/policies/published-engine";
import type { AuthzenRequest } from "@/lib/policies/request-mapping";
import { BENCH_AGENTS as AGENTS, BENCH_TOOLS as TOOLS, benchRequest, fiftyPolicies } from "./lib/bench-policies";
import { closedLoop, mcpClients, openLoop, percentileOfSorted, sleep, tsxChild, waitHttp } from "./lib/bench-traffic";

const PORTS = { console: 3740, upstream: 3741, gateway: 3742 };
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const RATE = 1_000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PHASES = new Set((process.env.BENCH_PHASES ?? "A,B,C").split(","));
const PDP_KEY = "bench-pdp-key-0123456789abcdef";
const AGENT_KEY = "bench-agent-key-0123456789abcdef";

function inventory(): Inventory {
  return {
    teams: Array.from({ length: 10 }, (_, i) => ({ id: `team_${i}`, name: `Team ${i}` })),
    people: Array.from({ length: 20 }, (_, i) => ({ id: `usr_${i}`, name: `Person ${i}`, email: `p${i}@example.test`, teamId: `team_${i % 10}`, active: true })),
    agents: Array.from({ length: AGENTS }, (_, i) => ({ id: `agt_bench_${i}`, externalId: null, name: `Agent ${i}`, environment: i % 3 ? "prod" : "dev", status: "active", ownerId: i % 7 ? `usr_${i % 20}` : null, teamId: `team_${i % 10}`, declaredActions: [...TOOLS, "tools/call"], declaredResourceTypes: ["tool"], credentialKind: "oauth_client", dataSensitivity: "internal", riskTier: ["low", "medium", "high"][i % 3]!, riskOverrideTier: null })),
    identities: [],
  };
}

/**
 * The demo server's echo tool as an admin entity: neither destructive nor external. A tool the
 * policy content does not describe counts as both (the mapping's safe default), and the
 * approval-destructive-external template then denies every call — which would measure the deny path only.
 */
const ECHO_TOOL = { uid: { type: "Steward::Tool", id: "echo" }, attrs: { name: "echo", destructive: false, external: false, sensitivity: "internal" }, parents: [] };

function bundleOf(policies: string[], schemaText = DEFAULT_CEDAR_SCHEMA, revision = 1, entities: (typeof ECHO_TOOL)[] = []): PolicyBundle {
  const content = { policies: policies.map((source, i) => ({ id: `pol_${String(i).padStart(3, "0")}`, description: "", owner: "", frameworkTags: [], source })), schemaText, entities, tests: [] };
  const inv = inventory();
  return buildPolicyBundle({ revision, contentHash: createHash("sha256").update(JSON.stringify(content)).digest("hex"), createdAt: new Date(), content }, inv, inventoryHashOf(inv, DEFAULT_PDP_OPTIONS), DEFAULT_PDP_OPTIONS);
}

/** Distinct on every call (the `seq` context member is part of the memo key but not of the Cedar context). */
const requestFor = (i: number) => benchRequest(i, { seq: i });

const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

function stubConsole(bundle: PolicyBundle): Promise<http.Server> {
  let decisions = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/api/v1/policies/bundle") {
      if (req.headers["if-none-match"] === bundle.etag) {
        const timer = setTimeout(() => res.writeHead(304, { etag: bundle.etag }).end(), Number(url.searchParams.get("wait") ?? 0) * 1000);
        res.on("close", () => clearTimeout(timer));
        return;
      }
      return res.writeHead(200, { "content-type": "application/json", etag: bundle.etag }).end(JSON.stringify(bundle));
    }
    if (url.pathname === "/api/v1/decisions") {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const accepted = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown[]).length;
        decisions += accepted;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted, duplicates: 0, quarantined: [] }));
      });
      return;
    }
    if (url.pathname === "/api/v1/revocations") {
      const timer = setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ cursor: "0", revoked: [], endedTasks: [], revokedAgents: [] })), Number(url.searchParams.get("wait") ?? 0) * 1000);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    if (url.pathname === "/oauth/jwks") return res.writeHead(200, { "content-type": "application/json" }).end('{"keys":[]}');
    res.writeHead(404).end();
  });
  (server as http.Server & { decisions: () => number }).decisions = () => decisions;
  return new Promise((resolve) => server.listen(PORTS.console, "127.0.0.1", () => resolve(server)));
}

async function main(): Promise<void> {
  const bundle = bundleOf([...fiftyPolicies(), 'permit (principal is Steward::Agent, action == Steward::Action::"call_tool", resource == Steward::Tool::"echo");'], DEFAULT_CEDAR_SCHEMA, 1, [ECHO_TOOL]);
  const results: string[] = [];
  const print = (line: string) => {
    results.push(line);
    process.stdout.write(`${line}\n`);
  };
  print(`bench:gateway — ${new Date().toISOString()} — ${SECONDS} s per measurement, open loop at ${RATE}/s, saturation with ${CONCURRENCY} callers — load average ${os.loadavg().map((load) => load.toFixed(1)).join(" ")} on ${os.cpus().length} CPUs`);

  if (PHASES.has("A") || PHASES.has("B")) {
    const consoleServer = await stubConsole(bundle);
    const dir = mkdtempSync(path.join(tmpdir(), "steward-bench-gw-"));
    const configFile = path.join(dir, "gateway.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        listen: { host: "127.0.0.1", port: PORTS.gateway },
        publicUrl: `http://127.0.0.1:${PORTS.gateway}`,
        console: { url: `http://127.0.0.1:${PORTS.console}`, token: "ep_bench" },
        spool: { dir: path.join(dir, "spool") },
        agentKeys: { [createHash("sha256").update(AGENT_KEY).digest("hex")]: "agt_bench_1" },
        pdpKeys: [createHash("sha256").update(PDP_KEY).digest("hex")],
        upstreams: [{ name: "files", transport: "http", url: `http://127.0.0.1:${PORTS.upstream}/mcp` }],
        logLevel: "error",
      }),
    );
    const upstream = tsxChild(["gateway/demo/files-server-http.ts", String(PORTS.upstream)]);
    const gateway = tsxChild(["gateway/main.ts"], { STEWARD_GATEWAY_CONFIG: configFile }, (process.env.BENCH_GATEWAY_NODE_ARGS ?? "").split(" ").filter(Boolean));
    try {
      await waitHttp(`http://127.0.0.1:${PORTS.upstream}/mcp`);
      await waitHttp(`http://127.0.0.1:${PORTS.gateway}/healthz`);
      for (let i = 0; i < 100 && (await fetch(`http://127.0.0.1:${PORTS.gateway}/readyz`)).status !== 200; i++) await sleep(100);

      if (PHASES.has("A")) {
        const direct = await mcpClients(`http://127.0.0.1:${PORTS.upstream}/mcp`, {}, 8);
        const through = await mcpClients(`http://127.0.0.1:${PORTS.gateway}/mcp/files`, { authorization: `Bearer ${AGENT_KEY}` }, 8);
        const callVia = (clients: Client[]) => (i: number) => clients[i % clients.length]!.callTool({ name: "echo", arguments: { text: `call ${i}` } }).then((result) => {
          if (result.isError) throw new Error("tool error");
        });
        // A bench whose calls all fail measures the failure path: stop with the reason instead.
        await callVia(through)(0).catch((error: unknown) => {
          throw new Error(`a tools/call through the gateway failed, nothing to measure: ${(error as Error).message}`);
        });
        await openLoop(200, 2, callVia(direct));
        await openLoop(200, 2, callVia(through));
        // Saturation first: an open loop this machine cannot keep up with leaves a backlog that would distort what follows.
        const dSat = await closedLoop(CONCURRENCY, SECONDS / 2, callVia(direct));
        const gSat = await closedLoop(CONCURRENCY, SECONDS / 2, callVia(through));
        print(`A. saturation: direct (baseline) ${dSat.toFixed(0)} calls/s, through the gateway ${gSat.toFixed(0)} calls/s = ${(gSat / dSat).toFixed(2)}× — target ≥ 0.5×: ${gSat / dSat >= 0.5 ? "met" : "NOT met"}`);
        const rates = dSat < RATE * 1.2 ? [Math.max(10, Math.floor(dSat / 2)), RATE] : [RATE];
        for (const rate of rates) {
          const d = await openLoop(rate, SECONDS, callVia(direct));
          await sleep(2_000);
          const g = await openLoop(rate, SECONDS, callVia(through));
          await sleep(2_000);
          const [d50, d99, g50, g99] = [percentileOfSorted(d.sorted, 50), percentileOfSorted(d.sorted, 99), percentileOfSorted(g.sorted, 50), percentileOfSorted(g.sorted, 99)];
          const note = rate === RATE ? "" : " (half the direct saturation: the rate this machine sustains now)";
          print(`   tools/call at ${rate}/s${note} — direct (baseline): p50 ${fmt(d50)}, p99 ${fmt(d99)} (${d.errors} errors); through the gateway: p50 ${fmt(g50)}, p99 ${fmt(g99)} (${g.errors} errors)`);
          print(`   added by the gateway: p50 ${fmt(g50 - d50)}, p99 ${fmt(g99 - d99)}${rate === RATE ? ` — target added p99 ≤ 2 ms at ${RATE}/s: ${g99 - d99 <= 2 && g.errors === 0 ? "met" : "NOT met"}` : ""}`);
        }
        for (const client of [...direct, ...through]) await client.close();
      }

      if (PHASES.has("B")) {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
        const evaluate = (i: number) =>
          new Promise<void>((resolve, reject) => {
            const body = JSON.stringify(requestFor(i));
            const req = http.request({ host: "127.0.0.1", port: PORTS.gateway, path: "/access/v1/evaluation", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: `Bearer ${PDP_KEY}` } }, (res) => {
              res.resume();
              res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(String(res.statusCode)))));
            });
            req.on("error", reject);
            req.end(body);
          });
        const engine = engineFromBundle(bundle);
        let n = 4_000_000;
        for (let i = 0; i < 2_000; i++) engine.evaluate(requestFor(n++), new Date());
        const started = performance.now();
        const from = n;
        while (performance.now() - started < 3_000) engine.evaluate(requestFor(n++), new Date());
        const inProcess = (n - from) / ((performance.now() - started) / 1000);
        let offset = 1_000_000;
        const distinct = (i: number) => evaluate(offset + i);
        await openLoop(200, 2, distinct);
        offset = 3_000_000;
        const sat = await closedLoop(CONCURRENCY, SECONDS / 2, distinct);
        print(`B. edge PDP, every request distinct, 50 policies / ${AGENTS} agents — saturation over HTTP ${sat.toFixed(0)}/s vs the same engine in-process (baseline, measured first) ${inProcess.toFixed(0)}/s = ${(sat / inProcess).toFixed(2)}× — target ≥ 0.7×: ${sat / inProcess >= 0.7 ? "met" : "NOT met"}`);
        const pdpRates = sat < RATE * 1.2 ? [Math.max(10, Math.floor(sat / 2)), RATE] : [RATE];
        for (const rate of pdpRates) {
          offset = 2_000_000 + rate * 10_000;
          const open = await openLoop(rate, SECONDS, distinct);
          await sleep(2_000);
          const note = rate === RATE ? "" : " (half the saturation: the rate this machine sustains now)";
          print(`   at ${rate}/s${note}: p50 ${fmt(percentileOfSorted(open.sorted, 50))}, p99 ${fmt(percentileOfSorted(open.sorted, 99))} (${open.errors} errors)${rate === RATE ? ` — target p99 ≤ 5 ms at ${RATE}/s: ${percentileOfSorted(open.sorted, 99) <= 5 && open.errors === 0 ? "met" : "NOT met"}` : ""}`);
        }
        agent.destroy();
      }
    } finally {
      gateway.kill("SIGTERM");
      upstream.kill("SIGTERM");
      consoleServer.closeAllConnections();
      consoleServer.close();
    }
  }

  if (PHASES.has("C")) {
    /** Interleaved rounds (250 ms each, 12 rounds) so a load change on this shared machine hits every variant alike. */
    const measureInterleaved = (variants: ((i: number) => void)[], rounds = 12, sliceMs = 250) => {
      const counts = variants.map(() => 0);
      const times = variants.map(() => 0);
      for (let round = 0; round < rounds; round++) {
        variants.forEach((fn, v) => {
          const started = performance.now();
          let i = 0;
          while (performance.now() - started < sliceMs) fn(counts[v]! + i++);
          counts[v]! += i;
          times[v]! += performance.now() - started;
        });
      }
      return counts.map((count, v) => count / (times[v]! / 1000));
    };
    const floor = (label: string, policies: string[], schemaText: string, requests: (i: number) => AuthzenRequest, target: number) => {
      const b = bundleOf(policies, schemaText);
      const engine = engineFromBundle(b);
      const texts = Object.fromEntries(b.policies.map((policy) => [policy.id, policy.text]));
      const full = new PreparedPolicySet(`bench_full_${label}`, texts, schemaText);
      const index = new IndexedPolicySet(`bench_idx_${label}`, texts, schemaText);
      const at = new Date();
      const mapped = Array.from({ length: 1000 }, (_, i) => {
        const one = engine.map(requests(i), at);
        if ("refused" in one) throw new Error(`the bench request ${i} is refused by the mapping: ${one.refused}`);
        return one;
      });
      const slices = new Map<string, PreparedPolicySet>();
      const sliceOf = (m: (typeof mapped)[number]) => {
        const key = `${m.request.action.id}\u0000${m.request.resource.type}`;
        let slice = slices.get(key);
        if (!slice) {
          const ids = index.candidates(m.request.action, m.request.resource.type) ?? Object.keys(texts);
          slice = new PreparedPolicySet(`bench_slice_${label}_${slices.size}`, Object.fromEntries(ids.map((id) => [id, texts[id]!])), schemaText);
          slices.set(key, slice);
        }
        return slice;
      };
      mapped.forEach((m) => sliceOf(m));
      let seq = 10_000_000;
      const [rawFull, rawSlice, steward] = measureInterleaved([
        (i) => full.authorize(mapped[i % 1000]!.request, mapped[i % 1000]!.entities),
        (i) => sliceOf(mapped[i % 1000]!).authorize(mapped[i % 1000]!.request, mapped[i % 1000]!.entities),
        () => engine.evaluate(requests(seq++), at),
      ]) as [number, number, number];
      print(`C. ${label}: raw cedar-wasm full set (baseline) ${rawFull.toFixed(0)}/s, raw minimal slice ${rawSlice.toFixed(0)}/s, Steward's path (mapping + entities + index, memo never hit) ${steward.toFixed(0)}/s = ${(steward / rawFull).toFixed(2)}× raw-full — target ≥ ${target}×: ${steward / rawFull >= target ? "met" : "NOT met"}`);
    };
    floor("50 policies", fiftyPolicies(), DEFAULT_CEDAR_SCHEMA, requestFor, 0.9);
    const actions = Array.from({ length: 20 }, (_, i) => `act_${i}`);
    const schema200 = DEFAULT_CEDAR_SCHEMA.replace("  action delegate appliesTo", `  action ${actions.join(", ")} appliesTo {\n    principal: [Agent, Person],\n    resource: [Tool, Resource],\n    context: RequestContext,\n  };\n  action delegate appliesTo`);
    const policies200: string[] = [];
    for (let i = 0; i < 200; i++) {
      const action = actions[i % 20]!;
      const tool = TOOLS[i % TOOLS.length]!;
      policies200.push(i % 2 ? `permit (principal is Steward::Agent, action == Steward::Action::"${action}", resource is Steward::Tool)\nwhen { principal.hasOwner && principal.status == "active" && context.actionName == "${action}" && resource.name == "${tool}" };` : `forbid (principal, action == Steward::Action::"${action}", resource is Steward::Tool)\nwhen { context.external && context.dataSensitivity == "restricted" && principal.riskTier == "high" };`);
    }
    const requests200 = (i: number): AuthzenRequest => ({ ...requestFor(i), action: { name: actions[i % 20]! }, resource: { type: "tool", id: TOOLS[i % TOOLS.length]!, properties: { name: TOOLS[i % TOOLS.length]! } } });
    floor("200 policies over 20 actions", policies200, schema200, requests200, 4);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
