import { describe, expect, it } from "vitest";
import { decisionStatusLine } from "./decision-status";

const item = { id: "arq_1", status: "approved", action: "tools/call", resource: { type: "tool", id: "db.drop_table" }, requiredGroups: ["owner"], approvals: [] };

describe("decisionStatusLine", () => {
  it("says an approval lets the waiting call proceed", () => {
    expect(decisionStatusLine("approve", item)).toMatch(/^Approved — the waiting call proceeds \(tools\/call on db\.drop_table;/);
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
