import { createHash } from "node:crypto";
import type { CedarDecision } from "../policies/cedar";
import type { PolicyEngine } from "../policies/engine";
import { IndexedPolicySet } from "../policies/policy-index";
import type { AuthzenRequest } from "../policies/request-mapping";
import { combineRequirements, requirementsOf, type ApprovalRequirement } from "./annotations";

/**
 * Is a deny requestable? Pure in the engine and the request (no database), so the gateway's edge
 * PDP and MCP proxy use it on their local bundle exactly as the console's PDP does; what needs
 * Steward's secret or its approvals (binding tokens, approval checks) stays in pdp.ts.
 */

/** How long a requestable denial may be turned into an access request (context.access_request.expires_at). */
export const DENIAL_WINDOW_SECONDS = 600;

type EngineExtras = { requirements: Map<string, ApprovalRequirement>; lifted: Map<string, IndexedPolicySet>; memo: Map<string, CedarDecision> };
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
 * lifts those requestable forbids. Each distinct set is prepared (and indexed) once per engine.
 */
export function evaluateWithout(engine: PolicyEngine, input: AuthzenRequest, at: Date, removed: string[]): CedarDecision {
  const { lifted, memo } = extrasOf(engine);
  const key = [...removed].sort().join("\u0000");
  // Pure in the request, the hour and weekday, and the lifted set (the engine's memo key, plus the set).
  const memoKey = `${at.getUTCHours()},${at.getUTCDay()}\u0001${key}\u0001${JSON.stringify(input)}`;
  const remembered = memo.get(memoKey);
  if (remembered) return remembered;
  const mapped = engine.map(input, at);
  // A request the PDP refuses (unknown type or action) stays refused: approval cannot lift that.
  if ("refused" in mapped) return { decision: "deny", determiningPolicies: [], errors: [mapped.refused], erroringPolicies: [] };
  // Then by the Cedar request and entities it maps to: what the schema keeps out of Cedar (a new
  // task's id, in a token issuance) cannot change the answer, so such repeats are not asked again.
  const mappedKey = `${key}\u0001${JSON.stringify(mapped)}`;
  const asked = memo.get(mappedKey);
  if (asked) {
    remember(memo, memoKey, asked);
    return asked;
  }
  let prepared = lifted.get(key);
  if (!prepared) {
    const keep = engine.content.policies.filter((policy) => !removed.includes(policy.id));
    const slot = `set_${engine.contentHash}_lift_${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
    // Indexed like the engine's own set (same decisions, proved in lib/policies/policy-index.test.ts and schema-free.test.ts).
    prepared = new IndexedPolicySet(slot, Object.fromEntries(keep.map((policy) => [policy.id, policy.source])), engine.content.schemaText);
    lifted.set(key, prepared);
  }
  const decision = prepared.authorize(mapped.request, mapped.entities);
  remember(memo, memoKey, decision);
  remember(memo, mappedKey, decision);
  return decision;
}

function remember(memo: Map<string, CedarDecision>, key: string, decision: CedarDecision): void {
  if (memo.size >= LIFTED_MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
  memo.set(key, decision);
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

/** The approval reference a PEP put in the context (the profile's context.approval.id; context.approval_id also accepted). */
export function approvalReference(context: Record<string, unknown> | undefined): string | null {
  const approval = context?.approval as { id?: unknown } | undefined;
  if (approval && typeof approval === "object" && typeof approval.id === "string") return approval.id;
  return typeof context?.approval_id === "string" ? context.approval_id : null;
}
