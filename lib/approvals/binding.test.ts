import { hkdfSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeProtectedHeader, jwtVerify, SignJWT, UnsecuredJWT } from "jose";
import { BINDING_AUDIENCE, BINDING_ISSUER, signBindingToken, verifyBindingToken, type BindingClaims } from "./binding";

const SECRET = "a-test-auth-secret-of-enough-length-0123456789";
const key = new Uint8Array(hkdfSync("sha256", SECRET, "steward", "steward approval binding token v1", 32));
const claims: Omit<BindingClaims, "jti" | "iat" | "exp"> = {
  binding_hash: "h".repeat(43),
  binding_context_members: ["arguments"],
  denial_expires_at: "2030-01-01T00:00:00.000Z",
  evaluation_id: "ev_1",
  policies: ["p1"],
  approval: { groups: ["owner"], fourEyes: false, reuseSeconds: null },
  policy_revision: 3,
  agent_id: "agt_1",
};
const inAMinute = () => new Date(Date.now() + 60_000);

describe("binding tokens (compact JWS, HS256, node:crypto HMAC)", () => {
  it("are JWTs jose verifies with the derived key, and jose's own tokens verify here", async () => {
    const token = await signBindingToken(SECRET, claims, inAMinute());
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    const { payload } = await jwtVerify(token, key, { issuer: BINDING_ISSUER, audience: BINDING_AUDIENCE, algorithms: ["HS256"] });
    expect(payload).toMatchObject({ ...claims, jti: expect.any(String) });

    const fromJose = await new SignJWT({ ...claims }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuer(BINDING_ISSUER).setAudience([BINDING_AUDIENCE, "other"]).setIssuedAt().setJti("j1").setExpirationTime("1m").sign(key);
    expect(await verifyBindingToken(SECRET, fromJose)).toMatchObject({ ok: true, claims: { jti: "j1", binding_hash: claims.binding_hash } });
  });

  it("refuses another secret, an altered payload or signature, alg none, and a wrong issuer or audience", async () => {
    const token = await signBindingToken(SECRET, claims, inAMinute());
    const [header, payload, signature] = token.split(".") as [string, string, string];
    expect(await verifyBindingToken(`${SECRET}x`, token)).toEqual({ ok: false, reason: "invalid" });
    const widened = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), policies: [] })).toString("base64url");
    expect(await verifyBindingToken(SECRET, `${header}.${widened}.${signature}`)).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyBindingToken(SECRET, `${header}.${payload}.${signature.slice(0, -2)}`)).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyBindingToken(SECRET, `${header}.${payload}.`)).toEqual({ ok: false, reason: "invalid" });
    const unsecured = new UnsecuredJWT({ ...claims }).setIssuer(BINDING_ISSUER).setAudience(BINDING_AUDIENCE).setExpirationTime("1m").encode();
    expect(await verifyBindingToken(SECRET, unsecured)).toEqual({ ok: false, reason: "invalid" });
    for (const [issuer, audience] of [["urn:other", BINDING_AUDIENCE], [BINDING_ISSUER, "urn:other"]] as const) {
      const foreign = await new SignJWT({ ...claims }).setProtectedHeader({ alg: "HS256" }).setIssuer(issuer).setAudience(audience).setExpirationTime("1m").sign(key);
      expect(await verifyBindingToken(SECRET, foreign)).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await verifyBindingToken(SECRET, "not.a.token")).toEqual({ ok: false, reason: "invalid" });
  });

  it("tells an expired token apart, at its exp second as jose does", async () => {
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 30_000);
    const token = await signBindingToken(SECRET, claims, expiresAt);
    expect((await verifyBindingToken(SECRET, token, new Date(expiresAt.getTime() - 1000))).ok).toBe(true);
    expect(await verifyBindingToken(SECRET, token, expiresAt)).toEqual({ ok: false, reason: "expired" });
    await expect(jwtVerify(token, key, { issuer: BINDING_ISSUER, audience: BINDING_AUDIENCE, currentDate: expiresAt })).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
  });
});
