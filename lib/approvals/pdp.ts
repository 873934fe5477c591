import { createHash } from "node:crypto";
import type { Executor } from "@/db/client";
import { consumeApproval, getAccessRequestByApprovalId } from "@/db/approvals";
import { PreparedPolicySet, type CedarDecision } from "../policies/cedar";
import type { PolicyEngine } from "../policies/engine";
import type { AuthzenRequest } from "../policies/request-mapping";
import { combineRequirements, requirementsOf, type ApprovalRequirement } from "./annotations";
import { bindingHash, relevantContext, signBindingToken } from "./binding";

/**
 * The two seams between the PDP and approvals:
 *  - requestableDenial: a Cedar decision + the policies' annotations → is this deny requestable?
 *  - checkApproval: an approval presented at context.approval during re-evaluation → may the
 *    requestable forbids it was granted for be lifted for this exact request?
 * Everything else (the access-request workflow) lives behind the access request endpoint.
 */

/** How long a requestable denial may be turned into an access request (context.access_request.expires_at). */
export const DENIAL_WINDOW_SECONDS = 600;

type EngineExtras = { requirements: Map<string, ApprovalRequirement>; lifted: Map<string, PreparedPolicySet>; memo: Map<string, CedarDecision> };
/** Lifted decisions remembered per engine, as PolicyEngine remembers its own (a replay asks once per recorded deny). */
const LIFTED_MEMO_ENTRIES = 50_000;
const extras = new WeakMap<PolicyEngine, EngineExtras>();

function extrasOf(engine: PolicyEngine): EngineExtras {
  let found = extras.get(engine);
  if (!found) {
    found = { requirements: requirementsOf(engine.content.policies), lifted: new Map(), memo: new Map() };
    extras.set(engine, found);
  }
  return found;
}

/**
 * The engine's decision with the given policies removed: what the answer would be once a person
 * lifts those requestable forbids. Each distinct set is prepared once per engine.
 */
export function evaluateWithout(engine: PolicyEngine, input: AuthzenRequest, at: Date, removed: string[]): CedarDecision {
  const { lifted, memo } = extrasOf(engine);
  const key = [...removed].sort().join("\u0000");
  // Pure in the request, the hour and weekday, and the lifted set (the engine's memo key, plus the set).
  const memoKey = `${at.getUTCHours()},${at.getUTCDay()}\u0001${key}\u0001${JSON.stringify(input)}`;
  const remembered = memo.get(memoKey);
  if (remembered) return remembered;
  let prepared = lifted.get(key);
  if (!prepared) {
    const keep = engine.content.policies.filter((policy) => !removed.includes(policy.id));
    const slot = `set_${engine.contentHash}_lift_${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
    prepared = new PreparedPolicySet(slot, Object.fromEntries(keep.map((policy) => [policy.id, policy.source])), engine.content.schemaText);
    lifted.set(key, prepared);
  }
  const mapped = engine.map(input, at);
  // A request the PDP refuses (unknown type or action) stays refused: approval cannot lift that.
  if ("refused" in mapped) return { decision: "deny", determiningPolicies: [], errors: [mapped.refused], erroringPolicies: [] };
  const decision = prepared.authorize(mapped.request, mapped.entities);
  if (memo.size >= LIFTED_MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
  memo.set(memoKey, decision);
  return decision;
}

export type RequestableDenial = { policies: string[]; requirement: ApprovalRequirement };

/**
 * A deny is requestable when every policy that determined it carries a valid @approval annotation
 * and lifting exactly those policies would allow the request (otherwise approving could not help,
 * and the denial is final). Errors in evaluation make a denial final too.
 */
export function requestableDenial(engine: PolicyEngine, decision: CedarDecision, input: AuthzenRequest, at: Date): RequestableDenial | null {
  if (decision.decision !== "deny" || !decision.determiningPolicies.length || decision.errors.length) return null;
  const { requirements } = extrasOf(engine);
  const found = decision.determiningPolicies.map((id) => requirements.get(id));
  if (found.some((item) => !item)) return null;
  const lifted = evaluateWithout(engine, input, at, decision.determiningPolicies);
  if (lifted.decision !== "allow" || lifted.errors.length) return null;
  return { policies: [...decision.determiningPolicies].sort(), requirement: combineRequirements(found as ApprovalRequirement[]) };
}

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

/** The approval reference a PEP put in the context (the profile's context.approval.id; context.approval_id also accepted). */
export function approvalReference(context: Record<string, unknown> | undefined): string | null {
  const approval = context?.approval as { id?: unknown } | undefined;
  if (approval && typeof approval === "object" && typeof approval.id === "string") return approval.id;
  return typeof context?.approval_id === "string" ? context.approval_id : null;
}

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
