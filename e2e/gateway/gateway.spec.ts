import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { adminSession } from "../fixtures/auth";

/**
 * The Steward Gateway end to end: the real console (this project's server), `npm run gateway` as a
 * child process registered as an mcp-gateway EP, the demo files server (a real MCP SDK server) as
 * its upstream, and an agent using the real MCP SDK client with a per-agent gateway key. The
 * agent's call must show on the live feed, its trace in the trace view, and the upstream's tools
 * in the catalog. Ports: E2E_PORT + 10 (upstream) and + 11 (gateway).
 */
const base = () => test.info().project.use.baseURL!;
const ports = () => ({ upstream: Number(new URL(base()).port) + 10, gateway: Number(new URL(base()).port) + 11 });
// Playwright runs from the repository root (and compiles specs to CommonJS: no import.meta).
const root = process.cwd();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A child in its own process group, so stopping it stops npm's children too. */
function start(command: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"], detached: true });
  return child;
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    // The group may be gone already (ESRCH): that is what stopping wants.
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // already exited
      }
    };
    signal("SIGTERM");
    setTimeout(() => {
      if (child.exitCode === null) signal("SIGKILL");
    }, 10_000).unref();
  });
}

async function until(url: string, ok: (status: number) => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const status = await fetch(url).then((response) => response.status, () => 0);
    if (ok(status)) return;
    await sleep(200);
  }
  throw new Error(`${url} did not come up`);
}

test("an agent's call through the gateway appears on the live feed, its trace in the trace view, and the tool in the catalog", async ({ browser }) => {
  test.setTimeout(180_000);
  const suffix = randomBytes(3).toString("hex");
  const server = `e2e-files-${suffix}`;
  const agentId = `e2e-gw-agent-${suffix}`;
  const agentKey = `sgk_e2e_${randomBytes(24).toString("hex")}`;
  const { upstream: upstreamPort, gateway: gatewayPort } = ports();
  const { context, page } = await adminSession(browser);
  const registered = await context.request.post("/api/v1/enforcement-points", { data: { name: `e2e-gateway-${suffix}`, kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  const { token } = (await registered.json()) as { token: string };

  const dir = mkdtempSync(path.join(tmpdir(), "steward-e2e-gw-"));
  const configFile = path.join(dir, "gateway.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      listen: { host: "127.0.0.1", port: gatewayPort },
      publicUrl: `http://127.0.0.1:${gatewayPort}`,
      console: { url: base(), token },
      spool: { dir: path.join(dir, "spool"), shipIntervalMs: 100 },
      agentKeys: { [createHash("sha256").update(agentKey).digest("hex")]: agentId },
      upstreams: [{ name: server, transport: "http", url: `http://127.0.0.1:${upstreamPort}/mcp`, dataSensitivity: "internal" }],
      syncIntervalMs: 500,
      logLevel: "warn",
    }),
  );
  const upstream = start(process.execPath, ["--import", "tsx", "gateway/demo/files-server-http.ts", String(upstreamPort)]);
  const gateway = start("npm", ["run", "--silent", "gateway"], { STEWARD_GATEWAY_CONFIG: configFile });
  const agent = new Client({ name: "e2e-agent", version: "1" });
  try {
    await until(`http://127.0.0.1:${upstreamPort}/mcp`, (status) => status > 0 && status < 500);
    await until(`http://127.0.0.1:${gatewayPort}/healthz`, (status) => status === 200);

    await page.goto("/decisions");
    await expect(page.getByRole("status").filter({ hasText: "live" })).toBeVisible();

    // The agent: the real MCP SDK client, its own trace context, a gateway key as credential.
    const traceId = randomBytes(16).toString("hex");
    await agent.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${gatewayPort}/mcp/${server}`), {
        requestInit: { headers: { authorization: `Bearer ${agentKey}`, traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01` } },
      }),
    );
    await agent.listTools();
    // Whatever the published policy says (allow, deny, or no bundle yet: unavailable), the call is decided and recorded.
    const outcome = await agent.callTool({ name: "echo", arguments: { text: `hello ${suffix}` } }).then(
      () => "allow",
      (error: Error) => error.message,
    );
    test.info().annotations.push({ type: "gateway answer", description: outcome });

    const row = page.getByRole("row").filter({ hasText: agentId });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await expect(row).toContainText("echo");

    await page.goto(`/decisions/trace?trace=${traceId}`);
    await expect(page.getByRole("heading", { name: `Trace ${traceId}` })).toBeVisible();
    const tree = page.getByRole("region", { name: "Decision tree" });
    await expect(tree).toContainText(agentId);
    await expect(tree).toContainText("echo");
    // Each node's time carries its date (a trace can span days).
    await expect(tree.getByRole("link", { name: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/ }).first()).toBeVisible();

    // The catalog fills from the gateway's report of what its upstream listed (every syncIntervalMs).
    await expect(async () => {
      await page.goto("/mcp-servers");
      const catalog = page.getByRole("table", { name: "Tools seen by gateways" });
      await expect(catalog.getByRole("row").filter({ hasText: server }).filter({ hasText: "echo" })).toBeVisible({ timeout: 1_000 });
      await expect(catalog.getByRole("row").filter({ hasText: server }).filter({ hasText: "delete_file" })).toContainText("destructive", { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByRole("table", { name: "MCP gateways" }).getByRole("row").filter({ hasText: `e2e-gateway-${suffix}` })).toContainText(server);
  } finally {
    await agent.close().catch(() => undefined);
    await stop(gateway);
    await stop(upstream);
    await context.close();
  }
});
