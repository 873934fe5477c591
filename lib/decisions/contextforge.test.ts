import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { decisionQuarantine, decisions } from "@/db/schema";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { userContext } from "@/testing/context";
import { handleContextForgeEvent } from "./ingest-contextforge";
import { enforcementPointContext, ingestRequest } from "./ingest-testing";

const database = suiteDatabase();

/** ContextForge's webhook_notification plugin, default template (Python isoformat timestamps, "null" for a missing value). */
function cfEvent(overrides: Record<string, unknown> = {}) {
  return {
    event: "tool_success",
    plugin: "WebhookNotification",
    timestamp: new Date(Date.now() - 5000).toISOString().replace("Z", "417+00:00"),
    request_id: newId("cfreq"),
    user: "analyst-bot@corp.example",
    tenant_id: "team-a",
    server_id: "srv-github",
    violation: null,
    metadata: { tool_name: "github.create_issue" },
    ...overrides,
  };
}

const send = (event: unknown, ctx: ReturnType<typeof enforcementPointContext>) => handleContextForgeEvent(ingestRequest(typeof event === "string" ? event : JSON.stringify(event), { path: "/api/v1/events/contextforge" }), ctx);

describe("ContextForge webhook events, one JSON object per POST", () => {
  it("records calls, violations and errors as decisions, field by field", async () => {
    const { enforcementPoint } = await registerEnforcementPoint({ ctx: userContext("admin"), input: { name: `cf-${newId("x").slice(-8)}`, kind: "mcp-gateway" } });
    const ctx = enforcementPointContext(enforcementPoint.id);
    const ok = cfEvent();
    const blocked = cfEvent({ event: "pii_detected", violation: { reason: "PII detected in tool arguments", description: "SSN pattern", code: "PII_DETECTED", details: {}, plugin_name: "PIIFilterPlugin" }, metadata: {} });
    const failed = cfEvent({ event: "tool_error", metadata: { tool_name: "github.create_issue", error: "upstream 502" } });
    for (const event of [ok, blocked, failed]) expect(await send(event, ctx)).toEqual({ accepted: 1, duplicates: 0, quarantined: [] });
    expect(await send(ok, ctx)).toEqual({ accepted: 0, duplicates: 1, quarantined: [] }); // a webhook retry
    const rows = new Map((await database.db.select().from(decisions).where(eq(decisions.enforcementPointId, enforcementPoint.id))).map((row) => [row.decisionId, row]));
    expect(rows.get(`${ok.request_id}:tool_success`)).toMatchObject({ agentRef: "analyst-bot@corp.example", actionName: "github.create_issue", actionKind: "mcp.tools/call", resourceType: "tool", resourceId: "github.create_issue", destination: "srv-github", outcome: "allow" });
    const deny = rows.get(`${blocked.request_id}:pii_detected`)!;
    expect(deny).toMatchObject({ outcome: "deny", reasons: ["PIIFilterPlugin"] });
    expect(deny.context).toMatchObject({ reason: ["PII detected in tool arguments", "SSN pattern"], contextforge: { tenant_id: "team-a", violation_code: "PII_DETECTED" } });
    expect(rows.get(`${failed.request_id}:tool_error`)).toMatchObject({ outcome: "error" });
  });

  it("quarantines an event without a user as received and acknowledges it; refuses a body that is not JSON, keeping a copy", async () => {
    const { enforcementPoint } = await registerEnforcementPoint({ ctx: userContext("admin"), input: { name: `cf-${newId("x").slice(-8)}`, kind: "mcp-gateway" } });
    const ctx = enforcementPointContext(enforcementPoint.id);
    const anonymous = cfEvent({ user: "null" });
    const text = JSON.stringify(anonymous);
    expect(await send(text, ctx)).toMatchObject({ accepted: 0, quarantined: [{ index: 0, path: "$.user" }] });
    await expect(send("{not json", ctx)).rejects.toBeInstanceOf(StewardError);
    const rows = await database.db.select().from(decisionQuarantine).where(eq(decisionQuarantine.enforcementPointId, enforcementPoint.id));
    expect(rows.find((row) => row.reason === "invalid")!.raw).toBe(text);
    expect(rows.find((row) => row.reason === "rejected")!.raw).toBe("{not json");
  });
});
