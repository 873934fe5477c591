import { z } from "zod";
import { getDb } from "@/db/client";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { formatIssuePath, StewardError } from "../errors";
import { approvalReference, checkApproval, accessRequestContext, NEXT_ACTION, requestableDenial } from "../approvals/pdp";
import { getConfig } from "../config";
import { newId } from "../ids";
import type { Executor } from "@/db/client";
import type { PolicyEngine } from "./engine";
import { getPublishedEngine } from "./published-engine";
import { recordPdpDecisions, type PdpEvaluation } from "./pdp-decisions";
import { AuthzenAction, AuthzenEntity, AuthzenRequest } from "./request-mapping";

/**
 * OpenID AuthZEN Authorization API 1.0: access evaluation, access evaluations, PDP metadata.
 * Responses carry only members the specification defines: `decision` and optional `context`.
 */
export { AuthzenRequest };

const EVALUATIONS_SEMANTICS = ["execute_all", "deny_on_first_deny", "permit_on_first_permit"] as const;

export const AuthzenEvaluationsRequest = z.object({
  subject: AuthzenEntity.optional(),
  action: AuthzenAction.optional(),
  resource: AuthzenEntity.optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  evaluations: z
    .array(
      z.object({
        subject: AuthzenEntity.optional(),
        action: AuthzenAction.optional(),
        resource: AuthzenEntity.optional(),
        context: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .max(1000, "At most 1000 evaluations per request")
    .optional(),
  options: z.object({ evaluations_semantic: z.enum(EVALUATIONS_SEMANTICS).optional() }).catchall(z.unknown()).optional(),
});

export const AuthzenDecisionResponse = z.object({
  decision: z.boolean(),
  context: z.record(z.string(), z.unknown()).optional(),
});
export const AuthzenEvaluationsResponse = z.object({ evaluations: z.array(AuthzenDecisionResponse) });

export type AuthzenDecision = z.infer<typeof AuthzenDecisionResponse>;

/** A malformed body is a 400 naming the member, as the specification's error table asks. */
function parseOrBadRequest<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = formatIssuePath(issue.path);
  throw new StewardError("bad_request", `${path}: ${issue.message}`, { path });
}

/**
 * One evaluation: the spec's answer, and the record of it as a decision. A deny whose determining
 * policies are all requestable (@approval) carries the Access Request and Approval Profile's
 * context.access_request with a signed binding token; a request presenting an approval at
 * context.approval is let through those policies only if the approval checks out (lib/approvals/pdp).
 */
async function decide(db: Executor, engine: PolicyEngine | null, request: AuthzenRequest, accessRequestEndpoint: string | null): Promise<{ answer: AuthzenDecision; record: PdpEvaluation }> {
  const at = new Date();
  const started = performance.now();
  if (!engine) {
    return {
      answer: { decision: false, context: { reason_admin: { en: "No policy version is published yet" } } },
      record: { request, decision: "deny", determiningPolicies: [], at, revision: null, latencyMs: performance.now() - started },
    };
  }
  const result = engine.evaluate(request, at);
  const context: Record<string, unknown> = { id: String(engine.revision), reason_admin: { en: result.determiningPolicies.length ? `Determined by ${result.determiningPolicies.join(", ")}` : "No policy permits this request" } };
  if (result.errors.length) context.error = { status: 500, message: result.errors.join("; ") };
  let decision = result.decision;
  let reasons = result.determiningPolicies;
  if (decision === "deny") {
    const denial = requestableDenial(engine, result, request, at);
    const reference = approvalReference(request.context);
    const check = reference ? await checkApproval(db, engine, request, at, denial, reference) : null;
    if (check?.ok) {
      decision = "allow";
      reasons = [...result.determiningPolicies.map((policy) => `${policy} (lifted by approval ${check.approval.id})`)];
      context.reason_admin = { en: `Approved: ${check.approval.id} lifted ${result.determiningPolicies.join(", ")}` };
      context.approval = check.approval;
    } else {
      if (check) {
        context.reason = check.reason;
        context.next_action = NEXT_ACTION[check.reason];
      }
      // A fresh requestable denial, unless the approval failed in a way re-requesting cannot fix.
      if (denial && (!check || NEXT_ACTION[check.reason] === "request")) {
        Object.assign(context, await accessRequestContext({ engine, input: request, at, denial, secret: getConfig().authSecret, endpoint: accessRequestEndpoint, evaluationId: newId("eval") }));
        if (check) context.reason = check.reason;
      }
    }
  }
  return {
    answer: { decision: decision === "allow", context },
    record: { request, decision, determiningPolicies: reasons, at, revision: engine.revision, latencyMs: performance.now() - started },
  };
}

/** Each answer is returned only after its decision record has committed. */
export async function evaluateAccess({ ctx, body, origin }: { ctx: Ctx; body: unknown; origin?: string }): Promise<AuthzenDecision> {
  requirePermission(ctx.actor, "policies.evaluate");
  const request = parseOrBadRequest(AuthzenRequest, body);
  const db = ctx.tx ?? (await getDb());
  const { answer, record } = await decide(db, await getPublishedEngine(db), request, origin ? accessRequestEndpointOf(origin) : null);
  await recordPdpDecisions(ctx, [record]);
  return answer;
}

export async function evaluateAccessBatch({ ctx, body, origin }: { ctx: Ctx; body: unknown; origin?: string }): Promise<z.infer<typeof AuthzenEvaluationsResponse> | AuthzenDecision> {
  requirePermission(ctx.actor, "policies.evaluate");
  const batch = parseOrBadRequest(AuthzenEvaluationsRequest, body);
  const db = ctx.tx ?? (await getDb());
  const engine = await getPublishedEngine(db);
  const endpoint = origin ? accessRequestEndpointOf(origin) : null;
  // Without an `evaluations` array the call behaves as a single access evaluation.
  if (!batch.evaluations?.length) {
    const { answer, record } = await decide(db, engine, parseOrBadRequest(AuthzenRequest, batch), endpoint);
    await recordPdpDecisions(ctx, [record]);
    return answer;
  }
  const items = batch.evaluations.map((item, index) => {
    const merged = {
      subject: item.subject ?? batch.subject,
      action: item.action ?? batch.action,
      resource: item.resource ?? batch.resource,
      context: item.context ?? batch.context,
    };
    const parsed = AuthzenRequest.safeParse(merged);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new StewardError("bad_request", `$.evaluations[${index}]${formatIssuePath(issue.path).slice(1)}: ${issue.message} (and no top-level default)`, { path: `$.evaluations[${index}]` });
    }
    return parsed.data;
  });
  const semantic = batch.options?.evaluations_semantic ?? "execute_all";
  const evaluations: AuthzenDecision[] = [];
  const records: PdpEvaluation[] = [];
  for (const item of items) {
    const { answer, record } = await decide(db, engine, item, endpoint);
    evaluations.push(answer);
    records.push(record);
    if (semantic === "deny_on_first_deny" && !answer.decision) break;
    if (semantic === "permit_on_first_permit" && answer.decision) break;
  }
  await recordPdpDecisions(ctx, records);
  return { evaluations };
}

const accessRequestEndpointOf = (origin: string) => `${origin.replace(/\/$/, "")}/access/v1/requests`;

/** PDP metadata for /.well-known/authzen-configuration; `baseUrl` is this PDP's identifier. */
export function authzenConfiguration(baseUrl: string) {
  const base = baseUrl.replace(/\/$/, "");
  return {
    policy_decision_point: base,
    access_evaluation_endpoint: `${base}/access/v1/evaluation`,
    access_evaluations_endpoint: `${base}/access/v1/evaluations`,
    access_request_endpoint: accessRequestEndpointOf(base),
    capabilities: ["urn:openid:authzen:capability:access-request"],
  };
}
