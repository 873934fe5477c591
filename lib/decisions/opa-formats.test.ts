import { describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { and, eq, inArray, sql } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { executedRows } from "@/db/rows";
import { agentIdentities, agents, decisionQuarantine, decisions } from "@/db/schema";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { updateOpaMapping } from "../enforcement-points/update-opa-mapping";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { userContext } from "@/testing/context";
import { handleIngestRequest } from "./ingest-request";
import { GZIP_MAX_RATIO, handleOpaLogRequest, OPA_CHUNK_LIMITS } from "./ingest-opa-logs";
import { enforcementPointContext, ingestRequest, sampleDecision } from "./ingest-testing";
import { INGEST_LIMITS } from "./read-ingest-body";

const database = suiteDatabase();

async function newEp(mapping?: Record<string, string>) {
  const admin = userContext("admin");
  const { enforcementPoint } = await registerEnforcementPoint({ ctx: admin, input: { name: `opa-${newId("x").slice(-8)}`, kind: "policy-engine" } });
  if (mapping) await updateOpaMapping({ ctx: admin, input: { id: enforcementPoint.id, mapping } });
  return { id: enforcementPoint.id, ctx: enforcementPointContext(enforcementPoint.id) };
}

/** OPA's EventV1 as the decision_logs plugin uploads it (RFC 3339 nanosecond timestamps). */
function opaEvent(overrides: Record<string, unknown> = {}) {
  return {
    labels: { id: "5f1c0d1e-opa", version: "1.4.2" },
    decision_id: crypto.randomUUID(),
    bundles: { authz: { revision: "rev-77" } },
    path: "agents/authz/allow",
    input: { subject: { id: "billing-agent" }, action: { name: "invoice.create" }, resource: { type: "invoice", id: "inv-1" } },
    result: true,
    requested_by: "10.42.7.2:40112",
    timestamp: new Date().toISOString().replace(/\.(\d{3})Z$/, ".$1902118Z"),
    metrics: { timer_rego_query_eval_ns: 81_000, timer_server_handler_ns: 250_000 },
    req_id: 7,
    ...overrides,
  };
}

/** opa-envoy's input for one request (Envoy ext_authz CheckRequest as the plugin renders it). */
function envoyInput(http: Record<string, unknown>, source: Record<string, unknown> = { address: { socketAddress: { address: "10.1.2.3", portValue: 51000 } } }, extra: Record<string, unknown> = {}) {
  return {
    attributes: {
      source,
      destination: { address: { socketAddress: { address: "10.1.9.9", portValue: 8000 } } },
      request: { time: new Date().toISOString(), http: { id: "1339", method: "GET", host: "orders.internal", scheme: "http", protocol: "HTTP/1.1", headers: { ":authority": "orders.internal", "user-agent": "curl/8" }, ...http } },
      ...extra,
    },
    parsed_path: [],
    parsed_query: {},
  };
}

const upload = (events: unknown, ctx: ReturnType<typeof enforcementPointContext>) => handleOpaLogRequest(ingestRequest(JSON.stringify(events), { gzip: true, path: "/api/v1/opa/logs" }), ctx);
const rowsOf = async (ids: string[]) => new Map((await database.db.select().from(decisions).where(inArray(decisions.decisionId, ids))).map((row) => [row.decisionId, row]));

describe("1. identity comes from the request, never from the network", () => {
  it("never makes an agent of requested_by: an event naming no agent is quarantined as 'no agent identity', and the address is kept as context.source_address", async () => {
    const ep = await newEp();
    const agentsBefore = executedRows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from agents`))[0]!.n;
    const anonymous = [40112, 40113, 40114].map((port) => opaEvent({ input: { method: "GET", path: "/salary/bob" }, requested_by: `10.42.7.2:${port}` }));
    const named = opaEvent();
    const response = await upload([...anonymous, named], ep.ctx);
    expect(response.status).toBe(200);
    expect(response.body.accepted).toBe(1);
    expect(response.body.quarantined.map((item) => [item.index, item.path])).toEqual([
      [0, "$[0].input"],
      [1, "$[1].input"],
      [2, "$[2].input"],
    ]);
    for (const item of response.body.quarantined) expect(item.message).toMatch(/no agent identity/);
    // Only the named agent may have been added — and no agent or identity carries an address.
    const agentsAfter = executedRows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from agents`))[0]!.n;
    expect(agentsAfter - agentsBefore).toBeLessThanOrEqual(1);
    expect(await database.db.select().from(agentIdentities).where(sql`${agentIdentities.value} like '10.42.7.2%'`)).toEqual([]);
    const row = (await rowsOf([named.decision_id])).get(named.decision_id)!;
    expect(row.agentRef).toBe("billing-agent");
    expect(row.context).toMatchObject({ source_address: "10.42.7.2:40112", opa: { requested_by: "10.42.7.2:40112" } });
  });

  it("reads the agent in the documented order from every input shape, and the same principal as a string or an object is one agent", async () => {
    const ep = await newEp();
    const principal = `svc-${newId("p").slice(-6)}`;
    const events = [
      opaEvent({ input: { user: principal, action: "read" } }),
      opaEvent({ input: { user: { id: principal, name: "Reporting service" }, action: "read" } }),
      opaEvent({ input: { user: { sub: principal }, action: "read" } }),
      opaEvent({ input: { subject: principal, action: "read" } }),
      opaEvent({ input: { principal: { name: principal }, action: "read" } }),
      // An MCP request as a gateway asks OPA about it: the bearer token's parsed claims name the agent.
      opaEvent({ input: { method: "tools/call", params: { name: "crm.export", arguments: { limit: 5 } }, token: { sub: `mcp-${principal}` } } }),
      // input.subject wins over input.user (documented order), and an address-shaped user is skipped.
      opaEvent({ input: { subject: { id: `first-${principal}` }, user: "someone-else", action: "read" } }),
      opaEvent({ input: { user: "192.168.0.10", principal: `third-${principal}`, action: "read" } }),
    ];
    const response = await upload(events, ep.ctx);
    expect(response.body).toMatchObject({ accepted: events.length, quarantined: [] });
    const rows = await rowsOf(events.map((event) => event.decision_id));
    const agentIds = new Set(events.slice(0, 5).map((event) => rows.get(event.decision_id)!.agentId));
    expect(agentIds.size).toBe(1);
    const [agent] = await database.db.select().from(agents).where(eq(agents.id, [...agentIds][0]!));
    expect(agent).toMatchObject({ status: "discovered" });
    expect(rows.get(events[5]!.decision_id)).toMatchObject({ agentRef: `mcp-${principal}`, actionName: "crm.export", actionKind: "mcp.tools/call", resourceType: "tool", resourceId: "crm.export" });
    expect(rows.get(events[6]!.decision_id)!.agentRef).toBe(`first-${principal}`);
    expect(rows.get(events[7]!.decision_id)!.agentRef).toBe(`third-${principal}`);
  });
});

describe("2. Envoy input without secrets in names", () => {
  it("takes the path without query or fragment for action and resource, templated by the mapping, and keeps the query only in the stored request", async () => {
    const ep = await newEp({ preset: "envoy", pathTemplates: "/api/orders/{id}\n/api/users/{user}/keys/{key}" });
    const mtls = { principal: "spiffe://corp/ns/agents/sa/orders-bot", address: { socketAddress: { address: "10.1.2.3", portValue: 51000 } } };
    const events = [
      opaEvent({ path: "envoy/authz/allow", input: envoyInput({ path: "/api/orders?access_token=s3cr3t-token" }, mtls), result: true }),
      opaEvent({ path: "envoy/authz/allow", input: envoyInput({ method: "DELETE", path: "/api/orders/42?sig=abc#frag" }, mtls), result: { allowed: false, headers: { "x-reason": "no" }, body: "denied", http_status: 403 } }),
      opaEvent({ path: "envoy/authz/allow", input: envoyInput({ method: "POST", path: "/api/users/7/keys/k9;x?token=t" }, mtls), result: { allow: true } }),
      opaEvent({ path: "envoy/authz/allow", input: envoyInput({ path: "/api/other#only-fragment" }, mtls), result: { allowed: true, response_headers_to_add: { a: "b" } } }),
    ];
    const response = await upload(events, ep.ctx);
    expect(response.body).toMatchObject({ accepted: 4, quarantined: [] });
    const rows = await rowsOf(events.map((event) => event.decision_id));
    const [list, del, keys, other] = events.map((event) => rows.get(event.decision_id)!);
    expect(list).toMatchObject({ actionName: "GET /api/orders", resourceType: "http", resourceId: "/api/orders", outcome: "allow", destination: "orders.internal", spiffeId: "spiffe://corp/ns/agents/sa/orders-bot" });
    expect(del).toMatchObject({ actionName: "DELETE /api/orders/{id}", resourceId: "/api/orders/42", outcome: "deny" });
    expect(keys).toMatchObject({ actionName: "POST /api/users/{user}/keys/{key}", resourceId: "/api/users/7/keys/k9;x", outcome: "allow" });
    expect(other).toMatchObject({ actionName: "GET /api/other", resourceId: "/api/other", outcome: "allow" });
    // No stored name carries the query; the request (what OPA logged, after its own masking) still does.
    const names = executedRows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from decisions where enforcement_point_id = ${ep.id} and (action_name ~ '[?#]' or resource_id ~ '[?#]')`));
    expect(names[0]!.n).toBe(0);
    expect(JSON.stringify(list!.request)).toContain("access_token=s3cr3t-token");
  });

  it("accepts every verdict shape Envoy's OPA plugin produces under the envoy preset", async () => {
    const ep = await newEp({ preset: "envoy" });
    const mtls = { principal: "spiffe://corp/ns/a/sa/b" };
    const shapes: [unknown, string][] = [
      [true, "allow"],
      [false, "deny"],
      [{ allowed: true, headers: { "x-ok": "1" } }, "allow"],
      [{ allowed: false, body: "no", http_status: 401, headers: {} }, "deny"],
      [{ allow: true }, "allow"],
      [{ allow: false }, "deny"],
    ];
    const events = shapes.map(([result]) => opaEvent({ input: envoyInput({ path: "/x" }, mtls), result }));
    const response = await upload(events, ep.ctx);
    expect(response.body).toMatchObject({ accepted: shapes.length, quarantined: [] });
    const rows = await rowsOf(events.map((event) => event.decision_id));
    expect(events.map((event) => rows.get(event.decision_id)!.outcome)).toEqual(shapes.map(([, outcome]) => outcome));
  });

  it("falls back from the mTLS principal to the configured header, then the configured JWT claim, and only then quarantines", async () => {
    const ep = await newEp({ preset: "envoy", agentHeader: "X-Agent-Id", agentClaim: "client_id" });
    const noMtls = { address: { socketAddress: { address: "10.9.9.9", portValue: 443 } } };
    const jwtMetadata = { metadataContext: { filterMetadata: { "envoy.filters.http.jwt_authn": { verified_jwt: { iss: "https://idp", sub: "user-1", client_id: "claim-agent" } } } } };
    const events = [
      opaEvent({ input: envoyInput({ path: "/a", headers: { "x-agent-id": "header-agent" } }, { ...noMtls, principal: "spiffe://corp/ns/a/sa/mtls-agent" }) }),
      opaEvent({ input: envoyInput({ path: "/a", headers: { "x-agent-id": "header-agent" } }, noMtls, jwtMetadata) }),
      opaEvent({ input: envoyInput({ path: "/a" }, noMtls, jwtMetadata) }),
      opaEvent({ input: envoyInput({ path: "/a" }, noMtls) }),
    ];
    const response = await upload(events, ep.ctx);
    expect(response.body).toMatchObject({ accepted: 3, quarantined: [{ index: 3, path: "$[3].input" }] });
    const rows = await rowsOf(events.map((event) => event.decision_id));
    expect(events.slice(0, 3).map((event) => rows.get(event.decision_id)!.agentRef)).toEqual(["spiffe://corp/ns/a/sa/mtls-agent", "header-agent", "claim-agent"]);
  });
});

describe("3. OPA's delivery semantics", () => {
  it("quarantines one event nested deeper than the limit and acknowledges the rest of the chunk", async () => {
    const ep = await newEp();
    let deep: unknown = "bottom";
    for (let level = 0; level < INGEST_LIMITS.maxDepth + 10; level++) deep = { next: deep };
    const events = [opaEvent(), opaEvent({ input: { subject: "a", action: "x", blob: deep } }), opaEvent()];
    const response = await upload(events, ep.ctx);
    expect(response.status).toBe(200);
    expect(response.body.accepted).toBe(2);
    expect(response.body.quarantined).toHaveLength(1);
    expect(response.body.quarantined[0]).toMatchObject({ index: 1 });
    expect(response.body.quarantined[0]!.path).toMatch(/^\$\[1\]\.input\.blob(\.next)+$/);
    const [kept] = await database.db.select().from(decisionQuarantine).where(eq(decisionQuarantine.enforcementPointId, ep.id));
    expect(JSON.parse(kept!.raw)).toEqual(events[1]);
  });

  it("accepts a maximal chunk OPA can send: 64 KiB compressed, inflating past the native item and size limits", async () => {
    expect(OPA_CHUNK_LIMITS.maxInflatedBytes).toBeGreaterThanOrEqual(OPA_CHUNK_LIMITS.maxWireBytes * GZIP_MAX_RATIO);
    expect(OPA_CHUNK_LIMITS.maxItems * 69).toBeGreaterThanOrEqual(OPA_CHUNK_LIMITS.maxInflatedBytes);
    const ep = await newEp();
    const time = new Date().toISOString();
    const count = INGEST_LIMITS.maxItems + 500;
    const events = Array.from({ length: count }, (_, index) => ({ decision_id: `chunk-${String(index).padStart(6, "0")}`, timestamp: time, path: "a/allow", input: { user: "bulk-agent", action: "ping" }, result: true, labels: { id: "opa-1", version: "1.4.2" } }));
    const body = gzipSync(Buffer.from(JSON.stringify(events)), { level: 9 });
    expect(body.length).toBeLessThanOrEqual(OPA_CHUNK_LIMITS.maxWireBytes);
    const response = await handleOpaLogRequest(ingestRequest(body, { path: "/api/v1/opa/logs", encoding: "gzip" }), ep.ctx);
    expect(response.body).toMatchObject({ accepted: count, quarantined: [] });
    const stored = executedRows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from decisions where enforcement_point_id = ${ep.id}`));
    expect(stored[0]!.n).toBe(count);
  }, 120_000);

  it("keeps result, reason text, policy_ids, error, requested_by, req_id, labels, metrics, nd_builtin_cache presence and erased/masked", async () => {
    const ep = await newEp();
    const decided = opaEvent({
      result: { allow: false, reason: "invoice amount above the agent's limit", policy_ids: ["pol_invoice_limit", "pol_finance"] },
      nd_builtin_cache: { "http.send": { "[{...}]": { status: 200 } } },
      erased: ["/input/password"],
      masked: ["/input/ssn"],
      labels: { id: "opa-7", version: "1.4.2", region: "eu" },
    });
    const failed = opaEvent({ result: undefined, error: { code: "eval_conflict_error", message: "functions must not produce multiple outputs" } });
    const response = await upload([decided, failed], ep.ctx);
    expect(response.body).toMatchObject({ accepted: 2, quarantined: [] });
    const rows = await rowsOf([decided.decision_id, failed.decision_id]);
    const row = rows.get(decided.decision_id)!;
    expect(row.outcome).toBe("deny");
    expect(row.reasons).toEqual(["pol_invoice_limit", "pol_finance"]); // determining policies
    expect(row.context).toEqual({
      source_address: "10.42.7.2:40112",
      reason: ["invoice amount above the agent's limit"],
      opa: { path: "agents/authz/allow", req_id: 7, labels: { id: "opa-7", version: "1.4.2", region: "eu" }, requested_by: "10.42.7.2:40112", metrics: decided.metrics, nd_builtin_cache: true, error: null, erased: ["/input/password"], masked: ["/input/ssn"] },
    });
    expect((row.request as { context: { opa_result: unknown } }).context.opa_result).toEqual(decided.result);
    const error = rows.get(failed.decision_id)!;
    expect(error.outcome).toBe("error");
    expect(error.context).toMatchObject({ opa: { error: { code: "eval_conflict_error", message: "functions must not produce multiple outputs" }, nd_builtin_cache: false } });
  });

  it("keeps microsecond precision of OPA and native timestamps, and reads an old-style top-level revision", async () => {
    const ep = await newEp();
    const base = new Date(Date.now() - 60_000).toISOString().slice(0, 19);
    const withBundles = opaEvent({ timestamp: `${base}.381902118Z` });
    const oldStyle = opaEvent({ timestamp: `${base}.000001999+00:00`, bundles: undefined, revision: "legacy-rev-3" });
    expect((await upload([withBundles, oldStyle], ep.ctx)).body).toMatchObject({ accepted: 2 });
    const native = sampleDecision({ time: `${base}.123456789Z` });
    expect((await handleIngestRequest(ingestRequest(JSON.stringify([native])), ep.ctx)).body).toMatchObject({ accepted: 1 });
    const micro = async (id: string) =>
      executedRows<{ t: string }>(await database.db.execute(sql`select to_char(time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as t from decisions where decision_id = ${id}`))[0]!.t;
    expect(await micro(withBundles.decision_id)).toBe(`${base}.381902`);
    expect(await micro(oldStyle.decision_id)).toBe(`${base}.000001`);
    expect(await micro(native.id as string)).toBe(`${base}.123456`);
    const rows = await rowsOf([withBundles.decision_id, oldStyle.decision_id]);
    expect(rows.get(withBundles.decision_id)!.policyRevision).toBe("rev-77");
    expect(rows.get(oldStyle.decision_id)!.policyRevision).toBe("legacy-rev-3");
  });

  it("quarantines an OPA event as received, with the JSON path of OPA's own field", async () => {
    const ep = await newEp();
    const events = [opaEvent(), opaEvent(), opaEvent(), opaEvent({ timestamp: "yesterday-ish" }), opaEvent({ decision_id: 12 }), opaEvent({ input: { subject: "ok", action: "bad\u0000name" } })];
    const response = await upload(events, ep.ctx);
    expect(response.status).toBe(200);
    expect(response.body.accepted).toBe(3);
    expect(response.body.quarantined.map((item) => item.path)).toEqual(["$[3].timestamp", "$[4].decision_id", "$[5].input"]);
    const rows = await database.db.select().from(decisionQuarantine).where(eq(decisionQuarantine.enforcementPointId, ep.id));
    const byIndex = new Map(rows.map((row) => [row.batchIndex, row]));
    for (const index of [3, 4, 5]) expect(JSON.parse(byIndex.get(index)!.raw)).toEqual(JSON.parse(JSON.stringify(events[index])));
    // The raw text is OPA's event (timestamp, decision_id, input…), not a translated decision.
    expect(byIndex.get(3)!.raw).toContain('"timestamp":"yesterday-ish"');
    expect(byIndex.get(3)!.raw).not.toContain('"outcome"');
  });

  it("keeps a bounded copy (first 64 KiB, inflated) of a request refused whole, with the reason", async () => {
    const ep = await newEp();
    const single = { ...opaEvent(), padding: "p".repeat(100 * 1024) };
    const text = JSON.stringify(single);
    await expect(handleOpaLogRequest(ingestRequest(text, { gzip: true, path: "/api/v1/opa/logs" }), ep.ctx)).rejects.toBeInstanceOf(StewardError);
    const rows = await database.db.select().from(decisionQuarantine).where(and(eq(decisionQuarantine.enforcementPointId, ep.id), eq(decisionQuarantine.reason, "rejected")));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.path).toBe("$");
    expect(rows[0]!.message).toMatch(/Request refused whole: 422: Send a JSON array/);
    expect(rows[0]!.raw).toBe(text.slice(0, 64 * 1024));
    // Native ingest too: wrong JSON is kept as sent (bounded), so nobody has to reproduce it.
    await expect(handleIngestRequest(ingestRequest('{"decisions": [ {"id": "x", '), ep.ctx)).rejects.toBeInstanceOf(StewardError);
    const [broken] = await database.db.select().from(decisionQuarantine).where(and(eq(decisionQuarantine.enforcementPointId, ep.id), eq(decisionQuarantine.raw, '{"decisions": [ {"id": "x", ')));
    expect(broken).toMatchObject({ reason: "rejected", path: "$" });
    expect(broken!.message).toMatch(/^Request refused whole: 400: The body is not valid JSON/);
  });
});
