import type { ApprovalResponses } from "@/lib/approvals/api-contract";

type Item = Pick<ApprovalResponses["detail"]["item"], "id" | "status" | "action" | "resource" | "requiredGroups" | "approvals">;

/**
 * The line said once a person's Approve or Deny went through, from the request as the server answers
 * it after the decision: approved (the waiting call proceeds; a call that stopped waiting passes when
 * it is made again), denied, or — under four-eyes or owner + security — still waiting for the other
 * approver. The decided request leaves the pending list, so this line is all that is left to read.
 */
export function decisionStatusLine(decision: "approve" | "deny", item: Item): string {
  const what = `${item.action} on ${item.resource.id}`;
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
