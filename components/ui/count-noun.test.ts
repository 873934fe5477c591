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
});
