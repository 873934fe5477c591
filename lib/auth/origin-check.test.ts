import { describe, expect, it } from "vitest";
import { consoleOrigins, isStateChangingMethod, originProblem, type OriginCheckInput } from "./origin-check";

const direct: Omit<OriginCheckInput, "origin"> = { host: "127.0.0.1:3400", forwardedHost: null, forwardedProto: null, protocol: "http:", publicOrigin: undefined };
const proxied: Omit<OriginCheckInput, "origin"> = { host: "localhost:3000", forwardedHost: null, forwardedProto: null, protocol: "http:", publicOrigin: "https://steward.example.com" };

describe("item 11: Origin check for cookie-authenticated changes", () => {
  it("accepts only this console's origin", () => {
    expect(originProblem({ ...direct, origin: "http://127.0.0.1:3400" })).toBeNull();
    expect(originProblem({ ...proxied, origin: "https://steward.example.com" })).toBeNull();
  });

  it.each([
    ["another port of the same host", "http://127.0.0.1:3401"],
    ["another host name for the same address", "http://localhost:3400"],
    ["another scheme", "https://127.0.0.1:3400"],
    ["a different site", "https://evil.example"],
    ["a look-alike suffix", "http://127.0.0.1:3400.evil.example"],
    ["an opaque origin (sandboxed frame, data: URL)", "null"],
    ["no Origin at all", null],
    ["garbage", "not a url"],
  ])("refuses %s", (_label, origin) => {
    expect(originProblem({ ...direct, origin })).not.toBeNull();
  });

  it("behind a proxy, AUTH_URL's origin is the only one (not the internal Host)", () => {
    expect(originProblem({ ...proxied, origin: "http://localhost:3000" })).not.toBeNull();
    expect(consoleOrigins(proxied)).toEqual(["https://steward.example.com"]);
  });

  it("without AUTH_URL follows X-Forwarded-Host/Proto like Next.js's server-action check", () => {
    expect(consoleOrigins({ ...direct, forwardedHost: "steward.internal", forwardedProto: "https" })).toEqual(["https://steward.internal"]);
    expect(consoleOrigins({ ...direct, host: null })).toEqual([]);
  });

  it("treats only GET, HEAD and OPTIONS as safe", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "get"]) expect(isStateChangingMethod(method)).toBe(false);
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "PROPFIND"]) expect(isStateChangingMethod(method)).toBe(true);
  });
});
