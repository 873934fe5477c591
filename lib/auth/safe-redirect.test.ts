import { describe, expect, it } from "vitest";
import { safeRedirectPath, signInReturnPath } from "./safe-redirect";

const OWN = "https://steward.example.com";

/** Every way we know to spell "another origin" as something that looks like a path. */
const OFF_SITE = [
  "//evil.example",
  "///evil.example",
  "/.//evil.example",
  "/./evil.example/..//evil.example",
  "/..//evil.example",
  "/a/../..//evil.example",
  "/%2e//evil.example",
  "/%2E%2E//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/\\/evil.example",
  "/%5Cevil.example",
  "/%5cevil.example",
  "%2F%2Fevil.example",
  "/%2F%2Fevil.example",
  "/%2fevil.example",
  "/%252F%252Fevil.example",
  "/%25252F%25252Fevil.example",
  "\t//evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  " //evil.example",
  "/\u0000/evil.example",
  "/%09/evil.example",
  "/%0a/evil.example",
  "/%00//evil.example",
  "/\u2028/evil.example",
  "https:evil.example",
  "https:/evil.example",
  "https://evil.example",
  "http://evil.example/",
  "HTTPS://EVIL.EXAMPLE",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "evil.example",
  "?next=//evil",
  "#//evil",
  "",
  "https://steward.example.com.evil.example/",
  "https://steward.example.com@evil.example/",
  "https://evil.example/https://steward.example.com/",
  "http://steward.example.com/", // another scheme is another origin
  "https://steward.example.com:444/",
  "/%", // malformed escape
  "/" + "a".repeat(5000),
];

describe("safeRedirectPath", () => {
  it.each(OFF_SITE)("refuses %j", (value) => {
    expect(safeRedirectPath(value, { ownOrigin: OWN })).toBe("/");
    expect(safeRedirectPath(value)).toBe("/");
  });

  it("refuses what is not a string", () => {
    for (const value of [undefined, null, 42, ["/agents"], { toString: () => "/agents" }]) expect(safeRedirectPath(value)).toBe("/");
  });

  it.each([
    ["/", "/"],
    ["/agents", "/agents"],
    ["/agents/agt_1?tab=owners#history", "/agents/agt_1?tab=owners#history"],
    ["/agents/./agt_1", "/agents/agt_1"],
    ["/agents/x/../agt_1", "/agents/agt_1"],
    ["/decisions?q=a%20b", "/decisions?q=a%20b"],
    ["/policies/draft?from=%2Fagents", "/policies/draft?from=%2Fagents"],
    [`${OWN}/settings?x=1`, "/settings?x=1"],
  ])("keeps the same-site path %j as %j", (value, expected) => {
    expect(safeRedirectPath(value, { ownOrigin: OWN })).toBe(expected);
  });

  it("is idempotent: its answer passes through unchanged", () => {
    for (const value of [...OFF_SITE, "/agents/./x", "/a/b/../c?d=e"]) {
      const once = safeRedirectPath(value, { ownOrigin: OWN });
      expect(safeRedirectPath(once, { ownOrigin: OWN })).toBe(once);
    }
  });

  it("never answers anything a browser would resolve off this origin", () => {
    for (const value of OFF_SITE) {
      const answer = safeRedirectPath(value, { ownOrigin: OWN, fallback: "/home" });
      expect(new URL(answer, OWN).origin).toBe(OWN);
      expect(answer.startsWith("/") && !answer.startsWith("//") && !answer.includes("\\")).toBe(true);
    }
  });

  it("uses the fallback it is given", () => {
    expect(safeRedirectPath("//evil.example", { fallback: "/sign-in" })).toBe("/sign-in");
  });
});

describe("the sign-in return path", () => {
  it("keeps the page's query when the recorded path is the page's own", () => {
    expect(signInReturnPath("/approvals?request=arq_1", "/approvals")).toBe("/approvals?request=arq_1");
    expect(signInReturnPath("/tasks/tsk_1?tab=tokens", "/tasks/tsk_1")).toBe("/tasks/tsk_1?tab=tokens");
  });

  it("falls back to the declared path when nothing or something else was recorded, or it is not a safe path", () => {
    expect(signInReturnPath(null, "/approvals")).toBe("/approvals");
    expect(signInReturnPath("/agents/agt_1/decisions", "/agents/agt_1")).toBe("/agents/agt_1");
    expect(signInReturnPath("//evil.example/approvals", "/approvals")).toBe("/approvals");
    expect(signInReturnPath("/approvals?next=//evil", "/approvals")).toBe("/approvals?next=//evil");
  });
});
