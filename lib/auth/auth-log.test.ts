import { describe, expect, it } from "vitest";
import { JWTSessionError } from "@auth/core/errors";
import { authErrorLogLine } from "./auth-log";

describe("item 18: a garbage session cookie logs one line, not a stack", () => {
  it("writes one short line for Auth.js's JWTSessionError with a decrypt failure as its cause", () => {
    const cause = new Error("Invalid Compact JWE");
    cause.stack = "Error: Invalid Compact JWE\n    at decrypt (jose)\n".repeat(20);
    const error = new JWTSessionError(cause as unknown as string); // Auth.js passes the caught error as the message argument
    const line = authErrorLogLine(error);
    expect(line).not.toContain("\n");
    expect(line.length).toBeLessThanOrEqual(300);
    expect(line).toMatch(/^\[auth\]\[error\] JWTSessionError/);
    expect(line).not.toMatch(/ at decrypt|Read more/);
    expect(line).toContain("Invalid Compact JWE");
  });

  it("strips control characters a client could smuggle into a message", () => {
    const line = authErrorLogLine(new Error("bad\r\n[auth][error] forged line\u001b[31m"));
    expect(line).not.toMatch(/[\r\n\u001b]/);
  });

  it("copes with things that are not errors", () => {
    for (const value of [undefined, null, "text", 42, {}]) expect(authErrorLogLine(value)).toMatch(/^\[auth\]\[error\] /);
  });
});
