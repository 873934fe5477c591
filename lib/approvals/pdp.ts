import type { Executor } from "@/db/client";
import { consumeApproval, getAccessRequestByApprovalId } from "@/db/approvals";
import type { PolicyEngine } from "../policies/engine";
import type { AuthzenRequest } from "../policies/request-mapping";
import { bindingHash, relevantContext, signBindingToken } from "./binding";
import { DENIAL_WINDOW_SECONDS, evaluateWithout, type RequestableDenial } from "./requestable";

export { approvalReference, DENIAL_WINDOW_SECONDS, evaluateWithout, requestableDenial, type RequestableDenial } from "./requestable";

/**
 * The two seams between the PDP and approvals:
 *  - requestableDenial: a Cedar decision + the policies' annotations → is this deny requestable?
 *  - checkApproval: an approval presented at context.approval during re-evaluation → may the
 *    requestable forbids it was granted for be lifted for this exact request?
 * Everything else (the access-request workflow) lives behind the access request endpoint.
 */

/** The principal the PDP resolved the subject to, when it is an inventory agent. */
function resolvedAgentId(engine: PolicyEngine, input: AuthzenRequest, at: Date): string | null {
  const mapped = engine.map(input, at);
  if ("refused" in mapped) return null;
  const principal = mapped.request.principal;
  return principal.type.endsWith("Agent") ? principal.id : null;
}

/** The profile's `context.access_request` (plus evaluation_id and reason) for a requestable denial. */
export async function accessRequestContext(options: {
  engine: PolicyEngine;
  input: AuthzenRequest;
  at: Date;
  denial: RequestableDenial;
  secret: string;
  endpoint: string | null;
  evaluationId: string;
}): Promise<Record<string, unknown>> {
  const { engine, input, at, denial, secret, endpoint, evaluationId } = options;
  const context = relevantContext(input.context);
  const expiresAt = new Date(Math.floor(at.getTime() / 1000) * 1000 + DENIAL_WINDOW_SECONDS * 1000);
  const token = await signBindingToken(
    secret,
    {
      binding_hash: bindingHash(input, context),
      binding_context_members: Object.keys(context).sort(),
      denial_expires_at: expiresAt.toISOString(),
      evaluation_id: evaluationId,
      policies: denial.policies,
      approval: denial.requirement,
      policy_revision: engine.revision,
      agent_id: resolvedAgentId(engine, input, at),
    },
    expiresAt,
  );
  const who = denial.requirement.groups.map((group) => (group === "owner" ? "the agent's owner" : "a security engineer")).join(" and ");
  return {
    evaluation_id: evaluationId,
    evaluated_at: at.toISOString(),
    reason: "approval_required",
    access_request: {
      ...(endpoint ? { endpoint } : {}),
      template: denial.requirement.groups.join("+"),
      expires_at: expiresAt.toISOString(),
      binding_token: token,
      display: { title: "Approval required", description: `Policy ${denial.policies.join(", ")} lets ${who} approve this call.` },
    },
  };
}

export type ApprovalCheck =
  | { ok: true; approval: { id: string; approved_until: string }; accessRequestId: string }
  | { ok: false; reason: "approval_expired" | "out_of_scope" | "policy_denied" | "approval_unverifiable" };

/**
 * Re-evaluation: the approval must exist, be approved, unexpired, not yet used (one-use approvals),
 * bound to exactly this subject, action, resource and relevant context, granted for every policy
 * that denies now, and lifting those policies must allow. A one-use approval is consumed
 * atomically, so two concurrent re-evaluations cannot both pass on it.
 */
export async function checkApproval(db: Executor, engine: PolicyEngine, input: AuthzenRequest, at: Date, denial: RequestableDenial | null, reference: string): Promise<ApprovalCheck> {
  const row = await getAccessRequestByApprovalId(db, reference);
  if (!row) return { ok: false, reason: "approval_unverifiable" };
  if (row.status !== "approved" || !row.approvedUntil) return { ok: false, reason: "approval_unverifiable" };
  if (row.approvedUntil.getTime() <= at.getTime()) return { ok: false, reason: "approval_expired" };
  if (row.reuseSeconds === null && row.usedAt) return { ok: false, reason: "approval_expired" };
  if (bindingHash(input, relevantContext(input.context)) !== row.bindingHash) return { ok: false, reason: "out_of_scope" };
  if (!denial) return { ok: false, reason: "policy_denied" };
  if (!denial.policies.every((policy) => row.policies.includes(policy))) return { ok: false, reason: "out_of_scope" };
  const lifted = evaluateWithout(engine, input, at, row.policies);
  if (lifted.decision !== "allow" || lifted.errors.length) return { ok: false, reason: "policy_denied" };
  if (row.reuseSeconds === null && !(await consumeApproval(db, row.id, at))) return { ok: false, reason: "approval_expired" };
  return { ok: true, approval: { id: reference, approved_until: row.approvedUntil.toISOString() }, accessRequestId: row.id };
}

export const NEXT_ACTION: Record<Exclude<ApprovalCheck, { ok: true }>["reason"], "request" | "none"> = {
  approval_expired: "request",
  out_of_scope: "request",
  policy_denied: "none",
  approval_unverifiable: "none",
};
