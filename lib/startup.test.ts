import { describe, expect, it } from "vitest";
import { describeFailure } from "./startup";

describe("describeFailure", () => {
  it("names an Error's message and code along its causes, and a thrown plain object by its fields", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    expect(describeFailure(new Error("Failed query: select 1", { cause: refused }))).toBe("Failed query: select 1 ← connect ECONNREFUSED 127.0.0.1:5432");
    // A WebAssembly runtime's exit status is not an Error: "[object Object]" told the log nothing.
    const text = describeFailure({ name: "ExitStatus", status: 1 });
    expect(text).not.toContain("[object Object]");
    expect(text).toContain("ExitStatus");
    expect(text).toContain("status: 1");
  });
});
