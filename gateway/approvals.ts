import type { DecisionOutcome } from "./decide";

/**
 * The seam for approval-required decisions. The approvals feature (another branch) will create
 * an access request in the console and hold the call until it is approved, refused or expires,
 * bound to the exact tool and a hash of the arguments. Until then an approval-required decision
 * is a deny that carries the access-request context, so the agent can show what it would need.
 */
export async function holdForApproval(decision: DecisionOutcome & { outcome: "approval_required" }): Promise<DecisionOutcome> {
  return { ...decision, outcome: "deny", message: `Approval required: ${decision.message}`, accessRequest: { status: "not_available", argumentsHash: decision.argumentsHash, tool: decision.resourceId } };
}
