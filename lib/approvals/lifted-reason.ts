/**
 * The console PDP records a deny that an approval lifted with the determining policy's id and the
 * approval's: "pol_… (lifted by approval apr_…)" (lib/policies/authzen.ts). Recorded as is (search
 * and the approval ↔ decision links read it); shown to people as words by `describeReason`.
 */
const LIFTED = /^(.+) \(lifted by approval (\S+)\)$/;

export function liftedByApproval(reason: string): { policyId: string; approvalId: string } | null {
  const match = LIFTED.exec(reason);
  return match ? { policyId: match[1]!, approvalId: match[2]! } : null;
}

/**
 * A recorded reason as a person reads it. A lifted deny says who approved (`approvers` of that
 * approval, when known and the viewer may read approvals), the ids staying in `raw`; any other reason
 * (a policy id) is its own text.
 */
export function describeReason(reason: string, approval?: { id: string | null; approvers: string[] } | null): { text: string; raw: string; lifted: boolean } {
  const lifted = liftedByApproval(reason);
  if (!lifted) return { text: reason, raw: reason, lifted: false };
  const approvers = approval && approval.id === lifted.approvalId ? approval.approvers : [];
  return { text: approvers.length ? `Allowed after approval by ${approvers.join(" and ")}` : "Allowed after an approval", raw: reason, lifted: true };
}
