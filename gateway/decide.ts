import { createHash, randomBytes } from "node:crypto";
import type { AuthzenRequest } from "@/lib/policies/request-mapping";
import { requestableDenial } from "@/lib/approvals/requestable";
import type { ApprovalDesk } from "./approvals";
import type { CallerIdentity } from "./identity";
import type { Metrics } from "./metrics";
import type { PolicySource } from "./policy-source";
import type { Spool } from "./spool";

/** JSON-RPC error codes of the AuthZEN MCP profile (COAZ-MCP §Error Handling). */
export const MCP_DENIED = -32001;
export const MCP_PDP_UNAVAILABLE = -32603;

export type DecisionOutcome = {
  outcome: "allow" | "deny" | "approval_required" | "unavailable";
  decisionId: string;
  /** User-facing reason. */
  message: string;
  reasons: string[];
  revision: string | null;
  resourceId: string;
  argumentsHash: string | null;
  accessRequest?: Record<string, unknown>;
};

/** What one MCP operation asks, before identity and policy. */
export type Operation = {
  /** MCP method: tools/call, resources/read, prompts/get, or tools/list (filtering, not recorded). */
  method: "tools/call" | "resources/read" | "prompts/get";
  upstream: { name: string; destination: string; dataSensitivity: string; environment: string };
  /** Tool name, resource URI or prompt name. */
  name: string;
  arguments?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  /** The gateway's span for this call (parseTraceparent), forwarded upstream and recorded. */
  trace?: Trace | null;
};

const RESOURCE_TYPE = { "tools/call": "tool", "resources/read": "resource", "prompts/get": "tool" } as const;

/**
 * The AuthZEN request for an MCP operation, as the AuthZEN MCP profile maps it: subject = the
 * calling agent (from its verified credential), action = the MCP method (→ Cedar `call_tool` /
 * `read`), resource = the tool, resource or prompt with its server and annotations; context =
 * arguments (also flattened as `arg_<name>` scalars for typed Cedar context), destination, the
 * task's purpose and scope, the delegation chain and the server's data sensitivity. Deterministic
 * in identity and operation (the same call twice maps to the same request), so the engine's memo
 * answers repeated calls.
 */
export function authzenRequestFor(identity: CallerIdentity, op: Operation): AuthzenRequest {
  const annotations = op.annotations ?? {};
  const flattened: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(op.arguments ?? {})) if (value === null || ["string", "number", "boolean"].includes(typeof value)) flattened[`arg_${key}`] = value;
  return {
    subject: { type: "agent", id: identity.agentId, properties: identity.clientId ? { client_id: identity.clientId } : {} },
    action: { name: op.method, properties: { kind: op.method === "resources/read" ? "read" : "call_tool" } },
    resource: {
      type: RESOURCE_TYPE[op.method],
      id: op.name,
      properties: {
        name: op.name,
        server: op.upstream.name,
        environment: op.upstream.environment,
        sensitivity: op.upstream.dataSensitivity,
        destructive: annotations.destructiveHint === true,
        external: annotations.openWorldHint === true,
        annotations,
      },
    },
    context: {
      ...flattened,
      arguments: op.arguments ?? {},
      destination: op.upstream.destination,
      external: annotations.openWorldHint === true,
      destructive: annotations.destructiveHint === true,
      data_sensitivity: op.upstream.dataSensitivity,
      task_purpose: identity.purpose ?? "",
      task_id: identity.taskId ?? "",
      scope: identity.scopes ?? [],
      delegation: identity.delegation,
      agent: identity.clientId ?? identity.agentId,
      // No `time` member: the decision's own time (the record's `time`, replay's clock) gives Cedar its
      // hour and weekday. A per-millisecond timestamp here made every request distinct, so the engine's
      // memo never answered even a repeated identical call.
    },
  };
}

/** Is the operation inside the task token's scope (tool name or Cedar action name)? A gateway key has no token scope. */
function inScope(identity: CallerIdentity, op: Operation): boolean {
  if (identity.scopes === null) return true;
  const action = op.method === "resources/read" ? "read" : "call_tool";
  return identity.scopes.includes(op.name) || identity.scopes.includes(action) || identity.scopes.includes(op.method);
}

export const newDecisionId = () => `gwd_${Date.now().toString(36)}${randomBytes(10).toString("hex")}`;

export class Decider {
  constructor(
    private readonly policy: PolicySource,
    private readonly spool: Spool,
    private readonly metrics: Metrics,
    private readonly gatewayName: string,
    /** Holds approval-required calls (gateway/approvals.ts); without it such a call is a plain deny. */
    private readonly approvals: ApprovalDesk | null = null,
  ) {}

  /** Decides without recording (tools/list filtering). */
  allows(identity: CallerIdentity, op: Operation): boolean {
    const state = this.policy.current();
    if (!state.ok || !inScope(identity, op)) return false;
    try {
      return state.engine.evaluate(authzenRequestFor(identity, op), new Date(), identity.delegation).decision === "allow";
    } catch {
      return false;
    }
  }

  /**
   * Decides one operation and records it in the spool before answering: the caller forwards the
   * call only on "allow". Fails closed: no bundle, a stale bundle, an evaluation error or a spool
   * that refuses the record all end in a refusal. `cancelled` (the MCP request's signal: the client
   * sent notifications/cancelled or went away) ends an approval hold at once.
   *
   * `beforeForward` runs for an allowed call before it is recorded — an upstream whose credential the
   * console releases per task gets it here — and a refusal it returns turns the allow into a deny with
   * that reason, recorded as such: no call is forwarded without its credential, and none is recorded
   * as allowed that was not made.
   */
  async decide(identity: CallerIdentity, op: Operation, cancelled?: AbortSignal, beforeForward?: () => Promise<{ reason: string; message: string } | null>): Promise<DecisionOutcome> {
    const at = new Date();
    const started = performance.now();
    const request = authzenRequestFor(identity, op);
    const argumentsHash = op.arguments ? createHash("sha256").update(JSON.stringify(op.arguments)).digest("hex") : null;
    const base = { decisionId: newDecisionId(), resourceId: op.name, argumentsHash };
    let decision: DecisionOutcome;
    const state = this.policy.current();
    if (!state.ok) decision = { ...base, outcome: "unavailable", message: `Authorization service unavailable: ${state.reason}`, reasons: [], revision: null };
    else if (!inScope(identity, op)) decision = { ...base, outcome: "deny", message: `"${op.name}" is outside the task token's scope`, reasons: ["steward:token-scope"], revision: state.revision };
    else {
      try {
        const result = state.engine.evaluate(request, at, identity.delegation);
        if (result.errors.length) decision = { ...base, outcome: "deny", message: "Denied: the policy could not be evaluated for this request", reasons: result.determiningPolicies, revision: state.revision };
        else if (result.decision === "allow") decision = { ...base, outcome: "allow", message: "Allowed", reasons: result.determiningPolicies, revision: state.revision };
        else if (requestableDenial(state.engine, result, request, at)) decision = { ...base, outcome: "approval_required", message: `Denied by policy ${result.determiningPolicies.join(", ")} unless a person approves this call`, reasons: result.determiningPolicies, revision: state.revision };
        else decision = { ...base, outcome: "deny", message: result.determiningPolicies.length ? `Denied by policy ${result.determiningPolicies.join(", ")}` : "Denied: no policy permits this call", reasons: result.determiningPolicies, revision: state.revision };
      } catch (error) {
        decision = { ...base, outcome: "deny", message: "Denied: the policy could not be evaluated for this request", reasons: [], revision: state.revision };
        void error;
      }
    }
    // The decision's own latency; a held call's wait for a person is not the policy's.
    const latencyMs = performance.now() - started;
    this.metrics.decisionSeconds.observe(latencyMs / 1000);
    if (decision.outcome === "approval_required") {
      decision = this.approvals
        ? await this.approvals.hold(request, decision, cancelled)
        : { ...decision, outcome: "deny", message: `Approval required: ${decision.message}; this gateway does not hold calls for approval`, accessRequest: { status: "not_available", tool: decision.resourceId, arguments_hash: decision.argumentsHash } };
    }
    if (decision.outcome === "allow" && beforeForward) {
      const refused = await beforeForward().catch((error: unknown) => ({ reason: "steward:credential-unavailable", message: `Denied: the upstream's credential could not be obtained (${(error as Error).message}); the call was not made` }));
      if (refused) decision = { ...decision, outcome: "deny", message: refused.message, reasons: [refused.reason] };
    }
    const recorded = await this.spool.append(this.record(identity, op, request, decision, at, latencyMs));
    if (recorded === "refused") decision = { ...decision, outcome: "unavailable", message: "Authorization service unavailable: the decision spool is full" };
    this.metrics.decisions.inc({ outcome: decision.outcome, source: "mcp" });
    return decision;
  }

  /**
   * Records the refusal of a JWT-SVID whose SPIFFE ID (of a trusted domain) no agent holds: a deny
   * of connecting to the MCP server, with the SPIFFE ID as the agent — the console adds it to the
   * inventory as discovered, with its finding. It got nothing: the request was answered 401.
   */
  async recordUnknownSpiffeId(spiffeId: string, upstream: { name: string; destination: string }, description: string): Promise<void> {
    const at = new Date();
    const request: AuthzenRequest = { subject: { type: "agent", id: spiffeId, properties: { spiffe_id: spiffeId } }, action: { name: "mcp.connect" }, resource: { type: "mcp_server", id: upstream.name }, context: {} };
    await this.spool.append({
      id: newDecisionId(),
      time: at.toISOString(),
      agent: { id: spiffeId, spiffe_id: spiffeId },
      action: { name: "mcp.connect", kind: "authentication" },
      resource: { type: "mcp_server", id: upstream.name },
      destination: upstream.destination,
      outcome: "deny",
      reasons: ["steward:unknown-spiffe-id"],
      request,
      latency_ms: 0,
      context: { gateway: this.gatewayName, message: description },
    });
    this.metrics.decisions.inc({ outcome: "deny", source: "mcp" });
  }

  /** The decision as POST /api/v1/decisions takes it (lib/decisions/schemas.ts DecisionInput). */
  private record(identity: CallerIdentity, op: Operation, request: AuthzenRequest, decision: DecisionOutcome, at: Date, latencyMs: number) {
    const trace = op.trace;
    return {
      id: decision.decisionId,
      time: at.toISOString(),
      agent: { id: identity.agentId, ...(identity.clientId ? { client_id: identity.clientId } : {}) },
      action: { name: op.name, kind: op.method },
      resource: { type: RESOURCE_TYPE[op.method], id: op.name, properties: { server: op.upstream.name } },
      destination: op.upstream.destination,
      outcome: decision.outcome === "unavailable" ? "error" : decision.outcome,
      reasons: decision.reasons,
      ...(decision.revision ? { policy_revision: decision.revision } : {}),
      ...(identity.taskId ? { task_id: identity.taskId } : {}),
      ...(trace ? { trace_id: trace.traceId, span_id: trace.spanId, ...(trace.parentSpanId ? { parent_span_id: trace.parentSpanId } : {}) } : {}),
      delegation: identity.delegation,
      request,
      latency_ms: latencyMs,
      context: { gateway: this.gatewayName, method: op.method, message: decision.message, ...(decision.accessRequest ? { access_request: decision.accessRequest } : {}), ...(identity.jti ? { token_id: identity.jti } : {}) },
    };
  }
}

/** W3C Trace Context: the gateway's own span is a child of the caller's (or starts a trace). */
export type Trace = { traceId: string; spanId: string; parentSpanId: string | null; header: string };

export function parseTraceparent(header: string | null | undefined): Trace {
  const match = header ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(header.trim()) : null;
  const traceId = match?.[1] ?? randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  return { traceId, spanId, parentSpanId: match?.[2] ?? null, header: `00-${traceId}-${spanId}-${match?.[3] ?? "01"}` };
}
