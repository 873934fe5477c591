import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT, type CryptoKey } from "jose";
import { openTestDatabase } from "@/testing/database";
import { auditLog, secretReleases } from "@/db/schema";
import { userContext } from "@/testing/context";
import { releaseSecret, saveSecret } from "./secret-store";
import { forgetSigningKeys, publishedJwks } from "./signing-keys";
import { getTask, observedCredentialPosture } from "./tasks-view";
import { exchangeToken } from "./token-exchange";
import { ISSUER, makeAgent, makeDomainKeys, mintSvid, publishBaseline, registerDomain, rootForm, registerTestGateway } from "@/testing/identity";

/**
 * A tiny OAuth 2.0 token endpoint minting its access tokens with jose: client credentials
 * (client_secret_basic), and RFC 8693 token exchange whose subject token — a Steward task token or
 * a Steward-signed assertion — it verifies against Steward's published JWKS, as a downstream
 * authorization server that trusts Steward would.
 */
let server: http.Server;
let endpoint: string;
let signingKey: CryptoKey;
let verifyKey: CryptoKey;
const seen: { authorization?: string; body: URLSearchParams }[] = [];
const CLIENT = { id: "steward-downstream", secret: "s3cr3t with spaces&symbols" };

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let ep: Awaited<ReturnType<typeof registerTestGateway>>;

beforeAll(async () => {
  ({ privateKey: signingKey, publicKey: verifyKey } = await generateKeyPair("ES256"));
  server = http.createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => (raw += chunk));
    request.on("end", async () => {
      const body = new URLSearchParams(raw);
      seen.push({ authorization: request.headers.authorization, body });
      const [id, secret] = Buffer.from((request.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString().split(":").map((part) => decodeURIComponent(part.replace(/\+/g, " ")));
      response.setHeader("content-type", "application/json");
      if (id !== CLIENT.id || secret !== CLIENT.secret) return response.writeHead(401).end(JSON.stringify({ error: "invalid_client", error_description: "bad client credentials" }));
      if (body.get("grant_type") === "urn:ietf:params:oauth:grant-type:token-exchange") {
        const subjectType = body.get("subject_token_type");
        const subject = await jwtVerify(body.get("subject_token") ?? "", createLocalJWKSet(await publishedJwks()), {
          issuer: ISSUER,
          algorithms: ["ES256"],
          ...(subjectType === "urn:ietf:params:oauth:token-type:jwt" ? { audience: endpoint, typ: "JWT", maxTokenAge: 60 } : { typ: "at+jwt" }),
        }).catch((error: Error) => error);
        if (subject instanceof Error) return response.writeHead(400).end(JSON.stringify({ error: "invalid_grant", error_description: `subject_token: ${subject.message}` }));
        const { payload } = subject;
        const accessToken = await new SignJWT({ scope: body.get("scope") ?? "", task_id: payload.task_id, act: { sub: "steward" } }).setProtectedHeader({ alg: "ES256" }).setSubject(payload.sub!).setAudience(body.get("audience") ?? "downstream").setIssuedAt().setExpirationTime("90s").sign(signingKey);
        return response.writeHead(200).end(JSON.stringify({ access_token: accessToken, issued_token_type: "urn:ietf:params:oauth:token-type:access_token", token_type: "Bearer", expires_in: 90 }));
      }
      if (body.get("grant_type") !== "client_credentials") return response.writeHead(400).end(JSON.stringify({ error: "unsupported_grant_type" }));
      const accessToken = await new SignJWT({ scope: body.get("scope") ?? "" }).setProtectedHeader({ alg: "ES256" }).setSubject(id).setAudience(body.get("resource") ?? "downstream").setIssuedAt().setExpirationTime("2m").sign(signingKey);
      response.writeHead(200).end(JSON.stringify({ access_token: accessToken, token_type: "Bearer", expires_in: 120, scope: body.get("scope") }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  database = await openTestDatabase();
  ep = await registerTestGateway();
  forgetSigningKeys();
  await publishBaseline();
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await database?.close();
});

describe("downstream token release", () => {
  it("releases a short-lived token from the downstream's client-credentials endpoint instead of the client secret, audited and on the task and agent pages", async () => {
    const domain = await makeDomainKeys("downstream.test");
    await registerDomain(domain);
    const agent = await makeAgent("downstream-bot", ["github.create_issue"], "spiffe://downstream.test/agent/bot");
    const admin = userContext("admin");
    await saveSecret({ ctx: admin, input: { name: "github-app", upstream: "github.create_issue", value: JSON.stringify({ type: "oauth_client_credentials", token_endpoint: endpoint, client_id: CLIENT.id, client_secret: CLIENT.secret, scope: "issues:write", resource: "https://api.github.test" }) } });
    const task = await exchangeToken({ form: rootForm(await mintSvid(domain, "spiffe://downstream.test/agent/bot"), { scope: "github.create_issue" }), issuer: ISSUER });
    const taskExp = decodeJwt(task.access_token).exp!;

    const released = await releaseSecret({ ctx: ep, input: { token: task.access_token, secret: "github-app" }, issuer: ISSUER });
    expect(released).toMatchObject({ name: "github-app", kind: "downstream_token", tokenType: "Bearer" });
    expect(released.value).not.toContain(CLIENT.secret);
    const { payload } = await jwtVerify(released.value, verifyKey, { audience: "https://api.github.test", subject: CLIENT.id });
    expect(payload.scope).toBe("issues:write");
    expect(released.expiresAt).toBeLessThanOrEqual(Math.min(taskExp, payload.exp!));
    expect(seen.at(-1)!.body.get("grant_type")).toBe("client_credentials");
    expect(seen.at(-1)!.authorization).toMatch(/^Basic /);

    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, "secret.release"));
    expect(audit!.after).toMatchObject({ secretName: "github-app", kind: "downstream_token" });
    expect(JSON.stringify(audit)).not.toContain(CLIENT.secret);
    const taskId = decodeJwt(task.access_token).task_id as string;
    // The task and agent pages show what was released: a short-lived downstream token, and by which grant.
    expect((await getTask({ ctx: userContext("viewer"), taskId })).releases.map((row) => [row.secretName, row.kind, row.grant, row.released])).toEqual([["github-app", "downstream_token", "client_credentials", "short-lived downstream token (client credentials)"]]);
    expect((await observedCredentialPosture({ ctx: userContext("viewer"), agentId: agent.id, since: new Date(Date.now() - 60_000) })).releases.map((row) => [row.secretName, row.released])).toEqual([["github-app", "short-lived downstream token (client credentials)"]]);
  });

  it("releases nothing when the downstream refuses: no fallback to the client secret, no release recorded", async () => {
    const domain = await makeDomainKeys("refused.test");
    await registerDomain(domain);
    await makeAgent("refused-bot", ["jira.create"], "spiffe://refused.test/agent/bot");
    await saveSecret({ ctx: userContext("admin"), input: { name: "jira-app", upstream: "jira.create", value: JSON.stringify({ type: "oauth_client_credentials", token_endpoint: endpoint, client_id: CLIENT.id, client_secret: "wrong" }) } });
    const task = await exchangeToken({ form: rootForm(await mintSvid(domain, "spiffe://refused.test/agent/bot"), { scope: "jira.create" }), issuer: ISSUER });
    await expect(releaseSecret({ ctx: ep, input: { token: task.access_token, secret: "jira-app" }, issuer: ISSUER })).rejects.toMatchObject({ code: "unavailable", message: expect.stringMatching(/refused \(401 invalid_client: bad client credentials\)/) });
    expect(await database.db.select().from(secretReleases).where(eq(secretReleases.secretName, "jira-app"))).toEqual([]);
  });

  it("exchanges a Steward-signed assertion for a downstream token (RFC 8693): the agent and task asserted, the client secret kept", async () => {
    const domain = await makeDomainKeys("exchange.test");
    await registerDomain(domain);
    const agent = await makeAgent("exchange-bot", ["crm.update"], "spiffe://exchange.test/agent/bot");
    await saveSecret({ ctx: userContext("admin"), input: { name: "crm-sts", upstream: "crm.update", value: JSON.stringify({ type: "oauth_token_exchange", token_endpoint: endpoint, client_id: CLIENT.id, client_secret: CLIENT.secret, subject: "steward_assertion", audience: "https://crm.test", scope: "contacts:write" }) } });
    const task = await exchangeToken({ form: rootForm(await mintSvid(domain, "spiffe://exchange.test/agent/bot"), { scope: "crm.update" }), issuer: ISSUER });
    const taskId = decodeJwt(task.access_token).task_id as string;

    const released = await releaseSecret({ ctx: ep, input: { token: task.access_token, secret: "crm-sts" }, issuer: ISSUER });
    expect(released).toMatchObject({ name: "crm-sts", kind: "downstream_token", grant: "token_exchange", tokenType: "Bearer" });
    const { payload } = await jwtVerify(released.value, verifyKey, { audience: "https://crm.test", subject: agent.id });
    expect(payload).toMatchObject({ task_id: taskId, scope: "contacts:write" });
    // What went to the downstream: an assertion, not the task token itself, signed by Steward for that endpoint only.
    const sent = seen.at(-1)!.body;
    expect(sent.get("subject_token_type")).toBe("urn:ietf:params:oauth:token-type:jwt");
    expect(sent.get("subject_token")).not.toBe(task.access_token);
    expect(decodeProtectedHeader(sent.get("subject_token")!)).toMatchObject({ alg: "ES256", typ: "JWT" });
    const assertion = decodeJwt(sent.get("subject_token")!);
    expect(assertion).toMatchObject({ iss: ISSUER, sub: agent.id, aud: endpoint, task_id: taskId });
    expect(assertion.exp! - assertion.iat!).toBeLessThanOrEqual(60);
    expect(released.expiresAt).toBeLessThanOrEqual(Math.min(decodeJwt(task.access_token).exp!, payload.exp!));
    expect((await getTask({ ctx: userContext("viewer"), taskId })).releases.map((row) => [row.kind, row.grant, row.released])).toEqual([["downstream_token", "token_exchange", "short-lived downstream token (token exchange, RFC 8693)"]]);
    const [audit] = (await database.db.select().from(auditLog).where(eq(auditLog.action, "secret.release"))).filter((row) => (row.after as { secretName?: string }).secretName === "crm-sts");
    expect(audit!.after).toMatchObject({ kind: "downstream_token", grant: "token_exchange" });
    expect(JSON.stringify(audit)).not.toContain(CLIENT.secret);
  });

  it("exchanges the task token itself when the downstream trusts Steward's tokens, and refuses to release on the downstream's refusal", async () => {
    const domain = await makeDomainKeys("exchange2.test");
    await registerDomain(domain);
    const agent = await makeAgent("exchange2-bot", ["erp.read"], "spiffe://exchange2.test/agent/bot");
    await saveSecret({ ctx: userContext("admin"), input: { name: "erp-sts", upstream: "erp.read", value: JSON.stringify({ type: "oauth_token_exchange", token_endpoint: endpoint, client_id: CLIENT.id, client_secret: CLIENT.secret, subject: "task_token", audience: "https://erp.test" }) } });
    const task = await exchangeToken({ form: rootForm(await mintSvid(domain, "spiffe://exchange2.test/agent/bot"), { scope: "erp.read" }), issuer: ISSUER });
    const released = await releaseSecret({ ctx: ep, input: { token: task.access_token, secret: "erp-sts" }, issuer: ISSUER });
    expect(released).toMatchObject({ kind: "downstream_token", grant: "token_exchange" });
    expect(seen.at(-1)!.body.get("subject_token")).toBe(task.access_token);
    expect(seen.at(-1)!.body.get("subject_token_type")).toBe("urn:ietf:params:oauth:token-type:access_token");
    expect((await jwtVerify(released.value, verifyKey, { audience: "https://erp.test" })).payload.sub).toBe(agent.id);

    await saveSecret({ ctx: userContext("admin"), input: { name: "erp-sts-bad", upstream: "erp.read", value: JSON.stringify({ type: "oauth_token_exchange", token_endpoint: endpoint, client_id: CLIENT.id, client_secret: "wrong", subject: "task_token" }) } });
    await expect(releaseSecret({ ctx: ep, input: { token: task.access_token, secret: "erp-sts-bad" }, issuer: ISSUER })).rejects.toMatchObject({ code: "unavailable", message: expect.stringMatching(/invalid_client/) });
    expect(await database.db.select().from(secretReleases).where(eq(secretReleases.secretName, "erp-sts-bad"))).toEqual([]);
  });
});
