import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { gzipSync } from "node:zlib";
import { eq, inArray, sql } from "drizzle-orm";
import { ROOT_CONTEXT, trace, TraceFlags } from "@opentelemetry/api";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPLogExporter as ProtoExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPLogExporter as JsonExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { ProtobufLogsSerializer, JsonLogsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { suiteDatabase } from "@/testing/database";
import { executedRows } from "@/db/rows";
import { decisionQuarantine, decisions, enforcementPoints } from "@/db/schema";
import { authenticateEnforcementPointToken } from "../enforcement-points/authenticate-enforcement-point-token";
import { requirePermission } from "../auth/require-permission";
import { StewardError } from "../errors";
import { handleOtlpLogsRequest, otlpResponseBody } from "./ingest-otlp-logs";
import { otlpFailure } from "./otlp-http";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { updateOpaMapping } from "../enforcement-points/update-opa-mapping";
import { newId } from "../ids";
import { userContext } from "@/testing/context";

/**
 * Steward's OTLP route behind a real HTTP listener (this branch's ports: 3600–3699), as an exporter
 * sees it: what app/api/v1/otlp/v1/logs/route.ts runs inside withApi — the bearer token checked by
 * the same EP-token authentication, the `decisions.ingest` permission, the handler, and the same
 * OTLP error rendering (withApi itself imports next-auth, which vitest cannot load).
 */
async function otlpRoute(request: Request): Promise<Response> {
  const requestId = newId("req");
  try {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const actor = token ? await authenticateEnforcementPointToken(token) : null;
    requirePermission(actor, "decisions.ingest");
    const { format, result } = await handleOtlpLogsRequest(request, { actor, requestId, ip: null });
    const encoded = otlpResponseBody(format, result);
    return new Response(encoded.body as BodyInit, { status: 200, headers: { "content-type": encoded.contentType } });
  } catch (error) {
    if (error instanceof StewardError) return otlpFailure(request, error.status, error.message, requestId);
    throw error;
  }
}
const PORT = 3611;
const database = suiteDatabase();
let server: Server;
const endpoint = `http://127.0.0.1:${PORT}/api/v1/otlp/v1/logs`;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(key, value);
    const request = new Request(`http://127.0.0.1:${PORT}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
    const response = await otlpRoute(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(PORT, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

async function newEp(mapping?: Record<string, string>) {
  const admin = userContext("admin");
  const { enforcementPoint, token } = await registerEnforcementPoint({ ctx: admin, input: { name: `agw-${newId("x").slice(-8)}`, kind: "mcp-gateway" } });
  if (mapping) await updateOpaMapping({ ctx: admin, input: { id: enforcementPoint.id, mapping } });
  return { id: enforcementPoint.id, token };
}

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";

/**
 * Log records as agentgateway and an MCP server instrumented with the semantic conventions emit
 * them, made by the real OpenTelemetry SDK (LoggerProvider → in-memory), so each test can hand the
 * same records to a real exporter or to the official serializers.
 */
async function gatewayRecords(run: string): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ "service.name": "agentgateway", "service.version": "0.9.1", "deployment.environment.name": "prod" }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger("agentgateway", "0.9.1");
  const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
  const at = (offsetMs: number) => new Date(Date.now() - 60_000 + offsetMs);
  // 0: agentgateway allowed a tools/call (its own field names).
  logger.emit({
    timestamp: [Math.floor(at(0).getTime() / 1000), 381_902_118],
    severityNumber: SeverityNumber.INFO,
    severityText: "INFO",
    body: "request",
    context,
    attributes: { "src.addr": "10.42.0.1:1631", "http.method": "POST", "http.path": "/mcp", "http.status": 200, "mcp.method": "tools/call", "mcp.target": "github", "mcp.resource": "tool", "mcp.resource.name": `create_issue_${run}`, "jwt.sub": `agent-${run}`, "mcp.session.id": "6499251e-4e2f", duration: "716ms" },
  });
  // 1: agentgateway denied one (403).
  logger.emit({ timestamp: at(1), body: "request", context, attributes: { "src.addr": "10.42.0.1:1632", "http.status": 403, "mcp.method": "tools/call", "mcp.target": "github", "mcp.resource": "tool", "mcp.resource.name": "delete_repo", "jwt.sub": `agent-${run}`, reason: "tool not allowed for this agent" } });
  // 2: an MCP server with the MCP/GenAI semantic conventions: the same agent as an object-free string.
  logger.emit({ timestamp: at(2), body: { event: "tool call" }, context, attributes: { "mcp.method.name": "tools/call", "gen_ai.tool.name": "crm.lookup", "gen_ai.operation.name": "execute_tool", "enduser.id": `agent-${run}`, "http.response.status_code": 200, "server.address": "crm.internal", "client.address": "10.9.8.7" } });
  // 3: not a decision (startup line): counted and skipped.
  logger.emit({ timestamp: at(3), body: "listener started on :3000", attributes: { "listener.port": 3000 } });
  // 4: a tool call naming no agent, only an address: quarantined, reported as rejected.
  logger.emit({ timestamp: at(4), body: "request", attributes: { "src.addr": "10.42.0.1:9999", "mcp.method": "tools/list", "http.status": 200 } });
  await provider.forceFlush();
  const records = memory.getFinishedLogRecords();
  await provider.shutdown();
  return records;
}

async function storedFor(epId: string) {
  const rows = await database.db.select().from(decisions).where(eq(decisions.enforcementPointId, epId));
  const micro = executedRows<{ decision_id: string; t: string }>(await database.db.execute(sql`select decision_id, to_char(time at time zone 'UTC', 'US') as t from decisions where enforcement_point_id = ${epId}`));
  return { rows, micro: new Map(micro.map((row) => [row.decision_id, row.t])) };
}

async function assertStored(epId: string, run: string) {
  const { rows, micro } = await storedFor(epId);
  expect(rows).toHaveLength(3);
  const allowed = rows.find((row) => row.actionName === `create_issue_${run}`)!;
  expect(allowed).toMatchObject({
    agentRef: `agent-${run}`,
    actionKind: "mcp.tools/call",
    resourceType: "tool",
    resourceId: `create_issue_${run}`,
    destination: "github",
    outcome: "allow",
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    latencyMs: 716,
  });
  expect(micro.get(allowed.decisionId)).toBe("381902");
  expect(allowed.context).toMatchObject({ source_address: "10.42.0.1:1631", mcp_session_id: "6499251e-4e2f", resource: { "service.name": "agentgateway", "deployment.environment.name": "prod" }, otlp: { scope: "agentgateway", severity: "INFO" } });
  const denied = rows.find((row) => row.actionName === "delete_repo")!;
  expect(denied).toMatchObject({ outcome: "deny", agentId: allowed.agentId });
  expect(denied.context).toMatchObject({ reason: ["tool not allowed for this agent"], source_address: "10.42.0.1:1632" });
  const semconv = rows.find((row) => row.actionName === "crm.lookup")!;
  expect(semconv).toMatchObject({ agentId: allowed.agentId, resourceType: "tool", resourceId: "crm.lookup", destination: "crm.internal", outcome: "allow" });
  expect(semconv.context).toMatchObject({ source_address: "10.9.8.7" });
  const [ep] = await database.db.select().from(enforcementPoints).where(eq(enforcementPoints.id, epId));
  expect(ep!.skippedRecords).toBe(1);
  const quarantined = await database.db.select().from(decisionQuarantine).where(eq(decisionQuarantine.enforcementPointId, epId));
  expect(quarantined).toHaveLength(1);
  expect(quarantined[0]!.path).toBe("$.resourceLogs[0].scopeLogs[0].logRecords[4].attributes");
  expect(quarantined[0]!.message).toMatch(/no agent identity/);
  expect(JSON.parse(quarantined[0]!.raw)).toMatchObject({ logRecord: { attributes: { "src.addr": "10.42.0.1:9999" } } });
}

const exportWith = (exporter: { export: (records: ReadableLogRecord[], done: (result: { code: number; error?: Error }) => void) => void }, records: ReadableLogRecord[]) =>
  new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(records, resolve));

describe("OTLP logs ingest with the real OpenTelemetry JS exporters", () => {
  it("stores agentgateway and semconv records sent by @opentelemetry/exporter-logs-otlp-proto (protobuf, gzip), field by field", async () => {
    const ep = await newEp();
    const run = newId("r").slice(-6);
    const exporter = new ProtoExporter({ url: endpoint, headers: { Authorization: `Bearer ${ep.token}` }, compression: "gzip" as never });
    const result = await exportWith(exporter, await gatewayRecords(run));
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await assertStored(ep.id, run);
    await exporter.shutdown();
  });

  it("stores the same from @opentelemetry/exporter-logs-otlp-http (OTLP/JSON), and an exporter's retry is stored once", async () => {
    const ep = await newEp();
    const run = newId("r").slice(-6);
    const records = await gatewayRecords(run);
    const exporter = new JsonExporter({ url: endpoint, headers: { Authorization: `Bearer ${ep.token}` } });
    expect((await exportWith(exporter, records)).code).toBe(ExportResultCode.SUCCESS);
    await assertStored(ep.id, run);
    expect((await exportWith(exporter, records)).code).toBe(ExportResultCode.SUCCESS);
    expect((await storedFor(ep.id)).rows).toHaveLength(3);
    await exporter.shutdown();
  });

  it("answers exactly as OTLP specifies: ExportLogsServiceResponse with partial_success in the request's encoding, google.rpc.Status on failure", async () => {
    const ep = await newEp();
    const records = await gatewayRecords(newId("r").slice(-6));
    const post = (body: Uint8Array | string, headers: Record<string, string>) => fetch(endpoint, { method: "POST", headers: { authorization: `Bearer ${ep.token}`, ...headers }, body: body as BodyInit });

    const proto = await post(gzipSync(ProtobufLogsSerializer.serializeRequest(records)!), { "content-type": "application/x-protobuf", "content-encoding": "gzip" });
    expect(proto.status).toBe(200);
    expect(proto.headers.get("content-type")).toBe("application/x-protobuf");
    const decoded = ProtobufLogsSerializer.deserializeResponse(new Uint8Array(await proto.arrayBuffer()));
    expect(Number(decoded.partialSuccess?.rejectedLogRecords)).toBe(1);
    expect(decoded.partialSuccess?.errorMessage).toMatch(/^1 log record quarantined; first: \$\.resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[4\]\.attributes: OTLP log record: no agent identity/);

    const json = await post(JsonLogsSerializer.serializeRequest(records)!, { "content-type": "application/json" });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ partialSuccess: { rejectedLogRecords: "1" } });

    // Everything a decision: no partial_success at all (OTLP: leave it unset on full success).
    const full = await post(ProtobufLogsSerializer.serializeRequest(records.slice(0, 3))!, { "content-type": "application/x-protobuf" });
    expect(new Uint8Array(await full.arrayBuffer()).length).toBe(0);
    const fullJson = await post(JsonLogsSerializer.serializeRequest(records.slice(0, 3))!, { "content-type": "application/json" });
    expect(await fullJson.json()).toEqual({});

    const unauthenticated = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer nope" }, body: "{}" });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ code: 16 });
    const garbage = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff]), { "content-type": "application/x-protobuf" });
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get("content-type")).toBe("application/x-protobuf");
    const media = await post("x", { "content-type": "text/plain" });
    expect(media.status).toBe(415);
  });

  it("follows the EP's mapping: the agent, action, resource and verdict attributes it names", async () => {
    const ep = await newEp({ otlpPreset: "semconv", otlpAgent: "resource.agent.id", otlpAction: "app.operation", otlpResourceType: "app.object.kind", otlpResourceId: "app.object.id", otlpOutcome: "app.verdict" });
    const memory = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ resource: resourceFromAttributes({ "agent.id": "mapped-agent" }), processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
    provider.getLogger("custom").emit({ timestamp: new Date(Date.now() - 1000), attributes: { "app.operation": "invoice.approve", "app.object.kind": "invoice", "app.object.id": "inv-9", "app.verdict": "approval_required", "jwt.sub": "not-this-one" } });
    await provider.forceFlush();
    const exporter = new ProtoExporter({ url: endpoint, headers: { Authorization: `Bearer ${ep.token}` } });
    expect((await exportWith(exporter, memory.getFinishedLogRecords())).code).toBe(ExportResultCode.SUCCESS);
    const [row] = (await storedFor(ep.id)).rows;
    expect(row).toMatchObject({ agentRef: "mapped-agent", actionName: "invoice.approve", resourceType: "invoice", resourceId: "inv-9", outcome: "approval_required" });
    await exporter.shutdown();
    await provider.shutdown();
    const ids = (await storedFor(ep.id)).rows.map((r) => r.decisionId);
    expect(await database.db.select().from(decisions).where(inArray(decisions.decisionId, ids))).toHaveLength(1);
  });
});
