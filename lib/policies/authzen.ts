import { z } from "zod";
import { getDb } from "@/db/client";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { formatIssuePath, StewardError } from "../errors";
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

/** One evaluation: the spec's answer, and the record of it as a decision. */
function decide(engine: PolicyEngine | null, request: AuthzenRequest): { answer: AuthzenDecision; record: PdpEvaluation } {
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
  return {
    answer: { decision: result.decision === "allow", context },
    record: { request, decision: result.decision, determiningPolicies: result.determiningPolicies, at, revision: engine.revision, latencyMs: performance.now() - started },
  };
}

/** Each answer is returned only after its decision record has committed. */
export async function evaluateAccess({ ctx, body }: { ctx: Ctx; body: unknown }): Promise<AuthzenDecision> {
  requirePermission(ctx.actor, "policies.evaluate");
  const request = parseOrBadRequest(AuthzenRequest, body);
  const { answer, record } = decide(await getPublishedEngine(ctx.tx ?? (await getDb())), request);
  await recordPdpDecisions(ctx, [record]);
  return answer;
}

export async function evaluateAccessBatch({ ctx, body }: { ctx: Ctx; body: unknown }): Promise<z.infer<typeof AuthzenEvaluationsResponse> | AuthzenDecision> {
  requirePermission(ctx.actor, "policies.evaluate");
  const batch = parseOrBadRequest(AuthzenEvaluationsRequest, body);
  const engine = await getPublishedEngine(ctx.tx ?? (await getDb()));
  // Without an `evaluations` array the call behaves as a single access evaluation.
  if (!batch.evaluations?.length) {
    const { answer, record } = decide(engine, parseOrBadRequest(AuthzenRequest, batch));
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
    const { answer, record } = decide(engine, item);
    evaluations.push(answer);
    records.push(record);
    if (semantic === "deny_on_first_deny" && !answer.decision) break;
    if (semantic === "permit_on_first_permit" && answer.decision) break;
  }
  await recordPdpDecisions(ctx, records);
  return { evaluations };
}

/** PDP metadata for /.well-known/authzen-configuration; `baseUrl` is this PDP's identifier. */
export function authzenConfiguration(baseUrl: string) {
  const base = baseUrl.replace(/\/$/, "");
  return {
    policy_decision_point: base,
    access_evaluation_endpoint: `${base}/access/v1/evaluation`,
    access_evaluations_endpoint: `${base}/access/v1/evaluations`,
  };
}
