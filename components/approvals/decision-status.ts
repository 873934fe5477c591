import type { ApprovalResponses } from "@/lib/approvals/api-contract";
import { clockUtc } from "./hold-line";

type Item = Pick<ApprovalResponses["detail"]["item"], "id" | "status" | "action" | "resource" | "requiredGroups" | "approvals"> & Partial<Pick<ApprovalResponses["detail"]["item"], "heldUntil" | "decidedAt">>;

/**
 * The line said once a person's Approve or Deny went through, from the request as the server answers
 * it after the decision: approved (the waiting call proceeds; a call that stopped waiting passes when
 * it is made again — which of the two, when the request says until when its call was held), denied, or — under four-eyes or owner + security — still waiting for the other
 * approver. The decided request leaves the pending list, so this line is all that is left to read.
 */
export function decisionStatusLine(decision: "approve" | "deny", item: Item): string {
  const what = `${item.action} on ${item.resource.id}`;
  // The enforcement point said until when it held the call: say whether the approval came in time.
  if (item.status === "approved" && item.heldUntil && item.decidedAt) {
    if (Date.parse(item.decidedAt) < Date.parse(item.heldUntil)) return `Approved — the waiting call proceeds (${what}).`;
    return `Approved — the call stopped waiting at ${clockUtc(item.heldUntil)}; the agent's next attempt of ${what} passes.`;
  }
  if (item.status === "approved") return `Approved — the waiting call proceeds (${what}; a call that stopped waiting passes when it is made again).`;
  if (item.status === "denied") return `Denied — the call stays refused (${what}).`;
  if (item.status === "pending" && decision === "approve") {
    const given = new Set(item.approvals.map((approval) => approval.group));
    const awaiting = item.requiredGroups.filter((group) => !given.has(group));
    return `Your approval is recorded — ${what} still waits for ${awaiting.length ? awaiting.join(" + ") : "another approver"}.`;
  }
  // Expired or withdrawn meanwhile: the server answers the request as it now stands.
  return `Access request ${item.id} is ${item.status}: your ${decision === "approve" ? "approval" : "denial"} did not change it.`;
}
