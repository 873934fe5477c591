/**
 * `npm run demo -- --once` against a fresh data folder, headless, on ports 4850–4852 (STEWARD_DEMO_PORT
 * to move them): the built console (`npx next build` first), the real gateway, both demo MCP servers
 * and the demo agents with the real MCP SDK client. Afterwards the PGlite folder it left behind is
 * opened and must hold: the task the planner started by token exchange, its delegation tree (the
 * executors' tokens narrowed and children of the planner's, all revoked when the task ended), the
 * refused widening, for the demo's gateway allowed and denied tool calls by the demo agents under
 * their task tokens (the legacy reporter's under no task: its static key), and a pending access
 * request for the destructive purge_tickets call.
 * Gated by STEWARD_DEMO_TEST=1 (npm test sets it after the build step).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { accessRequests, agents as agentsTable, decisions, enforcementPoints, tasks, taskTokens } from "@/db/schema";

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
    // The approval link is printed whole, with the console's real base URL.
    const port = process.env.STEWARD_DEMO_PORT ?? "4850";
    expect(output).toMatch(new RegExp(`http://127\\.0\\.0\\.1:${port}/approvals\\?request=[a-z]+_\\w+`));
    expect(output).not.toContain("localhost");
    // It is printed while the gateway still holds the purge (the call's outcome is reported after), so it can be approved in time.
    const link = output.search(/task tsk_\S+: the purge is held for approval: approve access request \S+ within 5 s at /);
    expect(link, output).toBeGreaterThan(-1);
    expect(link, output).toBeLessThan(output.indexOf("demo-tickets-executor → purge_tickets:"));
    // The build exists (checked above): the demo does not announce one.
    expect(output).not.toContain("takes a few minutes");

    // Every child stopped: the PGlite folder is free again (openDatabase takes its lock or throws).
    const database = await openDatabase({ pgliteDir: path.join(dataDir, "pglite") });
    try {
      const [ep] = await database.db.select().from(enforcementPoints).where(eq(enforcementPoints.name, "demo-gateway"));
      expect(ep?.kind).toBe("mcp-gateway");
      // It serves the gateway's URL, the resource its agents' task tokens are issued for.
      expect(ep?.audiences).toEqual([`http://127.0.0.1:${Number(port) + 1}`]);
      const rows = await database.db.select().from(decisions).where(eq(decisions.enforcementPointId, ep!.id));
      // The gateway records each tool call under the tool's name.
      const gatewayCalls = (outcome: string) => rows.filter((row) => row.outcome === outcome).map((row) => `${row.agentId} ${row.actionName}`).sort();
      const agents = await database.db.select().from(agentsTable);
      const agent = (name: string) => agents.find((row) => row.name === name)!.id;
      expect(gatewayCalls("allow")).toEqual([`${agent("demo-files-executor")} read_file`, `${agent("demo-planner")} list_tickets`, `${agent("demo-tickets-executor")} create_ticket`, `${agent("demo-legacy-reporter")} list_tickets`].sort());
      expect(gatewayCalls("deny")).toEqual([`${agent("demo-files-executor")} delete_file`, `${agent("demo-planner")} delete_file`, `${agent("demo-legacy-reporter")} create_ticket`].sort());
      // The purge was held for a person and the hold ended unapproved: recorded as approval_required, not deny.
      expect(gatewayCalls("approval_required")).toEqual([`${agent("demo-tickets-executor")} purge_tickets`]);

      // One task, started by the planner's token exchange and ended at the end of the round.
      const [task, ...more] = await database.db.select().from(tasks);
      expect(more).toEqual([]);
      expect(task).toMatchObject({ rootAgentId: agent("demo-planner"), initiatorType: "agent", status: "ended" });
      // Every task-token holder's calls name the task; the legacy reporter's static key names none.
      for (const row of rows) expect(row.taskId, `${row.actionName} by ${row.agentId}`).toBe(row.agentId === agent("demo-legacy-reporter") ? null : task!.id);
      // The tree: the executors' tokens are children of the planner's, narrowed, and all revoked.
      const tokens = await database.db.select().from(taskTokens).where(eq(taskTokens.taskId, task!.id));
      const root = tokens.find((token) => token.depth === 0)!;
      expect(root).toMatchObject({ agentId: agent("demo-planner"), authMethod: "jwt-svid", presentedIdentity: "spiffe://demo.steward/agent/demo-planner", audience: `http://127.0.0.1:${Number(port) + 1}` });
      expect(root.scope.sort()).toEqual(["create_ticket", "list_tickets", "purge_tickets", "read_file"]);
      expect(tokens.filter((token) => token.depth === 1).map((token) => [token.agentId, token.parentJti, token.scope.join(" ")]).sort()).toEqual(
        [
          [agent("demo-files-executor"), root.jti, "read_file"],
          [agent("demo-tickets-executor"), root.jti, "create_ticket purge_tickets"],
        ].sort(),
      );
      expect(tokens).toHaveLength(3);
      expect(tokens.every((token) => token.revokedAt !== null)).toBe(true);
      // The files executor's attempt to widen past the planner's token was refused and recorded.
      const issuance = await database.db.select().from(decisions).where(eq(decisions.taskId, task!.id));
      expect(issuance.filter((row) => row.actionKind === "token_issuance" && row.outcome === "deny").map((row) => [row.agentId, row.actionName, row.reasons])).toContainEqual([agent("demo-files-executor"), "delete_file", ["scope delete_file is outside the parent token's scope"]]);
      // The gateway held the destructive call and opened the access request itself. Unapproved, it waits in Approvals
      // until the approvals sweep sees the round's task ended and expires it ("task ended"); either may be found here.
      const requests = await database.db.select().from(accessRequests);
      expect(requests.map((row) => [row.agentId, row.requesterKey, (row.resource as { id: string }).id])).toEqual([[agent("demo-tickets-executor"), `ep:${ep!.id}`, "purge_tickets"]]);
      expect([["pending", null], ["expired", "task ended"]]).toContainEqual([requests[0]!.status, requests[0]!.decidedByLabel]);
    } finally {
      await database.close();
    }
  }, 20 * 60_000);
});
