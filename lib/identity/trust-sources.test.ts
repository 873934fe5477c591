import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { eq } from "drizzle-orm";
import { decodeJwt, exportJWK, generateKeyPair, type JWK } from "jose";
import { OAuth2Server } from "oauth2-mock-server";
import postgres from "postgres";
import { openTestDatabase } from "@/testing/database";
import { tasks, trustDomains } from "@/db/schema";
import { resetConfigForTests } from "../config";
import { userContext } from "@/testing/context";
import { IdentityError } from "./identity-error";
import { forgetSigningKeys } from "./signing-keys";
import { exchangeToken } from "./token-exchange";
import { createTrustDomain, deleteTrustDomain, TRUST_DOMAIN_CACHE_MS } from "./trust-domains";
import { ISSUER, makeAgent, makeDomainKeys, mintSvid, publishBaseline, rootForm, exchangeForm, type TestDomain } from "@/testing/identity";

/**
 * Trust sources fetched over HTTP (a SPIRE bundle endpoint and OIDC discovery served on loopback in
 * this test), the last-good cache, refetch on an unknown kid, concurrent replays, and on-behalf-of
 * with a real OpenID provider (oauth2-mock-server) as the console's identity provider.
 */
const BUNDLE_PORT = 3811;
const IDP_PORT = 3812;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let served: { status: number; body: unknown } = { status: 200, body: { keys: [] } };
let bundleServer: http.Server;
let fetches = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  forgetSigningKeys();
  await publishBaseline();
  bundleServer = http.createServer((request, response) => {
    fetches++;
    if (request.url === "/oidc/.well-known/openid-configuration") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ issuer: `http://127.0.0.1:${BUNDLE_PORT}/oidc`, jwks_uri: `http://127.0.0.1:${BUNDLE_PORT}/bundle` }));
      return;
    }
    response.writeHead(served.status, { "content-type": "application/json" }).end(JSON.stringify(served.body));
  });
  await new Promise<void>((resolve) => bundleServer.listen(BUNDLE_PORT, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise((resolve) => bundleServer?.close(resolve));
  await database?.close();
});

const bundleOf = (...domains: TestDomain[]) => ({ spiffe_sequence: 1, keys: domains.map((domain) => ({ ...domain.publicJwk, use: "jwt-svid" })) as JWK[] });

describe("fetched trust bundles", () => {
  it("fetches a SPIRE bundle, keeps the last good one when the endpoint fails, and refetches on an unknown kid", async () => {
    const first = await makeDomainKeys("spire.test", "spire-k1");
    served = { status: 200, body: bundleOf(first) };
    const domain = await createTrustDomain({ ctx: userContext("admin"), input: { name: "spire.test", source: "spiffe_bundle", url: `http://127.0.0.1:${BUNDLE_PORT}/bundle`, allowedAlgs: ["ES256"], refreshSeconds: 30 } });
    expect(domain.keyIds).toEqual(["spire-k1"]);
    const agent = await makeAgent("spire-agent", ["search"], "spiffe://spire.test/agent/a");

    // The endpoint breaks and the refresh falls due: the last good bundle keeps verifying.
    served = { status: 500, body: { error: "down" } };
    await database.db.update(trustDomains).set({ lastFetchedAt: new Date(Date.now() - 60_000) }).where(eq(trustDomains.id, domain.id));
    const issued = await exchangeToken({ form: rootForm(await mintSvid(first, "spiffe://spire.test/agent/a"), { scope: "search" }), issuer: ISSUER });
    expect(decodeJwt(issued.access_token).sub).toBe(agent.id);
    const [row] = await database.db.select().from(trustDomains).where(eq(trustDomains.id, domain.id));
    expect(row!.lastFetchError).toMatch(/answered 500/);
    // A failing endpoint is not hit again by every SVID: one attempt per 30 s.
    const afterFailure = fetches;
    await exchangeToken({ form: rootForm(await mintSvid(first, "spiffe://spire.test/agent/a"), { scope: "search" }), issuer: ISSUER });
    expect(fetches).toBe(afterFailure);
    expect(row!.jwks.keys.map((key) => key.kid)).toEqual(["spire-k1"]);

    // The source rotates: an SVID with the new kid makes Steward refetch once and then verifies.
    const second = await makeDomainKeys("spire.test", "spire-k2");
    served = { status: 200, body: bundleOf(first, second) };
    const before = fetches;
    await exchangeToken({ form: rootForm(await mintSvid(second, "spiffe://spire.test/agent/a"), { scope: "search" }), issuer: ISSUER });
    expect(fetches).toBe(before + 1);
    const [after] = await database.db.select().from(trustDomains).where(eq(trustDomains.id, domain.id));
    expect(after!.jwks.keys.map((key) => key.kid)).toEqual(["spire-k1", "spire-k2"]);
    expect(after!.lastFetchError).toBeNull();

    // A private key or a symmetric key in a bundle is refused outright.
    served = { status: 200, body: { keys: [{ kty: "oct", k: "c2VjcmV0", kid: "hmac" }] } };
    await expect(createTrustDomain({ ctx: userContext("admin"), input: { name: "bad.test", source: "spiffe_bundle", url: `http://127.0.0.1:${BUNDLE_PORT}/bundle` } })).rejects.toMatchObject({ code: "invalid_input" });
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    await expect(createTrustDomain({ ctx: userContext("admin"), input: { name: "bad2.test", source: "jwks", jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "p" }] } } })).rejects.toThrow(/private key/);
  });

  it("discovers the JWKS of an OIDC issuer", async () => {
    const oidc = await makeDomainKeys("oidc.test", "oidc-k1");
    served = { status: 200, body: { keys: [oidc.publicJwk] } };
    const domain = await createTrustDomain({ ctx: userContext("admin"), input: { name: "oidc.test", source: "oidc", url: `http://127.0.0.1:${BUNDLE_PORT}/oidc` } });
    expect(domain.keyIds).toEqual(["oidc-k1"]);
    await expect(createTrustDomain({ ctx: userContext("security"), input: { name: "x.test", source: "oidc", url: `http://127.0.0.1:${BUNDLE_PORT}/oidc` } })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("trust domains as cached for verification", () => {
  it("a deleted domain is refused at once, and one registered again with a new key verifies at once", async () => {
    const admin = userContext("admin");
    const first = await makeDomainKeys("cached.test", "cached-k1");
    const created = await createTrustDomain({ ctx: admin, input: { name: "cached.test", source: "jwks", jwks: { keys: [first.publicJwk] }, allowedAlgs: ["ES256"] } });
    await makeAgent("cached-agent", ["search"], "spiffe://cached.test/agent/a");
    // This exchange leaves the domain's row in the process's cache.
    await exchangeToken({ form: rootForm(await mintSvid(first, "spiffe://cached.test/agent/a"), { scope: "search" }), issuer: ISSUER });
    await deleteTrustDomain({ ctx: admin, input: { id: created.id } });
    const refused = await exchangeToken({ form: rootForm(await mintSvid(first, "spiffe://cached.test/agent/a"), { scope: "search" }), issuer: ISSUER }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IdentityError);
    expect((refused as IdentityError).message).toMatch(/not trusted/);
    // As scripts/demo-identity.ts does on every run: the same name with a fresh key.
    const second = await makeDomainKeys("cached.test", "cached-k2");
    await createTrustDomain({ ctx: admin, input: { name: "cached.test", source: "jwks", jwks: { keys: [second.publicJwk] }, allowedAlgs: ["ES256"] } });
    const issued = await exchangeToken({ form: rootForm(await mintSvid(second, "spiffe://cached.test/agent/a"), { scope: "search" }), issuer: ISSUER });
    expect(decodeJwt(issued.access_token).scope).toBe("search");
  });
});

describe("trust domains changed by another console process", () => {
  it("a domain deleted by another process is refused as soon as its notice arrives, well inside the cache bound", async (context) => {
    if (database.target !== "postgres") return context.skip(); // PGlite is one process: nothing else can change it
    const admin = userContext("admin");
    const keys = await makeDomainKeys("elsewhere.test", "elsewhere-k1");
    await createTrustDomain({ ctx: admin, input: { name: "elsewhere.test", source: "jwks", jwks: { keys: [keys.publicJwk] }, allowedAlgs: ["ES256"] } });
    await makeAgent("elsewhere-agent", ["search"], "spiffe://elsewhere.test/agent/a");
    await exchangeToken({ form: rootForm(await mintSvid(keys, "spiffe://elsewhere.test/agent/a"), { scope: "search" }), issuer: ISSUER });

    // The other process: its own connection, listening like a console does, and the deletion deleteTrustDomain commits.
    const other = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      const heard: string[] = [];
      await other.listen("steward_trust_domains_changed", (payload) => heard.push(payload));
      const created = await database.db.select().from(trustDomains).where(eq(trustDomains.name, "elsewhere.test"));
      await deleteTrustDomain({ ctx: admin, input: { id: created[0]!.id } });
      await expect.poll(() => heard.length, { timeout: 2_000 }).toBe(1);
      // And this process, had another deleted it: the row goes back, this process caches it, the other deletes it.
      await createTrustDomain({ ctx: admin, input: { name: "elsewhere.test", source: "jwks", jwks: { keys: [keys.publicJwk] }, allowedAlgs: ["ES256"] } });
      await exchangeToken({ form: rootForm(await mintSvid(keys, "spiffe://elsewhere.test/agent/a"), { scope: "search" }), issuer: ISSUER });
      await other.begin(async (tx) => {
        await tx`delete from trust_domains where name = 'elsewhere.test'`;
        await tx`select pg_notify('steward_trust_domains_changed', '')`;
      });
      const started = Date.now();
      await expect
        .poll(async () => (await exchangeToken({ form: rootForm(await mintSvid(keys, "spiffe://elsewhere.test/agent/a"), { scope: "search" }), issuer: ISSUER }).catch((error: unknown) => error)) instanceof IdentityError, { timeout: 2_000, interval: 50 })
        .toBe(true);
      expect(Date.now() - started).toBeLessThan(TRUST_DOMAIN_CACHE_MS);
    } finally {
      await other.end();
    }
  });
});

describe("single use under concurrency", () => {
  it("of two exchanges racing with the same SVID, exactly one gets a token", async () => {
    const domain = await makeDomainKeys("race.test");
    await createTrustDomain({ ctx: userContext("admin"), input: { name: "race.test", source: "jwks", jwks: { keys: [domain.publicJwk] }, allowedAlgs: ["ES256"] } });
    await makeAgent("racer", ["search"], "spiffe://race.test/agent/r");
    const svid = await mintSvid(domain, "spiffe://race.test/agent/r");
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => exchangeToken({ form: rootForm(svid, { scope: "search" }), issuer: ISSUER })));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    for (const result of results.filter((item) => item.status === "rejected")) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(IdentityError);
      expect(((result as PromiseRejectedResult).reason as IdentityError).message).toMatch(/already used/);
    }
  });
});

describe("on behalf of a person", () => {
  it("takes the person's ID token from the console's identity provider as subject and the agent's SVID as actor", async () => {
    const idp = new OAuth2Server();
    await idp.issuer.keys.generate("RS256");
    await idp.start(IDP_PORT, "127.0.0.1");
    idp.issuer.url = `http://127.0.0.1:${IDP_PORT}`;
    const saved = { ...process.env };
    Object.assign(process.env, { STEWARD_OIDC_ISSUER: `http://127.0.0.1:${IDP_PORT}`, STEWARD_OIDC_CLIENT_ID: "steward-console", STEWARD_OIDC_CLIENT_SECRET: "test-secret" });
    resetConfigForTests();
    try {
      const domain = await makeDomainKeys("obo.test");
      await createTrustDomain({ ctx: userContext("admin"), input: { name: "obo.test", source: "jwks", jwks: { keys: [domain.publicJwk] }, allowedAlgs: ["ES256"] } });
      const agent = await makeAgent("assistant", ["search"], "spiffe://obo.test/agent/assistant");
      const idToken = await idp.issuer.buildToken({
        scopesOrTransform: (_header, payload) => Object.assign(payload, { sub: "person-1", aud: "steward-console", email: "Dana@Example.test" }),
      });
      const form = exchangeForm({
        subject_token: idToken,
        subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
        actor_token: await mintSvid(domain, "spiffe://obo.test/agent/assistant"),
        actor_token_type: "urn:ietf:params:oauth:token-type:jwt",
        resource: "https://gateway.test/mcp",
        scope: "search",
        authorization_details: JSON.stringify([{ type: "steward_task", purpose: "find last quarter's report for Dana" }]),
      });
      const issued = await exchangeToken({ form, issuer: ISSUER });
      const claims = decodeJwt(issued.access_token);
      expect(claims).toMatchObject({ sub: agent.id, scope: "search" });
      const [task] = await database.db.select().from(tasks).where(eq(tasks.id, claims.task_id as string));
      expect(task).toMatchObject({ initiatorType: "person", initiator: "dana@example.test", rootAgentId: agent.id });

      // An ID token for another audience (another client of the same provider) is refused.
      const foreign = await idp.issuer.buildToken({ scopesOrTransform: (_header, payload) => Object.assign(payload, { sub: "person-1", aud: "another-app" }) });
      form.set("subject_token", foreign);
      form.set("actor_token", await mintSvid(domain, "spiffe://obo.test/agent/assistant"));
      await expect(exchangeToken({ form, issuer: ISSUER })).rejects.toMatchObject({ code: "invalid_request", message: expect.stringMatching(/ID token does not verify/) });
    } finally {
      process.env = saved;
      resetConfigForTests();
      await idp.stop();
    }
  });
});
