import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq, sql } from "drizzle-orm";
import { agentIdentities, agents, decisions, taskTokens, tasks, usedAssertions } from "@/db/schema";
import { withRawTransaction } from "@/db/raw-sql";
import { issueRootTaskTokenIfCurrent, type AgentAsJudged } from "@/db/identity/task-tokens";
import { openTestDatabase } from "@/testing/database";
import { userContext } from "@/testing/context";
import { countTransactions } from "@/testing/transactions";
import { ISSUER, makeAgent, makeDomainKeys, mintSvid, publishBaseline, registerDomain, rootForm, type TestDomain } from "@/testing/identity";
import { PolicyEngine } from "../policies/engine";
import { ENGINE_REFRESH_MS, forgetPublishedEngine, getPublishedEngine } from "../policies/published-engine";
import { IdentityError } from "./identity-error";
import { SIGNING_KEY_REFRESH_MS } from "./constants";
import { currentSigner, forgetSigningKeys, rotateSigningKey } from "./signing-keys";
import { exchangeToken } from "./token-exchange";
import { rejectionOf } from "@/testing/rejection";

/**
 * What one token exchange costs the database, pinned so it cannot creep back: an agent starting a
 * task is one transaction (decision record, credential claim, task and token together), and the
 * shortcuts that make it one — a cached agent row, a memo of Cedar's answers — never change an answer.
 */
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let domain: TestDomain;
const SPIFFE = (name: string) => `spiffe://cost.test/agent/${name}`;

beforeAll(async () => {
  database = await openTestDatabase();
  forgetSigningKeys();
  await publishBaseline();
  domain = await makeDomainKeys("cost.test");
  await registerDomain(domain);
});
afterAll(async () => {
  await database?.close();
});

const exchange = async (agent: string, scope: string) => exchangeToken({ form: rootForm(await mintSvid(domain, SPIFFE(agent)), { scope }), issuer: ISSUER });
const refusal = (promise: Promise<unknown>) => rejectionOf(promise, IdentityError);
// An agent changed in the last two seconds is judged on a freshly loaded engine (decideIssuance): let that pass.
const settle = () => new Promise((resolve) => setTimeout(resolve, ENGINE_REFRESH_MS + 1_100));
const decisionCount = async () => (await database.db.select({ n: sql<number>`count(*)::int` }).from(decisions))[0]!.n;

describe("token exchange: database transactions", () => {
  it("an agent starting a task costs one transaction: the decisions, the credential's claim, the task and the token commit together", async () => {
    await makeAgent("counted", ["search", "read_file"], SPIFFE("counted"));
    await settle();
    // Warm: signing keys, settings, the agent's row, the enforcement point's last-seen mark.
    await exchange("counted", "search read_file");
    // A freshly loaded engine is not re-checked for a second, so its background refresh stays out of the count.
    forgetPublishedEngine();
    await getPublishedEngine(database.db);
    const counter = countTransactions(database);
    try {
      const svid = await mintSvid(domain, SPIFFE("counted"));
      counter.reset();
      const response = await exchangeToken({ form: rootForm(svid, { scope: "search read_file" }), issuer: ISSUER });
      expect({ transactions: counter.count, statements: counter.statements }).toMatchObject({ transactions: 1 });
      const taskId = JSON.parse(Buffer.from(response.access_token.split(".")[1]!, "base64url").toString()).task_id as string;
      expect(await database.db.select({ jti: taskTokens.jti }).from(taskTokens).where(eq(taskTokens.taskId, taskId))).toHaveLength(1);
      expect(await database.db.select({ id: decisions.decisionId }).from(decisions).where(eq(decisions.taskId, taskId))).toHaveLength(2);
    } finally {
      counter.stop();
    }
  });

  it("asks Cedar once for the same agent, scope and audience, task after task", async () => {
    await makeAgent("memo", ["search", "read_file"], SPIFFE("memo"));
    await settle();
    forgetPublishedEngine();
    const cedar = vi.spyOn(PolicyEngine.prototype, "evaluateCedar");
    try {
      await exchange("memo", "search read_file");
      const first = cedar.mock.calls.length;
      expect(first).toBe(2);
      await exchange("memo", "search read_file");
      await exchange("memo", "read_file search");
      expect(cedar.mock.calls.length).toBe(first);
    } finally {
      cedar.mockRestore();
    }
  });
});

describe("token exchange: a cached agent row never decides alone", () => {
  it("an agent suspended behind the cache's back (no updated_at change) gets no token", async () => {
    const agent = await makeAgent("suspended-behind", ["search"], SPIFFE("suspended-behind"));
    await exchange("suspended-behind", "search");
    // A raw status change that skips the trigger's revocation, the audit and the updated_at bump:
    // only the issuing statement's own check of the row can catch it.
    await database.db.update(agents).set({ status: "suspended" }).where(eq(agents.id, agent.id));
    const before = await decisionCount();
    expect(await refusal(exchange("suspended-behind", "search"))).toMatchObject({ code: "access_denied", message: `Agent ${agent.id} is suspended` });
    expect(await decisionCount()).toBe(before);
    expect(await database.db.select({ jti: taskTokens.jti }).from(taskTokens).where(eq(taskTokens.agentId, agent.id))).toHaveLength(1);
  });

  it("a scope removed behind the cache's back is refused, and one added is granted at once, each judged on a fresh read", async () => {
    const agent = await makeAgent("rescoped", ["search", "read_file"], SPIFFE("rescoped"));
    await exchange("rescoped", "search read_file");
    await database.db.update(agents).set({ declaredActions: ["search"] }).where(eq(agents.id, agent.id));
    expect(await refusal(exchange("rescoped", "search read_file"))).toMatchObject({ code: "invalid_scope", message: "Scope can only narrow: scope read_file is outside the agent's declared scope" });
    await exchange("rescoped", "search");
    await database.db.update(agents).set({ declaredActions: ["search", "read_file"] }).where(eq(agents.id, agent.id));
    // The published engine's inventory decides policy; a new snapshot sees the restored scope.
    forgetPublishedEngine();
    expect((await exchange("rescoped", "search read_file")).scope).toBe("search read_file");
  });

  it("a replayed SVID is refused at its claim and leaves no decision, token or task behind", async () => {
    const agent = await makeAgent("replayed", ["search"], SPIFFE("replayed"));
    await exchange("replayed", "search");
    const svid = await mintSvid(domain, SPIFFE("replayed"));
    await exchangeToken({ form: rootForm(svid, { scope: "search" }), issuer: ISSUER });
    const before = await decisionCount();
    expect(await refusal(exchangeToken({ form: rootForm(svid, { scope: "search" }), issuer: ISSUER }))).toMatchObject({ message: "The credential was already used (replayed jti)" });
    expect(await decisionCount()).toBe(before);
    expect(await database.db.select({ jti: taskTokens.jti }).from(taskTokens).where(eq(taskTokens.agentId, agent.id))).toHaveLength(2);
  });

  it("concurrent exchanges commit as a group, and a replay among them refuses only itself", async () => {
    const agent = await makeAgent("grouped", ["search"], SPIFFE("grouped"));
    await exchange("grouped", "search");
    const replayed = await mintSvid(domain, SPIFFE("grouped"));
    const forms = [replayed, replayed, ...(await Promise.all(Array.from({ length: 6 }, () => mintSvid(domain, SPIFFE("grouped")))))].map((svid) => rootForm(svid, { scope: "search" }));
    const before = await decisionCount();
    const outcomes = await Promise.allSettled(forms.map((form) => exchangeToken({ form, issuer: ISSUER })));
    const refused = outcomes.filter((outcome) => outcome.status === "rejected");
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ message: "The credential was already used (replayed jti)" });
    expect(await decisionCount()).toBe(before + 7);
    expect(await database.db.select({ jti: taskTokens.jti }).from(taskTokens).where(eq(taskTokens.agentId, agent.id))).toHaveLength(8);
  });
});

describe("the issuing statement re-checks the agent as issuance judged it", () => {
  let n = 0;
  async function attempt(judged: AgentAsJudged) {
    n++;
    const now = new Date();
    const later = new Date(now.getTime() + 300_000);
    const outcome = await withRawTransaction(database, (query) =>
      issueRootTaskTokenIfCurrent(
        query,
        judged,
        { issuer: "spiffe://cost.test", jti: `jti:check-${n}`, expiresAt: later },
        { id: `tsk_check_${n}`, purpose: "check", initiatorType: "agent", initiator: judged.id, tokensExpireAt: later, createdAt: now },
        { jti: `jti_check_${n}`, clientId: judged.identity?.value ?? judged.id, audience: "https://gateway.test/mcp", scope: ["search"], authMethod: "jwt-svid", presentedIdentity: judged.identity?.value ?? judged.id, trustDomain: "cost.test", kid: "k", issuedAt: now, expiresAt: later },
      ),
    );
    const written = {
      claims: (await database.db.select({ jti: usedAssertions.jti }).from(usedAssertions).where(eq(usedAssertions.jti, `jti:check-${n}`))).length,
      tasks: (await database.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.id, `tsk_check_${n}`))).length,
      tokens: (await database.db.select({ jti: taskTokens.jti }).from(taskTokens).where(eq(taskTokens.jti, `jti_check_${n}`))).length,
    };
    return { ...outcome, written };
  }
  async function judgedNow(name: string): Promise<AgentAsJudged> {
    const agent = await makeAgent(name, ["search"], SPIFFE(name));
    const [row] = await database.db.select({ declaredActions: agents.declaredActions, updatedAt: agents.updatedAt }).from(agents).where(eq(agents.id, agent.id));
    return { id: agent.id, declaredActions: row!.declaredActions, updatedAt: row!.updatedAt, identity: { kind: "spiffe_id", value: SPIFFE(name) } };
  }
  const nothing = { claims: 0, tasks: 0, tokens: 0 };

  it("issues when the agent is as judged", async () => {
    expect(await attempt(await judgedNow("as-judged"))).toEqual({ current: true, issued: true, written: { claims: 1, tasks: 1, tokens: 1 } });
  });
  it("writes nothing for an agent no longer active", async () => {
    const judged = await judgedNow("check-status");
    await database.db.update(agents).set({ status: "suspended" }).where(eq(agents.id, judged.id));
    expect(await attempt(judged)).toEqual({ current: false, issued: false, written: nothing });
  });
  it("writes nothing when the declared scope changed", async () => {
    const judged = await judgedNow("check-scope");
    await database.db.update(agents).set({ declaredActions: ["read_file"] }).where(eq(agents.id, judged.id));
    expect(await attempt(judged)).toEqual({ current: false, issued: false, written: nothing });
  });
  it("writes nothing when the agent changed otherwise since (updated_at)", async () => {
    const judged = await judgedNow("check-updated");
    await database.db.update(agents).set({ environment: "prod", updatedAt: new Date(judged.updatedAt.getTime() + 1) }).where(eq(agents.id, judged.id));
    expect(await attempt(judged)).toEqual({ current: false, issued: false, written: nothing });
  });
  it("writes nothing when the presented identity is no longer the agent's", async () => {
    const judged = await judgedNow("check-identity");
    await database.db.delete(agentIdentities).where(eq(agentIdentities.value, SPIFFE("check-identity")));
    expect(await attempt(judged)).toEqual({ current: false, issued: false, written: nothing });
  });
  it("writes nothing for a credential already claimed (a replay)", async () => {
    const judged = await judgedNow("check-replay");
    const first = await attempt(judged);
    expect(first.issued).toBe(true);
    n--; // the same credential, task and token ids again
    const again = await attempt(judged);
    expect({ current: again.current, issued: again.issued }).toEqual({ current: true, issued: false });
  });
});

describe("signing keys", () => {
  it("are re-read every few seconds but the private key is imported once per key", async () => {
    const start = new Date();
    const first = await currentSigner(start);
    const reread = await currentSigner(new Date(start.getTime() + SIGNING_KEY_REFRESH_MS + 1_000));
    expect(reread.kid).toBe(first.kid);
    expect(reread.key).toBe(first.key);
    // A rotation's key is imported once it signs.
    const { kid, activatesAt } = await rotateSigningKey({ ctx: userContext("admin"), input: { leadSeconds: 0 } });
    const rotated = await currentSigner(new Date(activatesAt.getTime() + 1));
    expect(rotated.kid).toBe(kid);
    expect(rotated.key).not.toBe(first.key);
  });
});
