/**
 * `npm run demo -- --once` against a fresh data folder, headless, on ports 4850–4852 (STEWARD_DEMO_PORT
 * to move them): the built console (`npx next build` first), the real gateway, both demo MCP servers
 * and the demo agents with the real MCP SDK client. Afterwards the PGlite folder it left behind is
 * opened and must hold, for the demo's gateway, allowed and denied tool calls by the demo agents,
 * and a pending access request for the destructive purge_tickets call.
 * Gated by STEWARD_DEMO_TEST=1 (npm test sets it after the build step).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { accessRequests, agents as agentsTable, decisions, enforcementPoints } from "@/db/schema";

const root = path.resolve(__dirname, "..");
const dataDir = mkdtempSync(path.join(os.tmpdir(), "steward-demo-test-"));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.skipIf(!process.env.STEWARD_DEMO_TEST)("npm run demo -- --once", () => {
  it("starts everything, runs one round of agent traffic through the gateway and stops every child", async () => {
    expect(existsSync(path.join(root, ".next", "BUILD_ID")), "run `npx next build` first").toBe(true);
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts", "--once"], {
      cwd: root,
      env: { ...process.env, PORT: process.env.STEWARD_DEMO_PORT ?? "4850", STEWARD_DATA_DIR: dataDir, STEWARD_ADMIN_EMAIL: "demo-test@example.test", STEWARD_ADMIN_PASSWORD: "demo test password 123", DATABASE_URL: "", AUTH_SECRET: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, output).toBe(0);
    expect(output).toContain("/approvals");

    // Every child stopped: the PGlite folder is free again (openDatabase takes its lock or throws).
    const database = await openDatabase({ pgliteDir: path.join(dataDir, "pglite") });
    try {
      const [ep] = await database.db.select().from(enforcementPoints).where(eq(enforcementPoints.name, "demo-gateway"));
      expect(ep?.kind).toBe("mcp-gateway");
      const rows = await database.db.select().from(decisions).where(eq(decisions.enforcementPointId, ep!.id));
      // The gateway records each tool call under the tool's name.
      const gatewayCalls = (outcome: string) => rows.filter((row) => row.outcome === outcome).map((row) => `${row.agentId} ${row.actionName}`).sort();
      const agents = await database.db.select().from(agentsTable);
      const agent = (name: string) => agents.find((row) => row.name === name)!.id;
      expect(gatewayCalls("allow")).toEqual([`${agent("demo-files-executor")} read_file`, `${agent("demo-planner")} list_tickets`, `${agent("demo-tickets-executor")} create_ticket`].sort());
      expect(gatewayCalls("deny")).toEqual([`${agent("demo-files-executor")} delete_file`, `${agent("demo-planner")} create_ticket`, `${agent("demo-tickets-executor")} purge_tickets`].sort());
      // The gateway held the destructive call and opened the access request itself; it waits in Approvals.
      const pending = await database.db.select().from(accessRequests).where(eq(accessRequests.status, "pending"));
      expect(pending.map((row) => [row.agentId, row.requesterKey, (row.resource as { id: string }).id])).toEqual([[agent("demo-tickets-executor"), `ep:${ep!.id}`, "purge_tickets"]]);
    } finally {
      await database.close();
    }
  }, 20 * 60_000);
});
