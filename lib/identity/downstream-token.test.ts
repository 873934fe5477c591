import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { decodeJwt, generateKeyPair, jwtVerify, SignJWT, type CryptoKey } from "jose";
import { openTestDatabase } from "@/testing/database";
import { auditLog, secretReleases } from "@/db/schema";
import type { Actor } from "../auth/actor";
import { userContext } from "@/testing/context";
import { releaseSecret, saveSecret } from "./secret-store";
import { forgetSigningKeys } from "./signing-keys";
import { getTask, observedCredentialPosture } from "./tasks-view";
import { exchangeToken } from "./token-exchange";
import { ISSUER, makeAgent, makeDomainKeys, mintSvid, publishBaseline, registerDomain, rootForm } from "@/testing/identity";

/** A tiny OAuth 2.0 token endpoint (client credentials, client_secret_basic) minting its access tokens with jose. */
let server: http.Server;
let endpoint: string;
let signingKey: CryptoKey;
let verifyKey: CryptoKey;
const seen: { authorization?: string; body: URLSearchParams }[] = [];
const CLIENT = { id: "steward-downstream", secret: "s3cr3t with spaces&symbols" };

let database: Awaited<ReturnType<typeof openTestDatabase>>;
const ep = { actor: { type: "enforcement_point", enforcementPointId: "ep_gateway", name: "gateway" } as Actor, requestId: "req_ep", ip: null };

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
      if (body.get("grant_type") !== "client_credentials") return response.writeHead(400).end(JSON.stringify({ error: "unsupported_grant_type" }));
      if (id !== CLIENT.id || secret !== CLIENT.secret) return response.writeHead(401).end(JSON.stringify({ error: "invalid_client", error_description: "bad client credentials" }));
      const accessToken = await new SignJWT({ scope: body.get("scope") ?? "" }).setProtectedHeader({ alg: "ES256" }).setSubject(id).setAudience(body.get("resource") ?? "downstream").setIssuedAt().setExpirationTime("2m").sign(signingKey);
      response.writeHead(200).end(JSON.stringify({ access_token: accessToken, token_type: "Bearer", expires_in: 120, scope: body.get("scope") }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  database = await openTestDatabase();
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
    expect((await getTask({ ctx: userContext("viewer"), taskId })).releases.map((row) => row.secretName)).toEqual(["github-app"]);
    expect((await observedCredentialPosture({ ctx: userContext("viewer"), agentId: agent.id, since: new Date(Date.now() - 60_000) })).releases.map((row) => row.secretName)).toEqual(["github-app"]);
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
});
