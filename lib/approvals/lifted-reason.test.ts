import { describe, expect, it } from "vitest";
import { describeReason, liftedByApproval } from "./lifted-reason";

describe("a reason an approval lifted", () => {
  const raw = "pol_9f2 (lifted by approval apr_Xy-z)";

  it("reads the policy and the approval out of the recorded reason", () => {
    expect(liftedByApproval(raw)).toEqual({ policyId: "pol_9f2", approvalId: "apr_Xy-z" });
    expect(liftedByApproval("pol_9f2")).toBeNull();
  });

  it("says who approved, keeping the ids as recorded", () => {
    expect(describeReason(raw, { id: "apr_Xy-z", approvers: ["Olive Owner", "Sam Security"] })).toEqual({ text: "Allowed after approval by Olive Owner and Sam Security", raw, lifted: true });
  });

  it("never names the approvers of another approval, and says words without one", () => {
    expect(describeReason(raw, { id: "apr_other", approvers: ["Olive Owner"] }).text).toBe("Allowed after an approval");
    expect(describeReason(raw).text).toBe("Allowed after an approval");
  });

  it("leaves any other reason as it is", () => {
    expect(describeReason("pol_9f2")).toEqual({ text: "pol_9f2", raw: "pol_9f2", lifted: false });
  });
});
