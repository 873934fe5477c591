import { z } from "zod";
import { getDb } from "@/db/client";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { formatIssuePath, StewardError } from "../errors";
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
 * One evaluation: the spec's answer, and the record of it as a decision. The answer's `context`
 * (reason, revision, erroring policies) is sent only when the `authzenReasonContext` setting is on:
 * AuthZEN lets a PEP refuse an answer whose context it does not understand.
 */
function decide(engine: PolicyEngine | null, request: AuthzenRequest, withContext: boolean): { answer: AuthzenDecision; record: PdpEvaluation } {
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
  return {
    answer: { decision: result.decision === "allow", ...(withContext ? { context } : {}) },
    record: { request, decision: result.decision, determiningPolicies: result.determiningPolicies, erroringPolicies: result.erroringPolicies, reason: result.reason, subjectKind: engine.subjectKind(request.subject), at, revision: engine.revision, latencyMs: performance.now() - started },
  };
}

/** The engine and the answer-shaping setting, read together. */
async function pdpState(ctx: Ctx): Promise<{ engine: PolicyEngine | null; withContext: boolean }> {
  const db = ctx.tx ?? (await getDb());
  const engine = await getPublishedEngine(db);
  // Nothing published yet (rare): read the setting itself; otherwise it came with the engine.
  return { engine, withContext: engine ? answersWithContext(engine) : (await getSettings(db)).authzenReasonContext };
}

/** Each answer is returned only after its decision record has committed. */
export async function evaluateAccess({ ctx, body }: { ctx: Ctx; body: unknown }): Promise<AuthzenDecision> {
  requirePermission(ctx.actor, "policies.evaluate");
  const request = parseOrBadRequest(AuthzenRequest, body);
  const { engine, withContext } = await pdpState(ctx);
  const { answer, record } = decide(engine, request, withContext);
  await recordPdpDecisions(ctx, [record]);
  return answer;
}

export async function evaluateAccessBatch({ ctx, body }: { ctx: Ctx; body: unknown }): Promise<z.infer<typeof AuthzenEvaluationsResponse> | AuthzenDecision> {
  requirePermission(ctx.actor, "policies.evaluate");
  const batch = parseOrBadRequest(AuthzenEvaluationsRequest, body);
  const { engine, withContext } = await pdpState(ctx);
  // Without an `evaluations` array the call behaves as a single access evaluation.
  if (!batch.evaluations?.length) {
    const { answer, record } = decide(engine, parseOrBadRequest(AuthzenRequest, batch), withContext);
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
    let decided: ReturnType<typeof decide>;
    try {
      decided = decide(engine, item, withContext);
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
  };
}

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
