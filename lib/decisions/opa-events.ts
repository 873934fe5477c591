import type { OpaMapping } from "../enforcement-points/schemas";
import type { RawItem } from "./read-ingest-body";

/**
 * OPA's decision_logs plugin uploads gzip JSON arrays of events (decision_id, timestamp, path,
 * input, result, bundles, labels, trace_id, span_id, requested_by, metrics, erased, masked, …).
 * This maps one event onto a native decision using the EP's mapping; with none, it recognises a
 * boolean result, an {allow} object and Envoy ext_authz input. Unknown fields are ignored.
 */
type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === "string" && value ? value : typeof value === "number" ? String(value) : undefined);

function at(source: Json, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (isObject(value) ? value[key] : undefined), source);
}

function toOutcome(value: unknown): string | undefined {
  if (typeof value === "boolean") return value ? "allow" : "deny";
  if (typeof value === "string" && ["allow", "deny", "approval_required", "error"].includes(value)) return value;
  return undefined;
}

function detectOutcome(result: unknown, preset: OpaMapping["preset"]): string | undefined {
  if (preset === "boolean" || (preset === "auto" && typeof result === "boolean")) return toOutcome(result);
  if (!isObject(result)) return undefined;
  if (preset === "allow_object") return toOutcome(result.allow);
  if (preset === "envoy") return toOutcome(result.allowed ?? result.allow);
  return toOutcome(result.allow) ?? toOutcome(result.allowed) ?? toOutcome(result.decision) ?? toOutcome(result.outcome);
}

function envoyRequest(input: Json) {
  const http = at(input, "attributes.request.http");
  if (!isObject(http)) return undefined;
  const principal = str(at(input, "attributes.source.principal"));
  return { principal, method: str(http.method) ?? "GET", path: str(http.path) ?? "/", host: str(http.host) };
}

export function opaEventToDecision(event: unknown, mapping: OpaMapping): RawItem {
  if (!isObject(event)) return { raw: JSON.stringify(event) ?? "null", parseError: "An OPA decision event must be an object" };
  const input = isObject(event.input) ? event.input : {};
  const source: Json = { input: event.input, result: event.result };
  const envoy = mapping.preset === "envoy" || mapping.preset === "auto" ? envoyRequest(input) : undefined;
  const subject = isObject(input.subject) ? input.subject : isObject(input.agent) ? input.agent : {};
  const action = isObject(input.action) ? input.action : {};
  const resource = isObject(input.resource) ? input.resource : {};

  const agentId =
    (mapping.agent ? str(at(source, mapping.agent)) : undefined) ?? envoy?.principal ?? str(subject.id) ?? str(input.agent) ?? str(input.user) ?? str(input.principal) ?? str(event.requested_by);
  const actionName = (mapping.action ? str(at(source, mapping.action)) : undefined) ?? (envoy ? `${envoy.method} ${envoy.path}` : undefined) ?? str(action.name) ?? str(input.action) ?? str(input.tool) ?? str(input.method) ?? str(event.path);
  const resourceType = (mapping.resourceType ? str(at(source, mapping.resourceType)) : undefined) ?? (envoy ? "http" : undefined) ?? str(resource.type) ?? "opa_query";
  const resourceId = (mapping.resourceId ? str(at(source, mapping.resourceId)) : undefined) ?? envoy?.path ?? str(resource.id) ?? str(input.resource) ?? str(event.path) ?? "";
  const outcome = (mapping.outcome ? toOutcome(at(source, mapping.outcome)) : undefined) ?? detectOutcome(event.result, mapping.preset) ?? (event.error ? "error" : undefined);

  const problems = [!agentId && "no agent (set the mapping's agent path)", !actionName && "no action", !outcome && "no verdict in result (set the mapping's outcome path)"].filter(Boolean);
  if (problems.length) return { raw: JSON.stringify(event), parseError: `OPA event ${str(event.decision_id) ?? "(no decision_id)"}: ${problems.join(", ")}` };

  const bundles = isObject(event.bundles) ? Object.values(event.bundles) : [];
  const revision = bundles.map((bundle) => (isObject(bundle) ? str(bundle.revision) : undefined)).find(Boolean);
  const metrics = isObject(event.metrics) ? event.metrics : {};
  const latencyNs = Number(metrics.timer_server_handler_ns ?? metrics.timer_rego_query_eval_ns);
  const result = event.result;
  const reasons = isObject(result) && Array.isArray(result.reasons) ? result.reasons.filter((reason): reason is string => typeof reason === "string") : str(event.path) ? [str(event.path)!] : [];
  const spiffe = agentId!.startsWith("spiffe://") ? agentId : undefined;

  return {
    value: {
      id: event.decision_id,
      time: event.timestamp,
      agent: { id: agentId, ...(spiffe ? { spiffe_id: spiffe } : {}), ...(str(subject.name) ? { name: str(subject.name) } : {}) },
      action: { name: actionName, kind: envoy ? "http" : "opa" },
      resource: { type: resourceType, id: resourceId },
      ...(envoy?.host ? { destination: envoy.host } : {}),
      outcome,
      reasons: reasons.slice(0, 100),
      ...(revision ? { policy_revision: revision } : {}),
      ...(str(event.trace_id) ? { trace_id: str(event.trace_id) } : {}),
      ...(str(event.span_id) ? { span_id: str(event.span_id) } : {}),
      ...(Number.isFinite(latencyNs) ? { latency_ms: latencyNs / 1e6 } : {}),
      request: { subject: { id: agentId }, action: { name: actionName }, resource: { type: resourceType, id: resourceId }, context: { opa_input: event.input ?? null } },
      context: { opa: { path: event.path ?? null, labels: event.labels ?? null, requested_by: event.requested_by ?? null, erased: event.erased ?? null, masked: event.masked ?? null } },
    },
  };
}
