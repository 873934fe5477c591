import { describe, expect, it } from "vitest";
import { decisionStatusLine } from "./decision-status";

const item = { id: "arq_1", status: "approved", action: "tools/call", resource: { type: "tool", id: "db.drop_table" }, requiredGroups: ["owner"], approvals: [] };

describe("decisionStatusLine", () => {
  it("says an approval lets the waiting call proceed", () => {
    expect(decisionStatusLine("approve", item)).toMatch(/^Approved — the waiting call proceeds \(tools\/call on db\.drop_table;/);
  });
  it("with a hold deadline, says whether the approval reached the waiting call or only its next attempt", () => {
    const held = { ...item, heldUntil: "2026-12-02T03:45:12.000Z" };
    expect(decisionStatusLine("approve", { ...held, decidedAt: "2026-12-02T03:45:00.000Z" })).toBe("Approved — the waiting call proceeds (tools/call on db.drop_table).");
    expect(decisionStatusLine("approve", { ...held, decidedAt: "2026-12-02T03:50:00.000Z" })).toBe("Approved — the call stopped waiting at 03:45:12 UTC; the agent's next attempt of tools/call on db.drop_table passes.");
  });
  it("says a denial keeps the call refused", () => {
    expect(decisionStatusLine("deny", { ...item, status: "denied" })).toBe("Denied — the call stays refused (tools/call on db.drop_table).");
  });
  it("names the approver group still awaited when one of two approved", () => {
    const half = { ...item, status: "pending", requiredGroups: ["owner", "security"], approvals: [{ group: "owner", label: "Olive", at: "2026-01-01T00:00:00.000Z", comment: "" }] };
    expect(decisionStatusLine("approve", half)).toBe("Your approval is recorded — tools/call on db.drop_table still waits for security.");
  });
  it("says when the request ended before the decision landed", () => {
    expect(decisionStatusLine("approve", { ...item, status: "expired" })).toBe("Access request arq_1 is expired: your approval did not change it.");
  });
});
