import { hash } from "node:crypto";
import type { OpaMapping } from "../enforcement-points/schemas";
import type { IngestItem } from "../decisions/ingest-item";
import { toOutcome } from "../decisions/opa-events";
import { isNetworkAddress, readPrincipal, spiffeOf } from "../decisions/principal";
import { findTooDeep, INGEST_LIMITS } from "../decisions/read-ingest-body";
import type { Attributes, LogRecord, ResourceLogs } from "./logs-data";

/**
 * One OTLP log record → one decision, or "skip" when the record does not describe an
 * authorization or tool call (startup lines, access logs of other routes): those are counted and
 * skipped, never quarantined.
 *
 * Attributes read (first present wins; the EP mapping's `otlp*` keys come first, a `resource.`
 * prefix reads a resource attribute):
 * - decision?: the mapped action, `mcp.method.name` / `mcp.method` (agentgateway), `gen_ai.tool.name`;
 * - agent: `jwt.sub` (agentgateway), `enduser.id`, `user.id`, `gen_ai.agent.id`, `source.principal`,
 *   `client.principal`, `spiffe.id`, `gen_ai.agent.name` — never an address (`src.addr`,
 *   `client.address`, `source.address`, `network.peer.address`), which is kept as context.source_address;
 * - action: `gen_ai.tool.name` / agentgateway's `mcp.resource.name` for tools/call, else the MCP method;
 * - resource: agentgateway's `mcp.resource` (type) and `mcp.resource.name`, semconv `mcp.resource.uri`;
 *   destination: `mcp.target`, `server.address`, `mcp.server.name`;
 * - verdict: `authz.decision` / `decision` / `outcome` (allow/deny/…, or a boolean), else the HTTP
 *   status (`http.response.status_code`, agentgateway `http.status`): 401/403 deny, 5xx error, else allow;
 *   `error.type` without a status is an error;
 * - reason: `authz.reason`, `reason`, `error.message` (human text, context.reason);
 * - session `mcp.session.id`, trace/span ids from the record, resource attributes as context.resource.
 */
type Preset = OpaMapping["otlpPreset"];

const ADDRESS_KEYS = ["src.addr", "client.address", "source.address", "network.peer.address"];
const AGENT_KEYS: Record<Preset, string[]> = {
  agentgateway: ["jwt.sub"],
  semconv: ["enduser.id", "user.id", "gen_ai.agent.id", "source.principal", "client.principal", "spiffe.id", "gen_ai.agent.name"],
  auto: ["jwt.sub", "enduser.id", "user.id", "gen_ai.agent.id", "source.principal", "client.principal", "spiffe.id", "gen_ai.agent.name"],
};

const text = (value: unknown): string | undefined => (typeof value === "string" && value ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : undefined);

function lookup(attributes: Attributes, resource: Attributes, key: string): unknown {
  if (!key) return undefined;
  if (key.startsWith("resource.") && !(key in attributes)) return resource[key.slice("resource.".length)];
  return attributes[key];
}

const attributePath = (key: string) => (key.startsWith("resource.") ? `.resource.attributes["${key.slice(9)}"]` : `.attributes["${key}"]`);

/** Nanoseconds since the epoch (decimal text) → RFC 3339 UTC with microseconds (string slicing: no BigInt per record). */
export function nanosToIso(nanos: string): string | undefined {
  if (!/^\d{7,20}$/.test(nanos) || /^0+$/.test(nanos)) return undefined;
  const millis = Number(nanos.slice(0, -6));
  if (!Number.isSafeInteger(millis)) return undefined;
  const iso = new Date(millis).toISOString();
  return `${iso.slice(0, -1)}${nanos.slice(-6, -3)}Z`;
}

function verdict(attributes: Attributes, resource: Attributes, mapping: OpaMapping): { outcome?: string; key: string } {
  if (mapping.otlpOutcome) {
    const value = lookup(attributes, resource, mapping.otlpOutcome);
    return { outcome: toOutcome(value) ?? statusOutcome(value), key: mapping.otlpOutcome };
  }
  for (const key of ["authz.decision", "decision", "outcome"]) {
    const outcome = toOutcome(attributes[key]);
    if (outcome) return { outcome, key };
  }
  for (const key of ["http.response.status_code", "http.status"]) {
    const outcome = statusOutcome(attributes[key]);
    if (outcome) return { outcome, key };
  }
  if (attributes["error.type"] !== undefined) return { outcome: "error", key: "error.type" };
  return { outcome: "allow", key: "" }; // a tool call logged with no failure went through
}

function statusOutcome(value: unknown): string | undefined {
  const status = Number(value);
  if (!Number.isInteger(status) || status < 100 || status > 599) return undefined;
  return status === 401 || status === 403 ? "deny" : status >= 500 ? "error" : "allow";
}

function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === "number" && value >= 0) return value;
  const match = typeof value === "string" ? /^(\d+(?:\.\d+)?)(ms|s|us|µs)$/.exec(value.trim()) : null;
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2] === "s" ? amount * 1000 : match[2] === "ms" ? amount : amount / 1000;
}

/** Maps one record; `base` is its JSON path in the request (`$.resourceLogs[0].scopeLogs[0].logRecords[3]`). */
export function logRecordToDecision(record: LogRecord, resourceLogs: ResourceLogs, scope: { name: string; version: string }, mapping: OpaMapping, base: string): IngestItem | "skip" {
  const attributes = record.attributes;
  const resource = resourceLogs.resource;
  const preset = mapping.otlpPreset;
  const method = text(attributes["mcp.method.name"]) ?? text(attributes["mcp.method"]);
  const tool = text(attributes["gen_ai.tool.name"]) ?? (method === "tools/call" ? text(attributes["mcp.resource.name"]) ?? text(attributes["mcp.tool.name"]) : undefined);
  const mappedAction = mapping.otlpAction ? text(lookup(attributes, resource, mapping.otlpAction)) : undefined;
  if (!mappedAction && !method && !tool) return "skip";

  // The record as received, only serialised when it is needed (quarantine, or an id digest).
  let rawText: string | undefined;
  const raw = () => (rawText ??= JSON.stringify({ resource: resourceLogs.resource, scope, logRecord: record }));
  const refuse = (path: string, message: string): IngestItem => ({ raw: raw(), path, parseError: `OTLP log record: ${message}` });
  const tooDeep = findTooDeep(attributes, INGEST_LIMITS.maxDepth - 2, `${base}.attributes`) ?? findTooDeep(record.body, INGEST_LIMITS.maxDepth - 2, `${base}.body`);
  if (tooDeep) return refuse(tooDeep, `nesting deeper than ${INGEST_LIMITS.maxDepth} levels`);

  const agentKeys = [...(mapping.otlpAgent ? [mapping.otlpAgent] : []), ...AGENT_KEYS[preset]];
  let agent: { ref: string; name?: string; key: string } | undefined;
  for (const key of agentKeys) {
    const principal = readPrincipal(lookup(attributes, resource, key));
    if (principal && !isNetworkAddress(principal.ref)) {
      agent = { ...principal, key };
      break;
    }
  }
  if (!agent) return refuse(`${base}.attributes`, "no agent identity (an address is never one; set the mapping's OTLP agent attribute, e.g. jwt.sub)");

  const action = mappedAction ?? tool ?? method!;
  const resourceType = (mapping.otlpResourceType ? text(lookup(attributes, resource, mapping.otlpResourceType)) : undefined) ?? text(attributes["mcp.resource"]) ?? (tool ? "tool" : method?.split("/")[0]) ?? "mcp";
  const resourceId = (mapping.otlpResourceId ? text(lookup(attributes, resource, mapping.otlpResourceId)) : undefined) ?? tool ?? text(attributes["mcp.resource.uri"]) ?? text(attributes["mcp.resource.name"]) ?? method ?? "";
  const { outcome, key: outcomeKey } = verdict(attributes, resource, mapping);
  if (!outcome) return refuse(`${base}${attributePath(outcomeKey)}`, "no verdict (set the mapping's OTLP outcome attribute)");
  const time = nanosToIso(record.timeUnixNano) ?? nanosToIso(record.observedTimeUnixNano);
  const destination = text(attributes["mcp.target"]) ?? text(attributes["server.address"]) ?? text(attributes["mcp.server.name"]);
  const sourceAddress = ADDRESS_KEYS.map((key) => text(attributes[key])).find(Boolean);
  const reason = text(attributes["authz.reason"]) ?? text(attributes.reason) ?? text(attributes["error.message"]);
  const session = text(attributes["mcp.session.id"]);
  const latency = parseDurationMs(attributes.duration ?? attributes["mcp.duration_ms"]);
  const spiffe = spiffeOf(agent.ref);
  // OTLP records carry no id: a digest of the record makes an exporter's retry a duplicate, not a second decision.
  const id = text(attributes["log.record.uid"]) ?? `otlp-${hash("sha256", raw(), "hex").slice(0, 40)}`;

  const agentValue: Record<string, unknown> = { id: agent.ref };
  if (spiffe) agentValue.spiffe_id = spiffe;
  if (agent.name) agentValue.name = agent.name;
  const value: Record<string, unknown> = {
    id,
    time: time ?? null,
    agent: agentValue,
    action: { name: action, kind: method ? `mcp.${method}` : "otlp" },
    resource: { type: resourceType, id: resourceId },
    outcome,
    reasons: [],
    request: { subject: { id: agent.ref }, action: { name: action }, resource: { type: resourceType, id: resourceId }, context: { attributes, body: record.body } },
  };
  if (destination) value.destination = destination;
  if (record.traceId && !/^0+$/.test(record.traceId)) value.trace_id = record.traceId;
  if (record.spanId && !/^0+$/.test(record.spanId)) value.span_id = record.spanId;
  if (latency !== undefined) value.latency_ms = latency;
  const context: Record<string, unknown> = {};
  if (sourceAddress) context.source_address = sourceAddress;
  if (reason) context.reason = [reason];
  if (session) context.mcp_session_id = session;
  context.resource = resource;
  context.otlp = { scope: scope.name || null, severity: record.severityText || null, event_name: record.eventName || null };
  value.context = context;

  return {
    value,
    origin: {
      raw,
      base,
      fields: { id: '.attributes["log.record.uid"]', time: ".timeUnixNano", agent: attributePath(agent.key), action: ".attributes", resource: ".attributes", destination: ".attributes", outcome: attributePath(outcomeKey), trace_id: ".traceId", span_id: ".spanId", latency_ms: '.attributes["duration"]', request: ".attributes", context: ".attributes" },
    },
  };
}
