import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { DEFAULT_CEDAR_SCHEMA } from "@/lib/policies/default-schema";
import { startFilesHttpServer, type RunningFilesServer } from "./demo/files-server";
import { ConsoleHarness } from "@/scripts/lib/gateway-console-harness";
import { BASE_POLICIES, connectAgent, TEST_SCHEMA_WITH_ARGS, waitFor } from "@/testing/gateway";

const PORTS = { console: 3720, upstream: 3721, gateway: 3722 };
const endpoint = `http://127.0.0.1:${PORTS.gateway}/mcp/files`;
const root = path.resolve(import.meta.dirname, "..");

let harness: ConsoleHarness;
let upstream: RunningFilesServer;
let configFile = "";

function startGateway(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "gateway/main.ts"], { cwd: root, env: { ...process.env, STEWARD_GATEWAY_CONFIG: configFile }, stdio: ["ignore", "ignore", "inherit"] });
  return child;
}

async function ready(): Promise<{ spool: { backlog: number } }> {
  return waitFor(async () => {
    const response = await fetch(`http://127.0.0.1:${PORTS.gateway}/readyz`).catch(() => null);
    return response?.status === 200 ? ((await response.json()) as { spool: { backlog: number } }) : undefined;
  }, 30_000, 100);
}

/** Calls echo with unique texts from `workers` agents until stopped; returns the texts whose call was answered (allowed) and the decision ids of answered denials. */
function traffic(clients: Client[], prefix: string) {
  const answered = { allowed: [] as string[], denied: [] as string[] };
  let running = true;
  let n = 0;
  const loops = clients.map(async (client) => {
    while (running) {
      const i = n++;
      const text = `${prefix}-${i}`;
      try {
        if (i % 3 === 2) {
          await client.callTool({ name: "delete_file", arguments: { path: `/${text}` } });
        } else {
          await client.callTool({ name: "echo", arguments: { text } });
          answered.allowed.push(text);
        }
      } catch (error) {
        const id = (error as { data?: { decision_id?: string } }).data?.decision_id;
        if (id) answered.denied.push(id);
        else if (i % 3 !== 2) return; // connection lost: the gateway was killed
        else return;
      }
    }
  });
  return { answered, stop: async () => ((running = false), await Promise.allSettled(loops)) };
}

async function storedByText(): Promise<{ ids: string[]; texts: string[] }> {
  const rows = (await harness.storedDecisions()).map((row) => ({ id: row.decisionId, request: row.request }));
  const texts = rows.map((row) => (row.request as { context?: { arguments?: { text?: string } } } | null)?.context?.arguments?.text).filter((text): text is string => typeof text === "string");
  return { ids: rows.map((row) => row.id), texts };
}

beforeAll(async () => {
  harness = await ConsoleHarness.open(PORTS.console);
  await harness.publish(BASE_POLICIES, TEST_SCHEMA_WITH_ARGS(DEFAULT_CEDAR_SCHEMA));
  upstream = await startFilesHttpServer(PORTS.upstream);
  configFile = path.join(mkdtempSync(path.join(tmpdir(), "steward-kill-")), "gateway.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      listen: { host: "127.0.0.1", port: PORTS.gateway },
      publicUrl: `http://127.0.0.1:${PORTS.gateway}`,
      console: { url: harness.url, token: harness.epToken },
      bundle: { retryMs: 100 },
      spool: { dir: path.join(path.dirname(configFile), "spool"), shipIntervalMs: 20, maxBackoffMs: 200, batchSize: 50 },
      upstreams: [{ name: "files", transport: "http", url: upstream.url }],
      logLevel: "error",
    }),
  );
});

afterAll(async () => {
  await upstream?.close();
  await harness?.close();
});

describe("gateway SIGKILLed mid-traffic", () => {
  it("records every answered call exactly once, with the console up and with the console down at the kill", async () => {
    for (const phase of ["console-up", "console-down"] as const) {
      let gateway = startGateway();
      await ready();
      const clients = await Promise.all([0, 1, 2, 3].map(async (i) => connectAgent(endpoint, await harness.mintTaskToken({ sub: `agt_w${i}`, aud: endpoint }))));
      if (phase === "console-down") await harness.stop();
      const run = traffic(clients, phase);
      await waitFor(() => run.answered.allowed.length >= 150, 30_000);
      // Listen before killing: the exit can come while the traffic loops wind down.
      const killed = new Promise((resolve) => gateway.once("exit", resolve));
      gateway.kill("SIGKILL");
      await run.stop();
      await killed;
      if (phase === "console-down") await harness.start();

      gateway = startGateway();
      await ready();
      await waitFor(async () => (await ready()).spool.backlog === 0, 30_000, 100);
      const stored = await storedByText();
      // Every decision the client got an answer for is in the console exactly once…
      for (const text of run.answered.allowed) expect(stored.texts.filter((candidate) => candidate === text), text).toHaveLength(1);
      for (const id of run.answered.denied) expect(stored.ids.filter((candidate) => candidate === id), id).toHaveLength(1);
      // …and nothing is stored twice (a call cut off by the kill is recorded at most once).
      expect(new Set(stored.ids).size).toBe(stored.ids.length);
      expect(new Set(stored.texts).size).toBe(stored.texts.length);
      expect(run.answered.allowed.length + run.answered.denied.length).toBeGreaterThan(150);
      for (const client of clients) await client.close().catch(() => undefined);
      const stopped = new Promise((resolve) => gateway.once("exit", resolve));
      gateway.kill("SIGTERM");
      await stopped;
    }
  }, 420_000);
});
