import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, UnsecuredJWT } from "jose";
import { openTestDatabase } from "@/testing/database";
import { auditLog, decisions, findings, secrets, signingKeys, taskTokens, usedAssertions } from "@/db/schema";
import { changeAgentStatus } from "../agents/assign-ownership";
import { updateSettings } from "../settings/settings";
import { userContext } from "@/testing/context";
import { registerAgentKey } from "./agent-keys";
import { IdentityError } from "./identity-error";
import { introspectToken } from "./introspection";
import { endTask, endTaskWithToken, revokeTokenByValue } from "./revocation";
import { readRevocations, waitForRevocations } from "./revocation-feed";
import { releaseSecret, saveSecret, listSecrets } from "./secret-store";
import { forgetSigningKeys, publishedJwks, rotateSigningKey } from "./signing-keys";
import { getTask, listTasks, observedCredentialPosture } from "./tasks-view";
import { ingestDecisions } from "../decisions/ingest-decisions";
import { exchangeToken } from "./token-exchange";
import { delegateForm, ISSUER, makeAgent, makeDomainKeys, mintSvid, publishBaseline, registerDomain, rootForm, TOKEN_ENDPOINT, type TestDomain, registerTestGateway, GATEWAY_AUDIENCE } from "@/testing/identity";
import { open, seal } from "./sealed-box";
import { randomBytes } from "node:crypto";
import { getEventListeners } from "node:events";
import { rejectionOf } from "@/testing/rejection";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let domain: TestDomain;
const SPIFFE = (name: string) => `spiffe://prod.test/agent/${name}`;
let planner: { id: string };
let researcher: { id: string };
let writer: { id: string };
let ep: Awaited<ReturnType<typeof registerTestGateway>>;
const admin = userContext("admin");

beforeAll(async () => {
  database = await openTestDatabase();
  ep = await registerTestGateway();
  forgetSigningKeys();
  await publishBaseline([`forbid (principal, action, resource) when { context.actionName == "forbidden_tool" };`, `@approval("security")\nforbid (principal, action, resource) when { context.actionName == "approval_tool" };`]);
  domain = await makeDomainKeys("prod.test");
  await registerDomain(domain);
  planner = await makeAgent("planner", ["search", "read_file", "write_file", "forbidden_tool", "approval_tool", ...Array.from({ length: 11 }, (_, i) => `bulk_${i}`)], SPIFFE("planner"));
  researcher = await makeAgent("researcher", ["search", "read_file"], SPIFFE("researcher"));
  writer = await makeAgent("writer", ["read_file", "write_file"], SPIFFE("writer"));
});
afterAll(async () => {
  await database?.close();
});

const exchange = (form: URLSearchParams, now?: Date) => exchangeToken({ form, issuer: ISSUER, now });
const refusal = (promise: Promise<unknown>) => rejectionOf(promise, IdentityError);
async function rootToken(agent = "planner", scope = "search read_file") {
  return exchange(rootForm(await mintSvid(domain, SPIFFE(agent)), { scope }));
}

describe("token exchange: an agent starts a task with its JWT-SVID", () => {
  it("issues an RFC 9068 task token signed by a published key, records the decision", async () => {
    const response = await rootToken();
    expect(response).toMatchObject({ issued_token_type: "urn:ietf:params:oauth:token-type:access_token", token_type: "Bearer", expires_in: 300, scope: "search read_file" });
    const header = decodeProtectedHeader(response.access_token);
    expect(header).toMatchObject({ typ: "at+jwt", alg: "ES256" });
    const { payload } = await jwtVerify(response.access_token, createLocalJWKSet(await publishedJwks()), { issuer: ISSUER, audience: "https://gateway.test/mcp", typ: "at+jwt", algorithms: ["ES256"] });
    expect(payload).toMatchObject({ sub: planner.id, client_id: SPIFFE("planner"), scope: "search read_file", purpose: "triage the inbox" });
    expect(payload.task_id).toMatch(/^tsk_/);
    expect(payload.act).toBeUndefined();
    expect(payload.exp! - payload.iat!).toBe(300);
    const recorded = await database.db.select().from(decisions).where(eq(decisions.taskId, payload.task_id as string));
    expect(recorded.map((row) => [row.actionName, row.actionKind, row.outcome, row.agentId]).sort()).toEqual([
      ["read_file", "token_issuance", "allow", planner.id],
      ["search", "token_issuance", "allow", planner.id],
    ]);
  });

  it("takes its lifetime from the setting, never past 15 minutes", async () => {
    await updateSettings({ ctx: admin, input: { taskTokenLifetimeSeconds: 60 } });
    expect((await rootToken()).expires_in).toBe(60);
    await expect(updateSettings({ ctx: admin, input: { taskTokenLifetimeSeconds: 901 } })).rejects.toThrow();
    await updateSettings({ ctx: admin, input: { taskTokenLifetimeSeconds: 300 } });
  });

  it("refuses an expired SVID, one not yet valid, and one issued in the future (beyond the 30 s skew)", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await refusal(exchange(rootForm(await mintSvid(domain, SPIFFE("planner"), { iat: now - 400, exp: now - 31 })))))).toMatchObject({ code: "invalid_request", message: "The credential has expired" });
    expect((await refusal(exchange(rootForm(await mintSvid(domain, SPIFFE("planner"), { nbf: now + 120 })))))).toMatchObject({ code: "invalid_request", message: expect.stringMatching(/nbf/) });
    expect((await refusal(exchange(rootForm(await mintSvid(domain, SPIFFE("planner"), { iat: now + 120, exp: now + 300 })))))).toMatchObject({ message: expect.stringMatching(/issued in the future/) });
    // Within the skew it passes.
    await expect(exchange(rootForm(await mintSvid(domain, SPIFFE("planner"), { iat: now - 300, exp: now - 10 }), { scope: "search" }))).resolves.toMatchObject({ scope: "search" });
  });

  it("refuses a wrong audience, several audiences, and an SVID living longer than an hour", async () => {
    expect((await refusal(exchange(rootForm(await mintSvid(domain, SPIFFE("planner"), { aud: "https://other.test/oauth/token" })))))).toMatchObject({ message: `The credential's audience must be exactly ${TOKEN_ENDPOINT}` });
    expect((await refusal(exchange(rootForm(await mintSvid(domain, SPIFFE("planner"), { aud: [TOKEN_ENDPOINT, "https://other.test"] })))))).toMatchObject({ message: `The credential's audience must be exactly ${TOKEN_ENDPOINT}` });
    const now = Math.floor(Date.now() / 1000);
    expect((await refusal(exchange(rootForm(await mintSvid(domain, SPIFFE("planner"), { iat: now, exp: now + 7200 })))))).toMatchObject({ message: expect.stringMatching(/longer than 3600 seconds/) });
  });

  it("refuses an unknown kid and a kid-less SVID", async () => {
    expect((await refusal(exchange(rootForm(await mintSvid(domain, SPIFFE("planner"), { kid: "nope" })))))).toMatchObject({ message: "Unknown kid nope for the trust domain prod.test" });
    const other = await makeDomainKeys("prod.test", "prod.test-k1"); // same kid, another key: the signature fails
    expect((await refusal(exchange(rootForm(await mintSvid(other, SPIFFE("planner"))))))).toMatchObject({ message: "The credential's signature does not verify" });
  });

  it("refuses an untrusted trust domain", async () => {
    const rogue = await makeDomainKeys("rogue.test");
    expect((await refusal(exchange(rootForm(await mintSvid(rogue, "spiffe://rogue.test/agent/planner")))))).toMatchObject({ message: "The trust domain rogue.test is not trusted" });
  });

  it("refuses alg confusion: none, HS256 keyed with the public key, and an algorithm the domain does not allow", async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsecured = new UnsecuredJWT({ sub: SPIFFE("planner"), aud: TOKEN_ENDPOINT, iat: now, exp: now + 60, jti: "u1" }).encode();
    expect((await refusal(exchange(rootForm(unsecured))))).toMatchObject({ message: "The algorithm none is never accepted (asymmetric algorithms only)" });
    const publicBytes = new TextEncoder().encode(JSON.stringify(domain.publicJwk));
    const hmac = await new SignJWT({ sub: SPIFFE("planner"), aud: TOKEN_ENDPOINT, iat: now, exp: now + 60, jti: "h1" }).setProtectedHeader({ alg: "HS256", kid: domain.kid }).sign(publicBytes);
    expect((await refusal(exchange(rootForm(hmac))))).toMatchObject({ message: "The algorithm HS256 is never accepted (asymmetric algorithms only)" });
    const rsa = await makeDomainKeys("prod.test", domain.kid, "RS256");
    expect((await refusal(exchange(rootForm(await mintSvid(rsa, SPIFFE("planner"), { alg: "RS256" })))))).toMatchObject({ message: "The algorithm RS256 is not allowed for the trust domain prod.test" });
  });

  it("refuses a replayed jti, and a replayed SVID without jti", async () => {
    const svid = await mintSvid(domain, SPIFFE("planner"));
    await exchange(rootForm(svid, { scope: "search" }));
    expect((await refusal(exchange(rootForm(svid, { scope: "search" }))))).toMatchObject({ message: "The credential was already used (replayed jti)" });
    const noJti = await mintSvid(domain, SPIFFE("planner"), { jti: null });
    await exchange(rootForm(noJti, { scope: "search" }));
    expect((await refusal(exchange(rootForm(noJti, { scope: "search" }))))).toMatchObject({ message: "The credential was already used (replayed jti)" });
    const kept = await database.db.select().from(usedAssertions).where(eq(usedAssertions.issuer, "spiffe://prod.test"));
    expect(kept.every((row) => row.expiresAt.getTime() > Date.now())).toBe(true);
  });

  it("refuses a widened scope and records each entry as a deny with the reason", async () => {
    const error = await refusal(exchange(rootForm(await mintSvid(domain, SPIFFE("researcher")), { scope: "search delete_everything" })));
    expect(error).toMatchObject({ code: "invalid_scope", message: "Scope can only narrow: scope delete_everything is outside the agent's declared scope" });
    const denies = await database.db.select().from(decisions).where(and(eq(decisions.agentId, researcher.id), eq(decisions.actionName, "delete_everything")));
    expect(denies).toHaveLength(1);
    expect(denies[0]).toMatchObject({ outcome: "deny", actionKind: "token_issuance", reasons: ["scope delete_everything is outside the agent's declared scope"] });
  });

  it("refuses what policy forbids, even inside the declared scope", async () => {
    const error = await refusal(rootToken("planner", "search forbidden_tool"));
    expect(error).toMatchObject({ code: "access_denied" });
    expect(error.message).toMatch(/forbidden_tool/);
    const [row] = await database.db.select().from(decisions).where(and(eq(decisions.agentId, planner.id), eq(decisions.actionName, "forbidden_tool")));
    expect(row).toMatchObject({ outcome: "deny", actionKind: "token_issuance" });
  });

  it("grants a scope entry that policy holds for approval per call (a requestable forbid), recording why", async () => {
    const response = await rootToken("planner", "search approval_tool");
    expect(response.scope).toBe("search approval_tool");
    const taskId = decodeJwt(response.access_token).task_id as string;
    const [row] = await database.db.select().from(decisions).where(and(eq(decisions.taskId, taskId), eq(decisions.actionName, "approval_tool")));
    expect(row).toMatchObject({ outcome: "allow", actionKind: "token_issuance" });
    expect(row!.reasons).toContain("approval required per call");
  });

  it("a SPIFFE ID the inventory does not know becomes a discovered agent and gets nothing", async () => {
    const error = await refusal(exchange(rootForm(await mintSvid(domain, "spiffe://prod.test/agent/shadow"))));
    expect(error).toMatchObject({ code: "access_denied", message: expect.stringMatching(/not registered/) });
    const [finding] = await database.db.select().from(findings).where(eq(findings.kind, "discovered"));
    expect(finding).toBeDefined();
  });

  it("a known workload path from an unexpected trust domain is a finding on the registered agent", async () => {
    const staging = await makeDomainKeys("staging.test");
    await registerDomain(staging);
    await refusal(exchange(rootForm(await mintSvid(staging, "spiffe://staging.test/agent/writer"))));
    const [finding] = await database.db.select().from(findings).where(and(eq(findings.agentId, writer.id), eq(findings.kind, "unexpected_trust_domain")));
    expect(finding).toMatchObject({ status: "open", detail: expect.stringContaining("spiffe://staging.test/agent/writer") });
  });

  it("a token with more than ten scope entries raises a wide-scope finding", async () => {
    await rootToken("planner", Array.from({ length: 11 }, (_, i) => `bulk_${i}`).join(" "));
    const [finding] = await database.db.select().from(findings).where(and(eq(findings.agentId, planner.id), eq(findings.kind, "wide_scope")));
    expect(finding).toMatchObject({ status: "open" });
  });
});

describe("private_key_jwt (RFC 7523) client assertions", () => {
  it("verifies against the key registered on the agent and refuses unknown keys and a missing jti", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    const agent = await makeAgent("no-spiffe", ["search"]);
    const key = await registerAgentKey({ ctx: userContext("security"), input: { agentId: agent.id, alg: "ES256", jwk: await exportJWK(publicKey) } });
    const now = Math.floor(Date.now() / 1000);
    const assertion = (kid: string, jti: string | undefined = crypto.randomUUID()) =>
      new SignJWT({ iss: agent.id, sub: agent.id, aud: TOKEN_ENDPOINT, iat: now, exp: now + 60, ...(jti ? { jti } : {}) }).setProtectedHeader({ alg: "ES256", kid }).sign(privateKey);
    const issued = await exchange(rootForm(await assertion(key.kid)));
    expect(decodeJwt(issued.access_token)).toMatchObject({ sub: agent.id, client_id: agent.id, scope: "search" });
    expect((await refusal(exchange(rootForm(await assertion("other-kid")))))).toMatchObject({ message: `Unknown kid other-kid for client ${agent.id}` });
    expect((await refusal(exchange(rootForm(await assertion(key.kid, "")))))).toMatchObject({ message: "A client assertion needs a jti" });
  });
});

describe("delegation", () => {
  it("narrows scope, nests act, keeps the task and never outlives the parent", async () => {
    const parent = await rootToken("planner", "search read_file write_file");
    const child = await exchange(delegateForm(parent.access_token, await mintSvid(domain, SPIFFE("researcher")), { scope: "search" }));
    const parentClaims = decodeJwt(parent.access_token);
    const childClaims = decodeJwt(child.access_token);
    expect(childClaims).toMatchObject({ sub: researcher.id, scope: "search", task_id: parentClaims.task_id, aud: parentClaims.aud, act: { sub: planner.id } });
    expect(childClaims.exp).toBeLessThanOrEqual(parentClaims.exp!);
    // Without a scope: the parent's ∩ the delegate's declared scope.
    const implicit = await exchange(delegateForm(parent.access_token, await mintSvid(domain, SPIFFE("writer"))));
    expect(implicit.scope).toBe("read_file write_file");
    const grandchild = await exchange(delegateForm(child.access_token, await mintSvid(domain, SPIFFE("planner")), { scope: "search" }));
    expect(decodeJwt(grandchild.access_token).act).toEqual({ sub: researcher.id, act: { sub: planner.id } });
    const view = await getTask({ ctx: userContext("viewer"), taskId: parentClaims.task_id as string });
    expect(view.tree).toHaveLength(1);
    expect(view.tree[0]!.children.map((node) => [node.agentId, node.scope])).toEqual([
      [researcher.id, ["search"]],
      [writer.id, ["read_file", "write_file"]],
    ]);
    expect(view.tree[0]!.children[0]!.children[0]).toMatchObject({ agentId: planner.id, depth: 2 });
  });

  it("refuses widening beyond the parent's scope or the delegate's declared scope, recorded as denies", async () => {
    const parent = await rootToken("planner", "search");
    const error = await refusal(exchange(delegateForm(parent.access_token, await mintSvid(domain, SPIFFE("researcher")), { scope: "search read_file" })));
    expect(error).toMatchObject({ code: "invalid_scope", message: "Scope can only narrow: scope read_file is outside the parent token's scope" });
    const wide = await rootToken("planner", "search write_file");
    expect((await refusal(exchange(delegateForm(wide.access_token, await mintSvid(domain, SPIFFE("researcher")), { scope: "write_file" }))))).toMatchObject({ message: "Scope can only narrow: scope write_file is outside the agent's declared scope" });
    const taskId = decodeJwt(parent.access_token).task_id as string;
    const denies = await database.db.select().from(decisions).where(and(eq(decisions.taskId, taskId), eq(decisions.outcome, "deny")));
    expect(denies.find((row) => row.actionName === "read_file")).toMatchObject({ agentId: researcher.id, reasons: ["scope read_file is outside the parent token's scope"], delegation: [planner.id, researcher.id] });
    expect((await refusal(exchange(delegateForm(wide.access_token, await mintSvid(domain, SPIFFE("researcher")), { scope: "search", resource: "https://elsewhere.test" }))))).toMatchObject({ code: "invalid_target" });
  });

  it("refuses a chain longer than the maxDelegationDepth setting, with a finding and a recorded deny", async () => {
    await updateSettings({ ctx: admin, input: { maxDelegationDepth: 2 } });
    try {
      const parent = await rootToken("planner", "search");
      const child = await exchange(delegateForm(parent.access_token, await mintSvid(domain, SPIFFE("researcher"))));
      const error = await refusal(exchange(delegateForm(child.access_token, await mintSvid(domain, SPIFFE("planner")))));
      expect(error).toMatchObject({ code: "access_denied", message: "Delegation refused: the chain would hold 3 agents; the maximum is 2" });
      const [finding] = await database.db.select().from(findings).where(and(eq(findings.agentId, planner.id), eq(findings.kind, "delegation_depth_exceeded")));
      expect(finding).toMatchObject({ status: "open" });
      const denies = await database.db.select().from(decisions).where(and(eq(decisions.taskId, decodeJwt(parent.access_token).task_id as string), eq(decisions.outcome, "deny")));
      expect(denies[0]!.reasons[0]).toMatch(/delegation depth 3 exceeds the maximum of 2/);
    } finally {
      await updateSettings({ ctx: admin, input: { maxDelegationDepth: 3 } });
    }
  });

  it("refuses an expired parent and a revoked parent", async () => {
    const parent = await rootToken("planner", "search");
    const later = new Date(Date.now() + 301_000);
    const actor = await mintSvid(domain, SPIFFE("researcher"), { iat: Math.floor(later.getTime() / 1000) - 10, exp: Math.floor(later.getTime() / 1000) + 60 });
    expect((await refusal(exchange(delegateForm(parent.access_token, actor), later)))).toMatchObject({ message: "The parent task token has expired" });
    expect(await revokeTokenByValue({ token: parent.access_token, issuer: ISSUER })).toBe(true);
    expect((await refusal(exchange(delegateForm(parent.access_token, await mintSvid(domain, SPIFFE("researcher"))))))).toMatchObject({ message: "The parent task token has been revoked" });
    // A token of another issuer cannot be a parent.
    expect((await refusal(exchangeToken({ form: delegateForm(parent.access_token, await mintSvid(domain, SPIFFE("researcher"))), issuer: "http://elsewhere.test" })))).toMatchObject({ message: expect.stringMatching(/not a valid task token/) });
  });
});

describe("signing keys", () => {
  it("publishes a new key before it signs and keeps the old one until its tokens have expired", async () => {
    const before = await rootToken("planner", "search");
    const oldKid = decodeProtectedHeader(before.access_token).kid;
    const rotated = await rotateSigningKey({ ctx: admin, input: { leadSeconds: 60 } });
    const jwks = await publishedJwks();
    expect(jwks.keys.map((key) => key.kid)).toEqual(expect.arrayContaining([oldKid, rotated.kid]));
    // Still signed with the old key until the new one activates.
    expect(decodeProtectedHeader((await rootToken("planner", "search")).access_token).kid).toBe(oldKid);
    const afterActivation = new Date(rotated.activatesAt.getTime() + 1000);
    const svid = await mintSvid(domain, SPIFFE("planner"), { iat: Math.floor(afterActivation.getTime() / 1000), exp: Math.floor(afterActivation.getTime() / 1000) + 60 });
    const after = await exchange(rootForm(svid, { scope: "search" }), afterActivation);
    expect(decodeProtectedHeader(after.access_token).kid).toBe(rotated.kid);
    // The token in flight signed by the old key still introspects as active and verifies with the JWKS.
    expect(await introspectToken({ ctx: ep, token: before.access_token, issuer: ISSUER })).toMatchObject({ active: true });
    await jwtVerify(before.access_token, createLocalJWKSet(await publishedJwks(afterActivation)), { currentDate: afterActivation });
    // Once its tokens have expired the old key leaves the JWKS.
    const [old] = await database.db.select().from(signingKeys).where(eq(signingKeys.kid, oldKid!));
    expect(old!.retiresAt!.getTime()).toBe(rotated.activatesAt.getTime() + 900_000);
    expect((await publishedJwks(new Date(old!.retiresAt!.getTime() + 1000))).keys.map((key) => key.kid)).not.toContain(oldKid);
    forgetSigningKeys();
  });

  it("stores private keys sealed, never in the clear", async () => {
    const rows = await database.db.select().from(signingKeys);
    for (const row of rows) {
      expect(row.privateKeySealed).toMatch(/^v1\./);
      expect(row.privateKeySealed).not.toContain("PRIVATE KEY");
    }
    expect(() => open(seal("x", "a"), "b")).toThrow();
    const key = randomBytes(32);
    expect(() => open(seal("x", "a", key), "a")).toThrow(/not configured/);
    expect(open(seal("x", "a", key), "a", [key]).toString()).toBe("x");
  });
});

describe("revocation, the feed and introspection", () => {
  it("ending a task revokes every token of it and the feed shows it at once to a waiting client", async () => {
    const parent = await rootToken("planner", "search read_file");
    const child = await exchange(delegateForm(parent.access_token, await mintSvid(domain, SPIFFE("researcher")), { scope: "search" }));
    const taskId = decodeJwt(parent.access_token).task_id as string;
    const start = await readRevocations(database.db, null);
    const waiting = waitForRevocations(database.db, Number(start.cursor), 10);
    const endedAt = Date.now();
    await endTask({ ctx: userContext("security"), input: { taskId } });
    const feed = await waiting;
    expect(Date.now() - endedAt).toBeLessThan(1000);
    expect(feed.endedTasks).toEqual([{ taskId, exp: decodeJwt(parent.access_token).exp }]);
    expect(Number(feed.cursor)).toBeGreaterThan(Number(start.cursor));
    const rows = await database.db.select().from(taskTokens).where(eq(taskTokens.taskId, taskId));
    expect(rows.map((row) => row.revokedReason)).toEqual(["task ended", "task ended"]);
    for (const token of [parent, child]) expect(await introspectToken({ ctx: ep, token: token.access_token, issuer: ISSUER })).toEqual({ active: false });
    expect((await database.db.select().from(auditLog).where(eq(auditLog.action, "task.end"))).length).toBeGreaterThan(0);
    await expect(endTask({ ctx: userContext("viewer"), input: { taskId } })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("a long-poll keeps one abort listener on the request's signal however many times it re-reads, and none after", async () => {
    // The feed re-reads every second; a listener per round piled up on the request's signal
    // (MaxListenersExceededWarning in the console during the demo's 30 s long-polls).
    const start = await readRevocations(database.db, null);
    const controller = new AbortController();
    const counts: number[] = [];
    const sampler = setInterval(() => counts.push(getEventListeners(controller.signal, "abort").length), 200);
    const waited = Date.now();
    await waitForRevocations(database.db, Number(start.cursor), 3, controller.signal);
    clearInterval(sampler);
    expect(Date.now() - waited).toBeGreaterThanOrEqual(2900);
    expect(counts.length).toBeGreaterThan(10);
    expect(Math.max(...counts)).toBe(1);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);

    // An abort ends the wait at once, and leaves nothing behind either.
    const aborted = new AbortController();
    const waiting = waitForRevocations(database.db, Number(start.cursor), 30, aborted.signal);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const abortedAt = Date.now();
    aborted.abort();
    await waiting;
    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(getEventListeners(aborted.signal, "abort")).toHaveLength(0);
  });

  it("an agent ends its own task with one of the task's tokens, not another task's", async () => {
    const mine = await rootToken("planner", "search");
    const other = await rootToken("planner", "search");
    const taskId = decodeJwt(mine.access_token).task_id as string;
    await expect(endTaskWithToken({ token: other.access_token, issuer: ISSUER, taskId, requestId: "r" })).rejects.toMatchObject({ code: "forbidden" });
    await endTaskWithToken({ token: mine.access_token, issuer: ISSUER, taskId, requestId: "r" });
    expect(await introspectToken({ ctx: ep, token: mine.access_token, issuer: ISSUER })).toEqual({ active: false });
    expect(await introspectToken({ ctx: ep, token: other.access_token, issuer: ISSUER })).toMatchObject({ active: true });
    // The task page names the agent that ended it.
    const { task } = await getTask({ ctx: userContext("viewer"), taskId });
    expect(task).toMatchObject({ state: "ended", endedBy: planner.id, endedByName: "planner" });
  });

  it("RFC 7009 revokes one token; the feed lists its jti until it expires; foreign tokens are a no-op", async () => {
    const token = await rootToken("planner", "search");
    const start = await readRevocations(database.db, null);
    expect(await revokeTokenByValue({ token: token.access_token, issuer: ISSUER })).toBe(true);
    expect(await revokeTokenByValue({ token: token.access_token, issuer: ISSUER })).toBe(false);
    expect(await revokeTokenByValue({ token: "not-a-token", issuer: ISSUER })).toBe(false);
    const claims = decodeJwt(token.access_token);
    const feed = await readRevocations(database.db, Number(start.cursor));
    expect(feed.revoked).toEqual([{ jti: claims.jti, exp: claims.exp }]);
    expect((await readRevocations(database.db, null)).revoked.map((entry) => entry.jti)).toContain(claims.jti);
    expect((await readRevocations(database.db, null, new Date((claims.exp! + 1) * 1000))).revoked.map((entry) => entry.jti)).not.toContain(claims.jti);
  });

  it("suspending an agent, by any path, revokes all its tokens and puts it on the feed", async () => {
    const agent = await makeAgent("short-lived", ["search"], SPIFFE("short-lived"));
    const token = await exchange(rootForm(await mintSvid(domain, SPIFFE("short-lived")), { scope: "search" }));
    const start = await readRevocations(database.db, null);
    const waiting = waitForRevocations(database.db, Number(start.cursor), 10);
    await changeAgentStatus({ ctx: userContext("security"), input: { agentIds: [agent.id], status: "suspended" } });
    const feed = await waiting;
    expect(feed.revokedAgents.map((entry) => entry.agentId)).toEqual([agent.id]);
    expect(await introspectToken({ ctx: ep, token: token.access_token, issuer: ISSUER })).toEqual({ active: false });
    expect((await refusal(exchange(rootForm(await mintSvid(domain, SPIFFE("short-lived"))))))).toMatchObject({ code: "access_denied", message: `Agent ${agent.id} is suspended` });
  });

  it("introspection answers only enforcement points and carries the claims of a live token", async () => {
    const token = await rootToken("researcher", "search");
    const claims = decodeJwt(token.access_token);
    expect(await introspectToken({ ctx: ep, token: token.access_token, issuer: ISSUER })).toMatchObject({ active: true, sub: researcher.id, scope: "search", task_id: claims.task_id, jti: claims.jti, token_type: "Bearer" });
    await expect(introspectToken({ ctx: admin, token: token.access_token, issuer: ISSUER })).rejects.toMatchObject({ code: "forbidden" });
    expect(await introspectToken({ ctx: ep, token: token.access_token, issuer: ISSUER, now: new Date((claims.exp! + 1) * 1000) })).toEqual({ active: false });
  });

  it("introspection tells an enforcement point only about tokens for an audience it serves", async () => {
    const token = await rootToken("researcher", "search");
    expect(decodeJwt(token.access_token).aud).toBe(GATEWAY_AUDIENCE);
    const elsewhere = await registerTestGateway(["https://other-gateway.test/mcp"]);
    const unregistered = await registerTestGateway([]);
    // The same live token: active to the EP serving its audience, nothing to the others.
    expect(await introspectToken({ ctx: ep, token: token.access_token, issuer: ISSUER })).toMatchObject({ active: true });
    expect(await introspectToken({ ctx: elsewhere, token: token.access_token, issuer: ISSUER })).toEqual({ active: false });
    expect(await introspectToken({ ctx: unregistered, token: token.access_token, issuer: ISSUER })).toEqual({ active: false });
  });
});

describe("just-in-time secrets", () => {
  it("seals values, releases only to an EP serving the token's audience for a live token carrying the upstream, and audits each release", async () => {
    await saveSecret({ ctx: admin, input: { name: "github-token", upstream: "write_file", value: "ghp_supersecretvalue123" } });
    await expect(saveSecret({ ctx: userContext("security"), input: { name: "x", upstream: "a", value: "b" } })).rejects.toMatchObject({ code: "forbidden" });
    const listed = await listSecrets({ ctx: userContext("viewer") });
    expect(JSON.stringify(listed)).not.toContain("ghp_supersecretvalue123");
    const [stored] = await database.db.select().from(secrets).where(eq(secrets.name, "github-token"));
    expect(stored!.valueSealed).not.toContain("ghp_supersecretvalue123");

    const withScope = await rootToken("writer", "write_file");
    const released = await releaseSecret({ ctx: ep, input: { token: withScope.access_token, secret: "github-token" }, issuer: ISSUER });
    expect(released).toMatchObject({ name: "github-token", value: "ghp_supersecretvalue123", kind: "secret" });
    const releasedFor = await getTask({ ctx: userContext("viewer"), taskId: decodeJwt(withScope.access_token).task_id as string });
    expect(releasedFor.releases.map((row) => [row.secretName, row.kind, row.grant, row.released])).toEqual([["github-token", "secret", null, "static secret"]]);
    const without = await rootToken("writer", "read_file");
    await expect(releaseSecret({ ctx: ep, input: { token: without.access_token, secret: "github-token" }, issuer: ISSUER })).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/does not carry write_file/) });
    await expect(releaseSecret({ ctx: admin, input: { token: withScope.access_token, secret: "github-token" }, issuer: ISSUER })).rejects.toMatchObject({ code: "forbidden" });
    // A live token with the scope, presented by an EP that does not serve its audience (another gateway, or one with none registered).
    const otherGateway = await registerTestGateway(["https://other-gateway.test/mcp"]);
    await expect(releaseSecret({ ctx: otherGateway, input: { token: withScope.access_token, secret: "github-token" }, issuer: ISSUER })).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/is for https:\/\/gateway\.test\/mcp, which the enforcement point .* does not serve/) });
    const unregistered = await registerTestGateway([]);
    await expect(releaseSecret({ ctx: unregistered, input: { token: withScope.access_token, secret: "github-token" }, issuer: ISSUER })).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/has no registered audience/) });
    await endTask({ ctx: admin, input: { taskId: decodeJwt(withScope.access_token).task_id as string } });
    await expect(releaseSecret({ ctx: ep, input: { token: withScope.access_token, secret: "github-token" }, issuer: ISSUER })).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/not live/) });

    const audits = await database.db.select().from(auditLog).where(eq(auditLog.action, "secret.release"));
    expect(audits).toHaveLength(1);
    expect(JSON.stringify(await database.db.select().from(auditLog))).not.toContain("ghp_supersecretvalue123");
    const view = await getTask({ ctx: userContext("viewer"), taskId: decodeJwt(withScope.access_token).task_id as string });
    expect(view.releases.map((row) => row.secretName)).toEqual(["github-token"]);
  });
});

describe("tasks and observed posture read models", () => {
  it("lists live and ended tasks and tells task-token holders from agents acting on standing credentials", async () => {
    const live = await rootToken("researcher", "search");
    const ended = await rootToken("researcher", "read_file");
    await endTask({ ctx: admin, input: { taskId: decodeJwt(ended.access_token).task_id as string } });
    const viewer = userContext("viewer");
    const liveIds = (await listTasks({ ctx: viewer, query: { status: "live" } })).map((task) => task.id);
    const endedIds = (await listTasks({ ctx: viewer, query: { status: "ended" } })).map((task) => task.id);
    expect(liveIds).toContain(decodeJwt(live.access_token).task_id);
    expect(liveIds).not.toContain(decodeJwt(ended.access_token).task_id);
    expect(endedIds).toContain(decodeJwt(ended.access_token).task_id);
    const since = new Date(Date.now() - 86_400_000);
    expect(await observedCredentialPosture({ ctx: viewer, agentId: researcher.id, since })).toMatchObject({ posture: "task_tokens", longestLifetimeSeconds: 300, identities: [{ identity: SPIFFE("researcher"), authMethod: "jwt-svid", trustDomain: "prod.test" }] });
    const legacy = await makeAgent("legacy", ["search"]);
    expect((await observedCredentialPosture({ ctx: viewer, agentId: legacy.id, since })).posture).toBe("none_observed");
    await ingestDecisions({ ctx: ep, input: [{ value: { id: "legacy-1", time: new Date().toISOString(), agent: { id: legacy.id }, action: { name: "search" }, resource: { type: "tool", id: "search" }, outcome: "allow" } }] });
    expect(await observedCredentialPosture({ ctx: viewer, agentId: legacy.id, since })).toMatchObject({ posture: "standing", enforcementDecisions: 1 });
  });
});
