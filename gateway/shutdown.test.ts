import { afterAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { DEFAULT_CEDAR_SCHEMA } from "@/lib/policies/default-schema";
import { ConsoleHarness } from "@/scripts/lib/gateway-console-harness";
import { createLogger } from "./log";
import { Gateway } from "./server";
import { BASE_POLICIES, TEST_SCHEMA_WITH_ARGS, testConfig, waitFor } from "@/testing/gateway";

// Ports of the approvals2 branch (4100–4199).
const PORTS = { console: 4120, gateway: 4122 };
const PDP_KEY = "pdp_key_for_the_shutdown_test_0123456789";

let harness: ConsoleHarness | undefined;
afterAll(async () => {
  await harness?.close();
});

describe("graceful shutdown while the console stops too (Ctrl-C reaches the whole demo)", () => {
  it("stops its console pollers first, drains, flushes and closes the spool, with no warning or error logged", { timeout: 120_000 }, async () => {
    harness = await ConsoleHarness.open(PORTS.console);
    await harness.publish(BASE_POLICIES, TEST_SCHEMA_WITH_ARGS(DEFAULT_CEDAR_SCHEMA));
    const lines: { level: string; msg: string; backlog?: number }[] = [];
    let capturing = false;
    const logger = createLogger("info", (line) => {
      if (capturing) lines.push(JSON.parse(line) as { level: string; msg: string });
    });
    const config = testConfig({ port: PORTS.gateway, consoleUrl: harness.url, token: harness.epToken, pdpKeys: [createHash("sha256").update(PDP_KEY).digest("hex")], upstreams: [], spool: { shipIntervalMs: 50, maxBackoffMs: 200 } });
    config.revocations.enabled = true;
    const gateway = new Gateway(config, { logger });
    await gateway.start();
    await waitFor(() => gateway.policy.current().ok);
    // A few decisions, shipped while the console is up; the pollers then sit in their long-polls.
    for (let i = 0; i < 5; i++) {
      const answer = await fetch(`http://127.0.0.1:${PORTS.gateway}/access/v1/evaluation`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${PDP_KEY}` }, body: JSON.stringify({ subject: { type: "agent", id: "agt_x" }, action: { name: "tools/call" }, resource: { type: "tool", id: "read_file" }, context: { arg_path: `/d${i}` } }) });
      expect(answer.status).toBe(200);
    }
    await waitFor(() => gateway.spool.backlogRecords === 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Ctrl-C reaches the console and the gateway at once: the console drops its connections (the
    // gateway's long-polls among them) while the gateway drains. Then the console is gone for good.
    capturing = true;
    await Promise.all([harness.stop(), gateway.stop()]);
    const loud = lines.filter((line) => line.level === "warn" || line.level === "error");
    expect(loud).toEqual([]);
    expect(lines.at(-1)).toMatchObject({ level: "info", msg: "gateway stopped" });
  });
});
