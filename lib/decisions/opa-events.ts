import type { OpaMapping } from "../enforcement-points/schemas";
import type { IngestItem } from "./ingest-item";
import { isNetworkAddress, readPrincipal, spiffeOf, type Principal } from "./principal";
import { findTooDeep, INGEST_LIMITS } from "./read-ingest-body";

/**
 * One OPA decision-log event (OPA's `EventV1`, as the decision_logs plugin of OPA, opa-envoy and
 * Enterprise OPA uploads it) → one native decision, using the EP's mapping.
 *
 * Identity never comes from the network: `requested_by` (the address of whoever asked OPA) is kept
 * as `context.source_address`, never used as the agent. The agent is read, first match wins, from
 * 1. the mapping's agent path; 2. Envoy: `input.attributes.source.principal` (the mTLS peer's URI
 * SAN, e.g. a SPIFFE id), then the mapping's header, then the mapping's JWT claim of jwt_authn's
 * verified payload; 3. `input.subject`, `input.user`, `input.principal`, `input.agent` (each a string
 * or an object with id/sub/name); 4. a parsed bearer token the input carries (`input.token.sub`,
 * `input.token.payload.sub`, `input.jwt.sub`, `input.claims.sub`, Envoy jwt_authn's `sub`).
 * With none, the event is quarantined with "no agent identity" (fix it with the mapping).
 *
 * Kept: the result (in `request.context.opa_result`), `reason`/`reasons` (human text, as
 * `context.reason`), `policy_ids` (as the decision's reasons, i.e. determining policies), the
 * `error` object, `requested_by`, `req_id`, `labels`, `metrics`, whether `nd_builtin_cache` was
 * present, `erased`/`masked`, the bundle revision (or an old-style top-level `revision`).
 */
type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === "string" && value ? value : typeof value === "number" ? String(value) : undefined);

function at(source: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (isObject(value) ? value[key] : undefined), source);
}

/** A verdict as policies write it: a boolean, "true"/"false" (OPA's docs show a string result), or a native outcome. */
export function toOutcome(value: unknown): string | undefined {
  if (typeof value === "boolean") return value ? "allow" : "deny";
  if (value === "true" || value === "false") return value === "true" ? "allow" : "deny";
  if (typeof value === "string" && ["allow", "deny", "approval_required", "error"].includes(value)) return value;
  return undefined;
}

/**
 * The verdict in `result`, by preset. Envoy's OPA plugin accepts a boolean, `{allowed, headers,
 * body, http_status, …}` and (older policies) `{allow}`; auto accepts those and `{decision}`/`{outcome}`.
 */
function detectOutcome(result: unknown, preset: OpaMapping["preset"]): string | undefined {
  if (preset === "boolean" || typeof result === "boolean" || typeof result === "string") return preset === "allow_object" ? undefined : toOutcome(result);
  if (!isObject(result)) return undefined;
  if (preset === "allow_object") return toOutcome(result.allow);
  if (preset === "envoy") return toOutcome(result.allowed) ?? toOutcome(result.allow);
  return toOutcome(result.allow) ?? toOutcome(result.allowed) ?? toOutcome(result.decision) ?? toOutcome(result.outcome);
}

/** An HTTP path without its query and fragment: those may carry secrets and never name an action or resource. */
export const pathOnly = (path: string) => path.replace(/[?#].*$/s, "") || "/";

/** The first template (`/api/orders/{id}`) whose segments match the path, or the path itself. */
export function templatePath(path: string, templates: string[]): string {
  const segments = path.split("/");
  for (const template of templates) {
    const parts = template.split("/");
    if (parts.length === segments.length && parts.every((part, index) => (/^\{[^}]+\}$/.test(part) ? segments[index] !== "" : part === segments[index]))) return template;
  }
  return path;
}

export const templatesOf = (mapping: Pick<OpaMapping, "pathTemplates">) =>
  mapping.pathTemplates
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

type Found = { principal: Principal; field: string };

function firstPrincipal(candidates: [unknown, string][]): Found | undefined {
  for (const [value, field] of candidates) {
    const principal = readPrincipal(value);
    if (principal && !isNetworkAddress(principal.ref)) return { principal, field };
  }
  return undefined;
}

/** Objects under Envoy's jwt_authn filter metadata: each is one provider's verified JWT payload. */
function jwtPayloads(input: Json): Json[] {
  const filterMetadata = at(input, "attributes.metadataContext.filterMetadata") ?? at(input, "attributes.metadata_context.filter_metadata");
  const jwt = isObject(filterMetadata) ? filterMetadata["envoy.filters.http.jwt_authn"] : undefined;
  return isObject(jwt) ? Object.values(jwt).filter(isObject) : [];
}

const headerOf = (headers: unknown, name: string) => (isObject(headers) ? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1] : undefined);

function findAgent(event: Json, input: Json, mapping: OpaMapping, envoy: EnvoyRequest | undefined): Found | undefined {
  const source = { input: event.input, result: event.result };
  const token = isObject(input.token) ? input.token : {};
  const payloads = jwtPayloads(input);
  return firstPrincipal([
    ...(mapping.agent ? [[at(source, mapping.agent), `.${mapping.agent}`] as [unknown, string]] : []),
    ...(envoy
      ? ([
          [envoy.principal, ".input.attributes.source.principal"],
          ...(mapping.agentHeader ? [[headerOf(envoy.headers, mapping.agentHeader), `.input.attributes.request.http.headers["${mapping.agentHeader}"]`]] : []),
          ...(mapping.agentClaim ? payloads.map((payload) => [payload[mapping.agentClaim], ".input.attributes.metadataContext"]) : []),
        ] as [unknown, string][])
      : []),
    [input.subject, ".input.subject"],
    [input.user, ".input.user"],
    [input.principal, ".input.principal"],
    [input.agent, ".input.agent"],
    [token.sub, ".input.token.sub"],
    [at(token, "payload.sub"), ".input.token.payload.sub"],
    [at(input, "jwt.sub"), ".input.jwt.sub"],
    [at(input, "claims.sub"), ".input.claims.sub"],
    ...payloads.map((payload) => [payload.sub, ".input.attributes.metadataContext"] as [unknown, string]),
  ]);
}

type EnforcementRequest = { method: string; path: string; host?: string; principal?: string; headers: unknown };
type EnvoyRequest = EnforcementRequest;

function envoyRequest(input: Json): EnvoyRequest | undefined {
  const http = at(input, "attributes.request.http");
  if (!isObject(http)) return undefined;
  return { principal: str(at(input, "attributes.source.principal")), method: str(http.method) ?? "GET", path: pathOnly(str(http.path) ?? "/"), host: str(http.host), headers: http.headers };
}

const stringList = (value: unknown): string[] => (typeof value === "string" && value ? [value] : Array.isArray(value) ? value.filter((item): item is string => typeof item === "string" && item !== "") : []);

function refuse(event: unknown, path: string, message: string, decisionId: unknown): IngestItem {
  return { raw: JSON.stringify(event) ?? "null", path, parseError: `OPA event ${str(decisionId) ?? "(no decision_id)"}: ${message}` };
}

/** `index` is the event's position in the uploaded array: paths name OPA's fields there (`$[3].timestamp`). */
export function opaEventToDecision(event: unknown, mapping: OpaMapping, index: number): IngestItem {
  const base = `$[${index}]`;
  if (!isObject(event)) return refuse(event, base, "an OPA decision event must be an object", undefined);
  // A per-event limit quarantines this event only: OPA retries a whole chunk on any non-2xx.
  const tooDeep = findTooDeep(event, INGEST_LIMITS.maxDepth - 1, base);
  if (tooDeep) return refuse(event, tooDeep, `nesting deeper than ${INGEST_LIMITS.maxDepth} levels`, event.decision_id);

  const input = isObject(event.input) ? event.input : {};
  const result = event.result;
  const source = { input: event.input, result };
  const envoy = mapping.preset === "envoy" || mapping.preset === "auto" ? envoyRequest(input) : undefined;
  const action = isObject(input.action) ? input.action : {};
  const resource = isObject(input.resource) ? input.resource : {};
  const params = isObject(input.params) ? input.params : {};
  const mcpMethod = str(input.method) && Object.keys(params).length ? str(input.method) : undefined;
  const templates = templatesOf(mapping);

  const agent = findAgent(event, input, mapping, envoy);
  const mapped = (path: string) => (path ? str(at(source, path)) : undefined);
  const actionName =
    mapped(mapping.action) ??
    (envoy ? `${envoy.method} ${templatePath(envoy.path, templates)}` : undefined) ??
    str(action.name) ??
    str(input.action) ??
    (mcpMethod ? (mcpMethod === "tools/call" ? str(params.name) : undefined) ?? mcpMethod : undefined) ??
    str(input.tool) ??
    str(input.method) ??
    str(event.path);
  const resourceType = mapped(mapping.resourceType) ?? (envoy ? "http" : undefined) ?? str(resource.type) ?? (mcpMethod ? (mcpMethod === "tools/call" ? "tool" : mcpMethod.split("/")[0]) : undefined) ?? "opa_query";
  const resourceId = mapped(mapping.resourceId) ?? envoy?.path ?? str(resource.id) ?? str(input.resource) ?? (mcpMethod ? str(params.uri) ?? str(params.name) : undefined) ?? str(event.path) ?? "";
  const errorObject = isObject(event.error) ? event.error : undefined;
  const outcome = (mapping.outcome ? toOutcome(at(source, mapping.outcome)) : undefined) ?? detectOutcome(result, mapping.preset) ?? (errorObject || event.error ? "error" : undefined);

  if (!agent) return refuse(event, `${base}.input`, "no agent identity (requested_by is a network address, never an identity; set the mapping's agent path, header or claim)", event.decision_id);
  if (!actionName) return refuse(event, `${base}.input`, "no action (set the mapping's action path)", event.decision_id);
  if (!outcome) return refuse(event, `${base}.result`, "no verdict in result (set the mapping's outcome path)", event.decision_id);

  const bundles = isObject(event.bundles) ? Object.values(event.bundles) : [];
  const revision = bundles.map((bundle) => (isObject(bundle) ? str(bundle.revision) : undefined)).find(Boolean) ?? (bundles.length ? undefined : str(event.revision));
  const metrics = isObject(event.metrics) ? event.metrics : undefined;
  const latencyNs = Number(metrics?.timer_server_handler_ns ?? metrics?.timer_rego_query_eval_ns);
  const policyIds = isObject(result) ? stringList(result.policy_ids).slice(0, 100) : [];
  const reasonText = isObject(result) ? [...stringList(result.reason), ...stringList(result.reasons)] : [];
  const ref = agent.principal.ref;
  const spiffe = spiffeOf(ref);
  const requestedBy = str(event.requested_by);

  return {
    value: {
      id: event.decision_id,
      time: event.timestamp,
      agent: { id: ref, ...(spiffe ? { spiffe_id: spiffe } : {}), ...(agent.principal.name ? { name: agent.principal.name } : {}) },
      action: { name: actionName, kind: envoy ? "http" : mcpMethod ? `mcp.${mcpMethod}` : "opa" },
      resource: { type: resourceType, id: resourceId },
      ...(envoy?.host ? { destination: envoy.host } : {}),
      outcome,
      reasons: policyIds.length ? policyIds : str(event.path) ? [str(event.path)!] : [],
      ...(revision ? { policy_revision: revision } : {}),
      ...(str(event.trace_id) ? { trace_id: str(event.trace_id) } : {}),
      ...(str(event.span_id) ? { span_id: str(event.span_id) } : {}),
      ...(Number.isFinite(latencyNs) && latencyNs >= 0 ? { latency_ms: latencyNs / 1e6 } : {}),
      request: { subject: { id: ref }, action: { name: actionName }, resource: { type: resourceType, id: resourceId }, context: { opa_input: event.input ?? null, opa_result: result ?? null } },
      context: {
        ...(requestedBy ? { source_address: requestedBy } : {}),
        ...(reasonText.length ? { reason: reasonText.slice(0, 100) } : {}),
        opa: {
          path: event.path ?? null,
          req_id: event.req_id ?? null,
          labels: event.labels ?? null,
          requested_by: event.requested_by ?? null,
          metrics: metrics ?? null,
          nd_builtin_cache: event.nd_builtin_cache !== undefined && event.nd_builtin_cache !== null,
          error: event.error ?? null,
          erased: event.erased ?? null,
          masked: event.masked ?? null,
          ...(event.revision !== undefined ? { revision: event.revision } : {}),
        },
      },
    },
    origin: {
      raw: () => JSON.stringify(event),
      base,
      fields: {
        id: ".decision_id",
        time: ".timestamp",
        agent: agent.field,
        action: ".input",
        resource: ".input",
        destination: ".input.attributes.request.http.host",
        reasons: ".result",
        policy_revision: event.bundles ? ".bundles" : ".revision",
        trace_id: ".trace_id",
        span_id: ".span_id",
        latency_ms: ".metrics",
        request: ".input",
        context: "",
      },
    },
  };
}
