import { describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { decisionQuarantine, decisions } from "@/db/schema";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { updateOpaMapping } from "../enforcement-points/update-opa-mapping";
import { newId } from "../ids";
import { userContext } from "@/testing/context";
import { handleOpaLogRequest } from "./ingest-opa-logs";
import { enforcementPointContext, ingestRequest } from "./ingest-testing";

const database = suiteDatabase();

/** An event as OPA's decision_logs plugin writes it, with fields Steward does not know about. */
function opaEvent(overrides: Record<string, unknown>) {
  return {
    labels: { id: "opa-1", version: "0.70.0" },
    decision_id: newId("opa"),
    bundles: { authz: { revision: "bundle-rev-9" } },
    path: "agents/authz/allow",
    input: { subject: { id: "billing-agent" }, action: { name: "invoice.create" }, resource: { type: "invoice", id: "inv-1" } },
    result: true,
    requested_by: "10.0.0.4:51234",
    timestamp: new Date().toISOString().replace("Z", "123456Z"),
    metrics: { timer_rego_query_eval_ns: 81_000, timer_server_handler_ns: 250_000 },
    req_id: 7,
    nd_builtin_cache: {},
    ...overrides,
  };
}

describe("OPA decision-log compatibility", () => {
  it("ingests a gzip upload of boolean, {allow} and Envoy events, and quarantines the one it cannot read without failing the batch", async () => {
    const admin = userContext("admin");
    const { enforcementPoint } = await registerEnforcementPoint({ ctx: admin, input: { name: "opa-east", kind: "policy-engine" } });
    const ctx = enforcementPointContext(enforcementPoint.id, "opa-east");
    const boolean = opaEvent({});
    const allowObject = opaEvent({ result: { allow: false, policy_ids: ["pol_no_invoices"] } });
    const envoy = opaEvent({
      path: "envoy/authz/allow",
      input: { attributes: { source: { principal: "spiffe://corp/ns/agents/sa/executor" }, request: { http: { method: "POST", path: "/v1/payments", host: "payments.internal" } } } },
      result: { allowed: true, headers: { "x-ext-auth": "ok" } },
    });
    const broken = opaEvent({ result: undefined, input: { nothing: true } });
    const upload = [boolean, allowObject, envoy, broken];
    const response = await handleOpaLogRequest(ingestRequest(JSON.stringify(upload), { gzip: true, path: "/api/v1/opa/logs" }), ctx);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: 3, duplicates: 0, quarantined: [{ index: 3, path: "$[3].input" }] });
    expect(response.body.quarantined[0]!.message).toMatch(/: no agent identity/);

    const rows = await database.db.select().from(decisions).where(inArray(decisions.decisionId, [boolean.decision_id, allowObject.decision_id, envoy.decision_id]));
    const byId = new Map(rows.map((row) => [row.decisionId, row]));
    expect(byId.get(boolean.decision_id)).toMatchObject({ agentRef: "billing-agent", actionName: "invoice.create", resourceType: "invoice", resourceId: "inv-1", outcome: "allow", policyRevision: "bundle-rev-9", latencyMs: 0.25, reasons: ["agents/authz/allow"] });
    expect(byId.get(allowObject.decision_id)).toMatchObject({ outcome: "deny", reasons: ["pol_no_invoices"] });
    expect(byId.get(envoy.decision_id)).toMatchObject({ agentRef: "spiffe://corp/ns/agents/sa/executor", spiffeId: "spiffe://corp/ns/agents/sa/executor", actionName: "POST /v1/payments", destination: "payments.internal", outcome: "allow" });
    expect((byId.get(boolean.decision_id)!.request as { context: { opa_input: unknown } }).context.opa_input).toEqual(boolean.input);
    const [quarantined] = await database.db.select().from(decisionQuarantine).where(eq(decisionQuarantine.enforcementPointId, enforcementPoint.id));
    expect(JSON.parse(quarantined!.raw)).toMatchObject({ decision_id: broken.decision_id });

    // OPA retries a chunk on any non-2xx: a retry is acknowledged again and stored once.
    const retry = await handleOpaLogRequest(ingestRequest(JSON.stringify(upload), { gzip: true }), ctx);
    expect(retry).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 3 } });
    // Even a chunk of nothing but unreadable events is acknowledged (and kept in quarantine).
    expect((await handleOpaLogRequest(ingestRequest(JSON.stringify([opaEvent({ result: "??", decision_id: "x-1" })]), { gzip: true }), ctx)).status).toBe(200);
  });

  it("follows the EP's mapping for custom shapes", async () => {
    const admin = userContext("admin");
    const { enforcementPoint } = await registerEnforcementPoint({ ctx: admin, input: { name: "opa-custom", kind: "policy-engine" } });
    await updateOpaMapping({ ctx: admin, input: { id: enforcementPoint.id, mapping: { agent: "input.caller.sub", action: "input.op", resourceType: "input.target.kind", resourceId: "input.target.name", outcome: "result.verdict" } } });
    const event = opaEvent({ input: { caller: { sub: "report-bot" }, op: "s3.get", target: { kind: "bucket", name: "finance" } }, result: { verdict: "approval_required" } });
    const response = await handleOpaLogRequest(ingestRequest(JSON.stringify([event]), { gzip: true }), enforcementPointContext(enforcementPoint.id));
    expect(response.body).toMatchObject({ accepted: 1 });
    const [row] = await database.db.select().from(decisions).where(eq(decisions.decisionId, event.decision_id));
    expect(row).toMatchObject({ agentRef: "report-bot", actionName: "s3.get", resourceType: "bucket", resourceId: "finance", outcome: "approval_required" });
  });
});
