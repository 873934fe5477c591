import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatIssuePath } from "../errors";
import "./zod-messages";

const Body = z.object({ agent: z.object({ id: z.string() }), count: z.number(), tags: z.array(z.string()), note: z.string().optional() });
const issues = (value: unknown) => (Body.safeParse(value).error?.issues ?? []).map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));

describe("zod messages", () => {
  it('a missing required field of any type reads "Required", at its path', () => {
    expect(issues({})).toEqual([
      { path: "$.agent", message: "Required" },
      { path: "$.count", message: "Required" },
      { path: "$.tags", message: "Required" },
    ]);
    expect(issues({ agent: {}, count: 1, tags: [] })).toEqual([{ path: "$.agent.id", message: "Required" }]);
  });

  it('an absent enum, literal or union reads "Required" too; a wrong one keeps zod\'s message', () => {
    const Choice = z.object({ outcome: z.enum(["allow", "deny"]), kind: z.literal("mcp"), id: z.union([z.string(), z.number()]) });
    expect(Choice.safeParse({}).error?.issues.map((issue) => issue.message)).toEqual(["Required", "Required", "Required"]);
    expect(Choice.safeParse({ outcome: "maybe", kind: "mcp", id: 1 }).error?.issues[0]?.message).toBe('Invalid option: expected one of "allow"|"deny"');
  });

  it("a value of the wrong type, and every other issue, keeps zod's message", () => {
    expect(issues({ agent: { id: 1 }, count: "1", tags: [], note: null })).toEqual([
      { path: "$.agent.id", message: "Invalid input: expected string, received number" },
      { path: "$.count", message: "Invalid input: expected number, received string" },
      { path: "$.note", message: "Invalid input: expected string, received null" },
    ]);
    expect(z.string().min(2).safeParse("a").error?.issues[0]?.message).toBe("Too small: expected string to have >=2 characters");
  });

  it("a number out of range or not whole says the bound in words", () => {
    const message = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues[0]?.message;
    expect(message(z.number().int().min(1), 0)).toBe("Must be 1 or more");
    expect(message(z.number().positive(), 0)).toBe("Must be more than 0");
    expect(message(z.number().int().max(3650), 4000)).toBe("Must be 3650 or less");
    expect(message(z.number().lt(10), 10)).toBe("Must be less than 10");
    expect(message(z.number().int(), 1.5)).toBe("Must be a whole number");
    expect(message(z.coerce.number().int().min(1), "0")).toBe("Must be 1 or more");
  });

  it("a schema's own message still wins", () => {
    expect(z.object({ name: z.string({ error: "Give the agent a name" }) }).safeParse({}).error?.issues[0]?.message).toBe("Give the agent a name");
  });
});
