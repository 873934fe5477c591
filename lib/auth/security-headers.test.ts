import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, HSTS_VALUE, newNonce, strictTransportSecurity } from "./security-headers";

describe("item 18: CSP with nonces and HSTS", () => {
  it("allows scripts only with this response's nonce, never inline or eval in production", () => {
    const csp = contentSecurityPolicy({ nonce: "abc123==", dev: false, https: false });
    const script = csp.split("; ").find((directive) => directive.startsWith("script-src "))!;
    expect(script).toBe("script-src 'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("adds the single-sign-on provider to form-action, and upgrade-insecure-requests over https", () => {
    const csp = contentSecurityPolicy({ nonce: "n", dev: false, https: true, ssoOrigin: "https://idp.example" });
    expect(csp).toContain("form-action 'self' https://idp.example");
    expect(csp).toContain("upgrade-insecure-requests");
  });

  it("sends HSTS only when AUTH_URL is https", () => {
    expect(strictTransportSecurity("https://steward.example.com")).toBe(HSTS_VALUE);
    expect(strictTransportSecurity("http://steward.example.com")).toBeNull();
    expect(strictTransportSecurity(undefined)).toBeNull();
  });

  it("makes a fresh 128-bit nonce every time", () => {
    const nonces = new Set(Array.from({ length: 1000 }, newNonce));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});
