import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { countNoun } from "./count-noun";

describe("countNoun", () => {
  it("is singular for one only", () => {
    expect(countNoun(1, "field")).toBe("1 field");
    expect(countNoun(2, "field")).toBe("2 fields");
    expect(countNoun(0, "field")).toBe("0 fields");
  });
  it("takes an irregular plural", () => {
    expect(countNoun(1, "person", "people")).toBe("1 person");
    expect(countNoun(3, "person", "people")).toBe("3 people");
  });
  it("is the same function as its twin for the console's components (which import no values from lib/)", () => {
    // Read as text: lib/ tests may not import components/. The twin is held to this one, so these tests cover both.
    const functionOf = (file: string) => /export function countNoun[\s\S]*?\n}/.exec(readFileSync(path.join(process.cwd(), file), "utf8"))?.[0];
    expect(functionOf("components/ui/count-noun.ts")).toBeDefined();
    expect(functionOf("components/ui/count-noun.ts")).toBe(functionOf("lib/count-noun.ts"));
  });
});
