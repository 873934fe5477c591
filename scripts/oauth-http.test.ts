import { beforeAll, describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { suiteDatabase } from "@/testing/database";
import { POST as tokenPost } from "@/app/oauth/token/route";
import { POST as revokePost } from "@/app/oauth/revoke/route";
import { GET as jwksGet } from "@/app/oauth/jwks/route";
import { GET as metadataGet } from "@/app/.well-known/oauth-authorization-server/route";
import { GET as healthGet } from "@/app/api/health/route";
import { oauthErrorResponse } from "@/app/_server/oauth-http";
import { StewardError } from "@/lib/errors";
import { forgetSigningKeys } from "@/lib/identity/signing-keys";
import { activeTaskToken } from "@/lib/identity/introspection";
import { makeAgent, makeDomainKeys, mintSvid, publishBaseline, registerDomain, rootForm } from "@/testing/identity";

/**
 * The OAuth endpoints as HTTP handlers: RFC 6749 §5.2 error bodies, no-store, the form content type
 * and size limit, the issuer taken from the request's origin, RFC 7009's always-200.
 */
const ORIGIN = "http://steward.test";
suiteDatabase();

beforeAll(async () => {
  (globalThis as { __stewardStarted?: Promise<void> }).__stewardStarted = Promise.resolve();
  forgetSigningKeys();
  await publishBaseline();
});

const post = (path: string, body: string, type = "application/x-www-form-urlencoded") => new Request(`${ORIGIN}${path}`, { method: "POST", headers: { "content-type": type }, body });

describe("OAuth endpoints over HTTP", () => {
  it("issues a task token for a form request and answers errors in the RFC 6749 shape, never cached", async () => {
    const domain = await makeDomainKeys("http.test");
    await registerDomain(domain);
    await makeAgent("http-agent", ["search"], "spiffe://http.test/agent/a");
    const ok = await tokenPost(post("/oauth/token", rootForm(await mintSvid(domain, "spiffe://http.test/agent/a"), { scope: "search" }).toString()));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    const body = (await ok.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe("Bearer");
    expect(decodeJwt(body.access_token).iss).toBe(ORIGIN);

    const widened = await tokenPost(post("/oauth/token", rootForm(await mintSvid(domain, "spiffe://http.test/agent/a"), { scope: "search delete" }).toString()));
    expect(widened.status).toBe(400);
    expect(await widened.json()).toEqual({ error: "invalid_scope", error_description: "Scope can only narrow: scope delete is outside the agent's declared scope" });

    const json = await tokenPost(post("/oauth/token", "{}", "application/json"));
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe("invalid_request");

    const huge = await tokenPost(post("/oauth/token", `subject_token=${"a".repeat(70 * 1024)}`));
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as { error_description: string }).error_description).toMatch(/larger than 64 KiB/);

    const grant = await tokenPost(post("/oauth/token", "grant_type=client_credentials"));
    expect(await grant.json()).toMatchObject({ error: "unsupported_grant_type" });

    // RFC 7009: 200 whether or not there was anything to revoke; the token is then inactive.
    expect((await revokePost(post("/oauth/revoke", new URLSearchParams({ token: "garbage" }).toString()))).status).toBe(200);
    expect((await revokePost(post("/oauth/revoke", new URLSearchParams({ token: body.access_token }).toString()))).status).toBe(200);
    expect(await activeTaskToken(body.access_token, ORIGIN)).toMatchObject({ active: false, reason: "revoked" });
  });

  it("publishes RFC 8414 metadata and the JWKS for the request's origin", async () => {
    const metadata = (await (await metadataGet(new Request(`${ORIGIN}/.well-known/oauth-authorization-server`))).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ issuer: ORIGIN, token_endpoint: `${ORIGIN}/oauth/token`, jwks_uri: `${ORIGIN}/oauth/jwks`, revocation_endpoint: `${ORIGIN}/oauth/revoke`, introspection_endpoint: `${ORIGIN}/oauth/introspect` });
    const jwks = (await (await jwksGet(new Request(`${ORIGIN}/oauth/jwks`))).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: "EC", alg: "ES256", use: "sig" });
      expect(key).not.toHaveProperty("d");
    }
  });

  it("goes through withApi as a public route: no actor resolved from a bearer, X-Request-ID echoed, OAuth error bodies kept", async () => {
    // A bearer that is no Steward token: a protected route would answer 401; a public one never looks.
    const withBearer = new Request(`${ORIGIN}/oauth/revoke`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Bearer not-a-steward-token", "x-request-id": "req-public-1" }, body: "token=garbage" });
    const revoked = await revokePost(withBearer);
    expect(revoked.status).toBe(200);
    expect(revoked.headers.get("x-request-id")).toBe("req-public-1");
    const missing = await revokePost(new Request(`${ORIGIN}/oauth/revoke`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-request-id": "req-public-2" }, body: "" }));
    expect(missing.status).toBe(400);
    expect(missing.headers.get("x-request-id")).toBe("req-public-2");
    expect(await missing.json()).toEqual({ error: "invalid_request", error_description: "token is required" });
  });

  it("renders withApi's 503 (the database down, or a near-full PGlite disk refusing writes) as RFC 6749's temporarily_unavailable", async () => {
    const refused = oauthErrorResponse(new StewardError("unavailable", "Steward is not accepting writes: /data has 1 MiB free"), new Request(`${ORIGIN}/oauth/token`), "req-1");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(refused.headers.get("cache-control")).toBe("no-store");
    // The folder and the free space are the operator's business, not a token client's.
    expect(await refused.json()).toEqual({ error: "temporarily_unavailable", error_description: "Steward cannot store anything right now; retry shortly" });
    const crashed = oauthErrorResponse(new Error("secret detail"), new Request(`${ORIGIN}/oauth/token`), "req-2");
    expect(crashed.status).toBe(500);
    expect(JSON.stringify(await crashed.json())).not.toContain("secret detail");
  });

  it("answers liveness without the database", async () => {
    const live = await healthGet(new Request(`${ORIGIN}/api/health`, { headers: { "x-request-id": "req-live" } }));
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok" });
    expect(live.headers.get("x-request-id")).toBe("req-live");
  });
});
