import { z } from "zod";
import { getDb } from "@/db/client";
import { getEnforcementPointOrThrow } from "@/db/enforcement-points";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { formatIssuePath, StewardError } from "../errors";
import { accessRequestContext, approvalReference, checkApproval, NEXT_ACTION, requestableDenial } from "../approvals/pdp";
import { getConfig } from "../config";
import { newId } from "../ids";
import type { Executor } from "@/db/client";
import type { PolicyEngine } from "./engine";
import { getSettings } from "../settings/settings";
import { DEFAULT_SUBJECT_TYPES } from "./pdp-options";
import { answersWithContext, getPublishedEngine } from "./published-engine";
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
 * One evaluation: the spec's answer, and the record of it as a decision. The answer's reason
 * `context` (reason, revision, erroring policies) is sent only when the `authzenReasonContext`
 * setting is on: AuthZEN lets a PEP refuse an answer whose context it does not understand.
 * A deny whose determining policies are all requestable (@approval) always carries the Access
 * Request and Approval Profile's context.access_request with a signed binding token; a request
 * presenting an approval at context.approval is let through those policies only if the approval
 * checks out (lib/approvals/pdp.ts).
 */
async function decide(db: Executor, engine: PolicyEngine | null, request: AuthzenRequest, withContext: boolean, accessRequestEndpoint: string | null): Promise<{ answer: AuthzenDecision; record: PdpEvaluation }> {
  const at = new Date();
  const started = performance.now();
  if (!engine) {
    const reason = "No policy version is published yet";
    return {
      answer: { decision: false, ...(withContext ? { context: { reason_admin: { en: reason } } } : {}) },
      record: { request, decision: "deny", determiningPolicies: [], erroringPolicies: [], reason, subjectKind: DEFAULT_SUBJECT_TYPES[request.subject.type.toLowerCase()] === "Person" ? "person" : "agent", at, revision: null, latencyMs: performance.now() - started },
    };
  }
  const result = engine.evaluate(request, at);
  const context: Record<string, unknown> = { id: String(engine.revision), reason_admin: { en: result.reason } };
  if (result.erroringPolicies.length) context.erroring_policies = result.erroringPolicies;
  /** Members the PEP needs to act (the access request, the approval that lifted a deny): sent whatever the setting. */
  const functional: Record<string, unknown> = {};
  let decision = result.decision;
  let reasons = result.determiningPolicies;
  let reason = result.reason;
  if (decision === "deny") {
    const denial = requestableDenial(engine, result, request, at);
    const reference = approvalReference(request.context);
    const check = reference ? await checkApproval(db, engine, request, at, denial, reference) : null;
    if (check?.ok) {
      decision = "allow";
      reasons = result.determiningPolicies.map((policy) => `${policy} (lifted by approval ${check.approval.id})`);
      reason = `Approved: ${check.approval.id} lifted ${result.determiningPolicies.join(", ")}`;
      context.reason_admin = { en: reason };
      functional.approval = check.approval;
    } else {
      if (check) {
        functional.reason = check.reason;
        functional.next_action = NEXT_ACTION[check.reason];
      }
      // A fresh requestable denial, unless the approval failed in a way re-requesting cannot fix.
      if (denial && (!check || NEXT_ACTION[check.reason] === "request")) {
        Object.assign(functional, await accessRequestContext({ engine, input: request, at, denial, secret: getConfig().authSecret, endpoint: accessRequestEndpoint, evaluationId: newId("eval") }));
        if (check) functional.reason = check.reason;
      }
    }
  }
  const answerContext = withContext ? { ...context, ...functional } : functional;
  return {
    answer: { decision: decision === "allow", ...(Object.keys(answerContext).length ? { context: answerContext } : {}) },
    record: { request, decision, determiningPolicies: reasons, erroringPolicies: result.erroringPolicies, reason, subjectKind: engine.subjectKind(request.subject), at, revision: engine.revision, latencyMs: performance.now() - started },
  };
}

/** The engine and the answer-shaping setting, read together. */
async function pdpState(ctx: Ctx): Promise<{ db: Executor; engine: PolicyEngine | null; withContext: boolean }> {
  const db = ctx.tx ?? (await getDb());
  const engine = await getPublishedEngine(db);
  // Nothing published yet (rare): read the setting itself; otherwise it came with the engine.
  return { db, engine, withContext: engine ? answersWithContext(engine) : (await getSettings(db)).authzenReasonContext };
}

/** Each answer is returned only after its decision record has committed. */
export async function evaluateAccess({ ctx, body, origin }: { ctx: Ctx; body: unknown; origin?: string }): Promise<AuthzenDecision> {
  requirePermission(ctx.actor, "policies.evaluate");
  const request = parseOrBadRequest(AuthzenRequest, body);
  const { db, engine, withContext } = await pdpState(ctx);
  const { answer, record } = await decide(db, engine, request, withContext, origin ? accessRequestEndpointOf(origin) : null);
  await recordPdpDecisions(ctx, [record]);
  return answer;
}

/**
 * The console's PDP for an MCP gateway (enforcement points only: `gateway.sync`) about a request
 * its local bundle found requestable, or that presents an approval: the answer `evaluateAccess`
 * gives — a requestable denial carries `context.access_request` with a binding token the console
 * signs (its secret never leaves it), an approval at `context.approval` is checked against the
 * console's access requests (a one-use approval is consumed) — plus `context.determining_policies`
 * (an approved call's read `pol_… (lifted by approval apr_…)`). Nothing is recorded here: the
 * gateway records the call once, in its spool, with the answer it acted on.
 */
export async function evaluateForGateway({ ctx, body, origin }: { ctx: Ctx; body: unknown; origin: string }): Promise<AuthzenDecision> {
  requirePermission(ctx.actor, "gateway.sync");
  requirePermission(ctx.actor, "approvals.request");
  const request = parseOrBadRequest(AuthzenRequest, body);
  const { db, engine } = await pdpState(ctx);
  // Unrecorded answers only for a gateway, which records every call in its own spool.
  const kind = ctx.actor.type === "enforcement_point" ? (await getEnforcementPointOrThrow(db, ctx.actor.enforcementPointId).catch(() => null))?.kind : null;
  if (ctx.actor.type !== "system" && kind !== "mcp-gateway") {
    throw new StewardError("forbidden", "Only enforcement points of kind mcp-gateway use the gateway evaluation");
  }
  const { answer, record } = await decide(db, engine, request, true, accessRequestEndpointOf(origin));
  return { decision: answer.decision, context: { ...answer.context, determining_policies: record.determiningPolicies, policy_revision: record.revision } };
}

export async function evaluateAccessBatch({ ctx, body, origin }: { ctx: Ctx; body: unknown; origin?: string }): Promise<z.infer<typeof AuthzenEvaluationsResponse> | AuthzenDecision> {
  requirePermission(ctx.actor, "policies.evaluate");
  const batch = parseOrBadRequest(AuthzenEvaluationsRequest, body);
  const { db, engine, withContext } = await pdpState(ctx);
  const endpoint = origin ? accessRequestEndpointOf(origin) : null;
  // Without an `evaluations` array the call behaves as a single access evaluation.
  if (!batch.evaluations?.length) {
    const { answer, record } = await decide(db, engine, parseOrBadRequest(AuthzenRequest, batch), withContext, endpoint);
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
  for (const [index, item] of items.entries()) {
    let decided: Awaited<ReturnType<typeof decide>>;
    try {
      decided = await decide(db, engine, item, withContext, endpoint);
    } catch (error) {
      // A value that cannot be typed: the 400 names the item.
      if (error instanceof StewardError && error.path) throw new StewardError(error.code, `$.evaluations[${index}]${error.message.slice(1)}`, { path: `$.evaluations[${index}]${error.path.slice(1)}` });
      throw error;
    }
    const { answer, record } = decided;
    evaluations.push(answer);
    records.push(record);
    if (semantic === "deny_on_first_deny" && !answer.decision) break;
    if (semantic === "permit_on_first_permit" && answer.decision) break;
  }
  await recordPdpDecisions(ctx, records);
  return { evaluations };
}

/**
 * PDP metadata for /.well-known/authzen-configuration. The identifier is the console's public
 * origin — `AUTH_URL` when set (behind a proxy the request's own origin is the internal one) —
 * else the request's origin.
 */
export function authzenConfiguration(requestOrigin: string, publicUrl: string | undefined = process.env.AUTH_URL) {
  const base = publicOrigin(requestOrigin, publicUrl);
  return {
    policy_decision_point: base,
    access_evaluation_endpoint: `${base}/access/v1/evaluation`,
    access_evaluations_endpoint: `${base}/access/v1/evaluations`,
    access_request_endpoint: accessRequestEndpointOf(base),
    capabilities: ["urn:openid:authzen:capability:access-request"],
  };
}

const accessRequestEndpointOf = (origin: string) => `${origin.replace(/\/$/, "")}/access/v1/requests`;

/** `AUTH_URL`'s origin when it is a valid http(s) URL, else the request's origin. */
export function publicOrigin(requestOrigin: string, publicUrl: string | undefined): string {
  if (publicUrl) {
    try {
      const url = new URL(publicUrl);
      if (url.protocol === "https:" || url.protocol === "http:") return url.origin;
    } catch {
      // fall through to the request's origin
    }
  }
  return requestOrigin.replace(/\/$/, "");
}
