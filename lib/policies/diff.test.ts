import { describe, expect, it } from "vitest";
import { diffLines } from "./diff";

describe("policy diff", () => {
  it("reports the changed line as removed then added, the rest unchanged", () => {
    expect(diffLines("a\nb\nc\n", "a\nB\nc\n")).toEqual([
      { kind: "same", text: "a" },
      { kind: "removed", text: "b" },
      { kind: "added", text: "B" },
      { kind: "same", text: "c" },
    ]);
  });

  it("keeps a large set with one change mostly unchanged (no all-or-nothing fallback)", () => {
    const before = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join("\n");
    const after = before.replace("line 1500", "line 1500 (changed)");
    const lines = diffLines(before, after);
    expect(lines.filter((line) => line.kind !== "same")).toEqual([
      { kind: "removed", text: "line 1500" },
      { kind: "added", text: "line 1500 (changed)" },
    ]);
    expect(lines).toHaveLength(3001);
  });
});
