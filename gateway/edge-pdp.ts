import { z } from "zod";
import { approvalReference, requestableDenial } from "@/lib/approvals/requestable";
import { AuthzenAction, AuthzenEntity, AuthzenRequest } from "@/lib/policies/request-mapping";
import type { ApprovalDesk } from "./approvals";
import { newDecisionId } from "./decide";
import type { Metrics } from "./metrics";
import type { PolicySource } from "./policy-source";
import type { Spool } from "./spool";

const Evaluations = z.object({
  subject: AuthzenEntity.optional(),
  action: AuthzenAction.optional(),
  resource: AuthzenEntity.optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  evaluations: z.array(z.object({ subject: AuthzenEntity.optional(), action: AuthzenAction.optional(), resource: AuthzenEntity.optional(), context: z.record(z.string(), z.unknown()).optional() })).max(1000).optional(),
  options: z.object({ evaluations_semantic: z.enum(["execute_all", "deny_on_first_deny", "permit_on_first_permit"]).optional() }).catchall(z.unknown()).optional(),
});

export type PdpAnswer = { status: number; body: unknown };
type Decision = { decision: boolean; context?: Record<string, unknown> };

/**
 * The edge PDP: OpenID AuthZEN Authorization API 1.0 (access evaluation, evaluations, metadata)
 * answered from the gateway's local bundle, so API gateways and sidecars get decisions without a
 * round trip to the console. Every evaluation is recorded in the spool like a tool call. A stale
 * or missing bundle answers 503 (fail closed: the PEP must treat it as a deny).
 */
export class EdgePdp {
  constructor(
    private readonly policy: PolicySource,
    private readonly spool: Spool,
    private readonly metrics: Metrics,
    private readonly gatewayName: string,
    /** The console's access-request service (requestable denials, approvals); without it every deny is final. */
    private readonly approvals: ApprovalDesk | null = null,
  ) {}

  configuration(baseUrl: string) {
    const base = baseUrl.replace(/\/$/, "");
    const requests = this.approvals ? { access_request_endpoint: this.approvals.accessRequestEndpoint, capabilities: ["urn:openid:authzen:capability:access-request"] } : {};
    return { policy_decision_point: base, access_evaluation_endpoint: `${base}/access/v1/evaluation`, access_evaluations_endpoint: `${base}/access/v1/evaluations`, ...requests };
  }

  async evaluation(body: unknown): Promise<PdpAnswer> {
    const parsed = AuthzenRequest.safeParse(body);
    if (!parsed.success) return badRequest(parsed.error);
    const answered = await this.decideAll([parsed.data], "execute_all");
    return "status" in answered ? answered : { status: 200, body: answered[0] };
  }

  async evaluations(body: unknown): Promise<PdpAnswer> {
    const parsed = Evaluations.safeParse(body);
    if (!parsed.success) return badRequest(parsed.error);
    const batch = parsed.data;
    if (!batch.evaluations?.length) return this.evaluation(batch);
    const items: AuthzenRequest[] = [];
    for (const [index, item] of batch.evaluations.entries()) {
      const merged = AuthzenRequest.safeParse({ subject: item.subject ?? batch.subject, action: item.action ?? batch.action, resource: item.resource ?? batch.resource, context: item.context ?? batch.context });
      if (!merged.success) return { status: 400, body: { error: { code: "bad_request", message: `$.evaluations[${index}]: ${merged.error.issues[0]?.message ?? "invalid"} (and no top-level default)` } } };
      items.push(merged.data);
    }
    const answered = await this.decideAll(items, batch.options?.evaluations_semantic ?? "execute_all");
    return "status" in answered ? answered : { status: 200, body: { evaluations: answered } };
  }

  /**
   * The console's answer for a requestable deny or an approval (gateway/approvals.ts): its
   * functional context (access_request with the console-signed binding token, approval, reason,
   * next_action) is passed on as the console's PDP would answer. Unreachable → the deny stands.
   */
  private async consultConsole(request: AuthzenRequest): Promise<{ allow: boolean; reasons: string[] | null; context: Record<string, unknown> }> {
    try {
      const answer = await this.approvals!.consult(request);
      const { determining_policies: reasons, policy_revision: _revision, id: _id, reason_admin: _reason, ...functional } = answer.context;
      return { allow: answer.decision, reasons: Array.isArray(reasons) ? (reasons as string[]) : null, context: functional };
    } catch (error) {
      return { allow: false, reasons: null, context: { reason: "approval_unverifiable", next_action: "none", error: { status: 503, message: `The access request service is unavailable: ${(error as Error).message}` } } };
    }
  }

  private async decideAll(items: AuthzenRequest[], semantic: "execute_all" | "deny_on_first_deny" | "permit_on_first_permit"): Promise<Decision[] | PdpAnswer> {
    const state = this.policy.current();
    if (!state.ok) return { status: 503, body: { error: { code: "unavailable", message: state.reason } } };
    const answers: Decision[] = [];
    const records: Promise<string>[] = [];
    for (const request of items) {
      const at = new Date();
      const started = performance.now();
      let result;
      try {
        result = state.engine.evaluate(request, at);
      } catch (error) {
        result = { decision: "deny" as const, determiningPolicies: [], erroringPolicies: [], errors: [(error as Error).message] };
      }
      let allow = result.decision === "allow" && !result.errors.length;
      let reasons = result.determiningPolicies;
      const id = newDecisionId();
      const context: Record<string, unknown> = { id, reason_admin: { en: result.determiningPolicies.length ? `Determined by ${result.determiningPolicies.join(", ")}` : "No policy permits this request" }, ...(result.errors.length ? { error: { status: 500, message: result.errors.join("; ") } } : {}) };
      // A requestable deny, or one presenting an approval: the console signs the binding and checks approvals.
      if (!allow && !result.errors.length && this.approvals && (approvalReference(request.context) || requestableDenial(state.engine, result, request, at))) {
        const consulted = await this.consultConsole(request);
        allow = consulted.allow;
        if (consulted.reasons) reasons = consulted.reasons;
        Object.assign(context, consulted.context);
      }
      const latencyMs = performance.now() - started;
      this.metrics.decisionSeconds.observe(latencyMs / 1000);
      this.metrics.decisions.inc({ outcome: allow ? "allow" : "deny", source: "pdp" });
      answers.push({ decision: allow, context });
      records.push(
        this.spool.append({
          id,
          time: at.toISOString(),
          agent: { id: request.subject.id },
          action: { name: request.action.name, kind: "authzen" },
          resource: { type: request.resource.type, id: request.resource.id },
          outcome: allow ? "allow" : "deny",
          reasons,
          policy_revision: state.revision,
          request,
          latency_ms: latencyMs,
          context: { gateway: this.gatewayName, source: "edge-pdp", ...accessRequestRecord(context) },
        }),
      );
      if (semantic === "deny_on_first_deny" && !allow) break;
      if (semantic === "permit_on_first_permit" && allow) break;
    }
    // Answer only once every decision is recorded; a spool that refuses (fail-closed) turns the answer into 503.
    if ((await Promise.all(records)).includes("refused")) return { status: 503, body: { error: { code: "unavailable", message: "The decision spool is full" } } };
    return answers;
  }
}

/** What the decision record keeps of the approval machinery: the approval that let it through, or that one was offered. */
function accessRequestRecord(context: Record<string, unknown>): Record<string, unknown> {
  const approval = context.approval as { id?: string } | undefined;
  if (approval?.id) return { access_request: { status: "approved", approval_id: approval.id } };
  if (context.access_request) return { access_request: { status: "offered", ...(typeof context.reason === "string" ? { reason: context.reason } : {}) } };
  return {};
}

function badRequest(error: z.ZodError): PdpAnswer {
  const issue = error.issues[0];
  const path = issue ? `$${issue.path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("")}` : "$";
  return { status: 400, body: { error: { code: "bad_request", message: `${path}: ${issue?.message ?? "invalid"}`, path } } };
}
