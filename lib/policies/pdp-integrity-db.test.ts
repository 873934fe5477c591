import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq, inArray, like } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { listDraftPolicies } from "@/db/policies";
import { agentIdentities, agents, decisions, people } from "@/db/schema";
import { updateAgent } from "../agents/update-agent";
import type { Actor } from "../auth/actor";
import { updateSettings } from "../settings/settings";
import { userContext } from "@/testing/context";
import { evaluateAccess } from "./authzen";
import type { CedarEntity } from "./cedar";
import type { PolicySetContent, PolicyTestDoc } from "./content";
import { deletePolicy, savePolicy, updateEntities } from "./draft";
import { explainDecision } from "./explain";
import { approveRollback, publishDraft, rollbackToVersion } from "./publish";
import { ENGINE_MAX_AGE_MS, forgetPublishedEngine, getPublishedEngine } from "./published-engine";
import { getReplay, runReplay, startReplay, type ReplayResult } from "./replay";
import type { AuthzenRequest } from "./request-mapping";
import { runPolicyTests } from "./run-tests";
import { getPolicyStats } from "./stats";
import { POLICY_TEMPLATES } from "./templates";
import { getPolicyBundle } from "./versions";

/**
 * #19 and #10 (1–4, 13): the PDP over a real database — sequences of calls with refreshes between,
 * the freshness bound, recording people, four-eyes on rollback, and the same decision in live,
 * policy test, explain and replay over recorded requests.
 */
const database = suiteDatabase();
const author = userContext("security");
const reviewer = userContext("security");
const admin = userContext("admin");
const ep = (id: string) => ({ actor: { type: "enforcement_point", enforcementPointId: id, name: id } as Actor, requestId: `req_${id}`, ip: null });

beforeAll(async () => {
  forgetPublishedEngine();
  await database.db.insert(people).values({ id: "per_ada", name: "Ada", email: "ada@example.test" });
  await database.db.insert(agents).values([
    { id: "agt_static", externalId: "invoice-bot", name: "Invoice bot", environment: "dev", status: "active", ownerId: "per_ada", credentialKind: "static_api_key", declaredActions: ["crm.read", "read"] },
    { id: "agt_oauth", name: "Helper", environment: "prod", status: "active", credentialKind: "oauth_client", declaredActions: ["crm.read", "crm.delete", "send_email", "read", "write"] },
    { id: "agt_fresh", name: "Fresh", environment: "prod", status: "active", credentialKind: "oauth_client" },
  ]);
});
afterAll(async () => {
  forgetPublishedEngine();
});
beforeEach(async () => {
  await updateSettings({ ctx: admin, input: { requirePolicyApproval: false, authzenReasonContext: false, pdpForbidErrors: "deny" } });
});

/** Replaces the draft with exactly these policies and admin entities, and publishes it. */
async function publishOnly(sources: string[], entities: CedarEntity[] = []) {
  for (const policy of await listDraftPolicies(database.db)) await deletePolicy({ ctx: author, input: { id: policy.id } });
  const ids: string[] = [];
  for (const source of sources) ids.push((await savePolicy({ ctx: author, input: { description: "test", source } })).policy.id);
  await updateEntities({ ctx: admin, input: { entities } });
  const version = await publishDraft({ ctx: author, input: { message: `publish ${sources.length}` } });
  return { ids, version };
}

const PERMIT_ALL = "permit (principal, action, resource);";
const TOOLS: CedarEntity[] = [
  { uid: { type: "Steward::Tool", id: "crm.read" }, attrs: { destructive: false, external: false, sensitivity: "internal" }, parents: [] },
  { uid: { type: "Steward::Tool", id: "crm.delete" }, attrs: { destructive: true, external: false, sensitivity: "restricted" }, parents: [] },
  { uid: { type: "Steward::Tool", id: "send_email" }, attrs: { destructive: false, external: true, sensitivity: "internal" }, parents: [] },
  { uid: { type: "Steward::Resource", id: "ledger" }, attrs: { environment: "prod", sensitivity: "restricted" }, parents: [] },
  { uid: { type: "Steward::Resource", id: "wiki" }, attrs: { environment: "dev", sensitivity: "public" }, parents: [] },
];

describe("a forbid keeps applying across calls and refreshes (#10.1)", () => {
  it("denies probe-1 on every call while it is discovered and re-keyed in between", async () => {
    const entities = [
      { uid: { type: "Steward::Group", id: "blocked" }, attrs: {}, parents: [] },
      { uid: { type: "Steward::Agent", id: "probe-1" }, attrs: {}, parents: [{ type: "Steward::Group", id: "blocked" }] },
    ] as CedarEntity[];
    const { ids } = await publishOnly([`forbid (principal in Steward::Group::"blocked", action, resource);`, `permit (principal, action == Steward::Action::"read", resource);`], entities);
    const body = { subject: { type: "identity", id: "probe-1" }, action: { name: "GET" }, resource: { type: "route", id: "/todos" } };
    const answers: boolean[] = [];
    for (let call = 0; call < 3; call++) {
      answers.push((await evaluateAccess({ ctx: ep("ep_probe"), body })).decision);
      // The refresh that used to re-key the subject: the discovered agent now holds the alias.
      forgetPublishedEngine();
    }
    expect(answers).toEqual([false, false, false]);
    const [identity] = await database.db.select().from(agentIdentities).where(eq(agentIdentities.value, "probe-1"));
    expect(identity?.agentId).toMatch(/^agt_/);
    const engine = (await getPublishedEngine(database.db))!;
    expect(engine.evaluate(body, new Date())).toMatchObject({ decision: "deny", determiningPolicies: [ids[0]] });
    // Every call is recorded against the one discovered agent.
    const rows = await database.db.select().from(decisions).where(eq(decisions.enforcementPointId, "ep_probe"));
    expect(new Set(rows.map((row) => row.agentId))).toEqual(new Set([identity!.agentId]));
  });
});

describe("people are recorded as people (#10.2)", () => {
  it("a user subject never becomes a discovered agent", async () => {
    await publishOnly([PERMIT_ALL]);
    for (const subject of [{ type: "user", id: "someone@example.test" }, { type: "person", id: "per_ada" }, { type: "Human", id: "ext-person-9" }]) {
      await evaluateAccess({ ctx: ep("ep_people"), body: { subject, action: { name: "GET" }, resource: { type: "route", id: "/x" } } });
    }
    const rows = await database.db.select().from(decisions).where(eq(decisions.enforcementPointId, "ep_people"));
    expect(rows.map((row) => row.agentId).sort()).toEqual(["person:ext-person-9", "person:per_ada", "person:someone@example.test"]);
    expect(await database.db.select().from(agents).where(inArray(agents.name, ["someone@example.test", "per_ada", "ext-person-9"]))).toEqual([]);
  });
});

describe("freshness (#19.8)", () => {
  it("a console change takes effect on the next evaluation; another process's change within the bound", async () => {
    await publishOnly([`permit (principal is Steward::Agent, action, resource) when { principal.status == "active" };`]);
    const body = { subject: { type: "agent", id: "agt_fresh" }, action: { name: "GET" }, resource: { type: "route", id: "/r" } };
    expect((await evaluateAccess({ ctx: ep("ep_fresh"), body })).decision).toBe(true);
    // Through the console (this process): the very next evaluation, with no wait.
    await updateAgent({ ctx: admin, input: { agentId: "agt_fresh", changes: { status: "suspended" } } });
    expect((await evaluateAccess({ ctx: ep("ep_fresh"), body })).decision).toBe(false);
    // Another process (a direct write this process does not see): within the bound, even after idle.
    await database.db.update(agents).set({ status: "active" }).where(eq(agents.id, "agt_fresh"));
    await new Promise((resolve) => setTimeout(resolve, ENGINE_MAX_AGE_MS + 50));
    expect((await evaluateAccess({ ctx: ep("ep_fresh"), body })).decision).toBe(true);
  });
});

describe("four-eyes covers rollback (#10.13)", () => {
  it("one engineer alone cannot roll back; an approval by someone else lets them", async () => {
    const first = await publishOnly([PERMIT_ALL]);
    await publishOnly([`forbid (principal, action, resource);`]);
    await updateSettings({ ctx: admin, input: { requirePolicyApproval: true } });
    await expect(rollbackToVersion({ ctx: author, input: { revision: first.version.revision } })).rejects.toMatchObject({ code: "precondition_failed", message: expect.stringMatching(/four-eyes/) });
    await approveRollback({ ctx: author, input: { revision: first.version.revision } });
    await expect(rollbackToVersion({ ctx: author, input: { revision: first.version.revision } })).rejects.toMatchObject({ code: "precondition_failed" });
    await expect(approveRollback({ ctx: userContext("viewer"), input: { revision: first.version.revision } })).rejects.toMatchObject({ code: "forbidden" });
    await approveRollback({ ctx: reviewer, input: { revision: first.version.revision } });
    // A later self-approval does not hide the reviewer's.
    await approveRollback({ ctx: author, input: { revision: first.version.revision } });
    const rolled = await rollbackToVersion({ ctx: author, input: { revision: first.version.revision } });
    expect(rolled).toMatchObject({ rolledBackFrom: first.version.revision });
  });
});

describe("errors and usage in the studio (#19.6, #19.11, #10.3)", () => {
  it("a forbid that errors is recorded on the decision and shown as errors, not 'never matches'", async () => {
    const { ids } = await publishOnly([PERMIT_ALL, "forbid (principal, action, resource) when { context.sensitivityLevel + 9223372036854775807 > 0 };"]);
    await updateSettings({ ctx: admin, input: { authzenReasonContext: true } });
    const answer = await evaluateAccess({ ctx: ep("ep_errors"), body: { subject: { type: "agent", id: "agt_oauth" }, action: { name: "GET" }, resource: { type: "resource", id: "ledger" } } });
    expect(answer).toMatchObject({ decision: false, context: { reason_admin: { en: expect.stringMatching(/errored/) }, erroring_policies: [ids[1]] } });
    const [row] = await database.db.select().from(decisions).where(eq(decisions.enforcementPointId, "ep_errors"));
    expect(row!.context).toMatchObject({ pdp: { erroringPolicies: [ids[1]], reason: expect.stringMatching(/errored/) } });
    const stats = await getPolicyStats({ ctx: userContext("viewer") });
    expect(stats.policies.find((policy) => policy.policyId === ids[1])).toMatchObject({ effect: "forbid", status: "errors", neverMatches: false });
    expect(stats.policies.find((policy) => policy.policyId === ids[1])!.erroredLast30Days).toBeGreaterThanOrEqual(1);
  });

  it("the studio's usage panel names subject and resource types the PDP does not map", async () => {
    await publishOnly([PERMIT_ALL]);
    const answer = await evaluateAccess({ ctx: ep("ep_unmapped"), body: { subject: { type: "robot", id: "r2d2" }, action: { name: "GET" }, resource: { type: "spaceship", id: "x" } } });
    expect(answer.decision).toBe(false);
    const stats = await getPolicyStats({ ctx: userContext("viewer") });
    expect(stats.unmappedTypes.subjectTypes).toContainEqual({ type: "robot", count: 1 });
    expect(stats.unmappedTypes.resourceTypes).toContainEqual({ type: "spaceship", count: 1 });
  });

  it("a commented forbid counts as a forbid", async () => {
    const { ids } = await publishOnly(["// permit? no.\nforbid (principal, action, resource) when { context.hour < 0 };", PERMIT_ALL]);
    const stats = await getPolicyStats({ ctx: userContext("viewer") });
    expect(stats.policies.find((policy) => policy.policyId === ids[0])!.effect).toBe("forbid");
  });

  it("publishing warns about actions no recorded request used", async () => {
    const { version } = await publishOnly([`permit (principal, action == Steward::Action::"delegate", resource);`, PERMIT_ALL]);
    expect(version.warnings).toEqual([expect.stringMatching(/names "delegate", which no recorded request has used/)]);
  });

  it("the bundle carries the PDP settings and changes its ETag when they change", async () => {
    await publishOnly([PERMIT_ALL]);
    const before = (await getPolicyBundle({ ctx: ep("ep_bundle") }))!;
    expect(before.pdp).toMatchObject({ forbidErrors: "deny", subjectTypes: expect.objectContaining({ user: "Person" }) });
    await updateSettings({ ctx: admin, input: { pdpForbidErrors: "skip" } });
    const after = (await getPolicyBundle({ ctx: ep("ep_bundle") }))!;
    expect(after.pdp.forbidErrors).toBe("skip");
    expect(after.etag).not.toBe(before.etag);
  });
});

/** A small deterministic PRNG (mulberry32), so the property test's requests are reproducible. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("live, policy test, explain and replay agree over recorded requests (#19.9, #19.10)", () => {
  it("gives the same decision four ways for every recorded request", async () => {
    const groups = Array.from({ length: 12 }, (_, i) => ({ uid: { type: "Steward::ResourceGroup", id: `g${i}` }, attrs: {}, parents: i ? [{ type: "Steward::ResourceGroup", id: `g${i - 1}` }] : [] }));
    const deep = { uid: { type: "Steward::Resource", id: "deep" }, attrs: { environment: "dev", sensitivity: "public" }, parents: [{ type: "Steward::ResourceGroup", id: "g11" }] };
    await publishOnly([...POLICY_TEMPLATES.map((item) => item.source), `forbid (principal, action, resource in Steward::ResourceGroup::"g0") when { principal has owner };`, "permit (principal is Steward::Agent, action, resource);"], [...TOOLS, ...groups, deep] as CedarEntity[]);
    const random = prng(19);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const shuffle = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).sort(() => random() - 0.5));
    const subjects = ["agt_static", "invoice-bot", "agt_oauth", "agt_fresh", "ghost-a", "ghost-b", "ghost-c"];
    const requests: AuthzenRequest[] = Array.from({ length: 60 }, (_, i) => {
      const toolCall = random() < 0.5;
      const resourceId = pick(["ledger", "wiki", "deep", `doc-${i}`]);
      const claims: Record<string, unknown> = {};
      if (random() < 0.6) claims[pick(["data_sensitivity", "dataSensitivity", "DATA_SENSITIVITY"])] = pick(["public", "internal", "Restricted", "confidential"]);
      if (random() < 0.3) claims[pick(["approved", "destructive", "external"])] = pick([true, false]);
      if (random() < 0.3) claims[pick(["delegation_depth", "sensitivity_level", "actionName"])] = pick([0, 1, "crm.read"]);
      if (random() < 0.3) claims.task_purpose = "close the books";
      const subject = pick(subjects);
      const request: AuthzenRequest = toolCall
        ? { subject: { type: "agent", id: subject }, action: { name: pick(["crm.read", "crm.delete", "send_email", "uncatalogued"]) }, resource: { type: "tool", id: "" }, context: shuffle(claims) }
        : { subject: { type: "agent", id: subject }, action: { name: pick(["GET", "POST", "read"]) }, resource: { type: "resource", id: resourceId, ...(random() < 0.3 ? { properties: { environment: pick(["production", "dev", "staging"]) } } : {}) }, context: shuffle(claims) };
      if (toolCall) request.resource.id = request.action.name;
      return request;
    });
    const live: boolean[] = [];
    let badRequests = 0;
    for (const body of requests) {
      try {
        live.push((await evaluateAccess({ ctx: ep("ep_property"), body })).decision);
      } catch (error) {
        // A claim that cannot be typed is a 400 and is not recorded (so there is nothing to replay).
        expect(error).toMatchObject({ code: "bad_request" });
        badRequests++;
      }
    }
    expect(badRequests).toBeLessThan(requests.length / 4);
    expect(live).toContain(true);
    expect(live).toContain(false);
    // First-contact subjects have since been discovered: replay and explain see the new inventory.
    expect(await database.db.select().from(agents).where(like(agents.name, "ghost-%"))).not.toEqual([]);
    forgetPublishedEngine();

    const rows = await database.db.select().from(decisions).where(eq(decisions.enforcementPointId, "ep_property"));
    expect(rows).toHaveLength(live.length);
    const engine = (await getPublishedEngine(database.db))!;
    const content = engine.content as PolicySetContent;
    let refused = 0;
    for (const row of rows) {
      // Explain: the recorded request (jsonb has reordered its keys) under the current version.
      const explained = await explainDecision({ ctx: userContext("viewer"), input: { enforcementPointId: "ep_property", decisionId: row.decisionId } });
      expect(explained.current.decision, `explain ${JSON.stringify(row.request)}`).toBe(row.outcome);
      // Policy test: the Cedar request and entities the PDP builds, run as a policy test.
      const mapped = engine.map(row.request as AuthzenRequest, row.time, row.delegation);
      if ("refused" in mapped) {
        refused++;
        expect(row.outcome).toBe("deny");
        continue;
      }
      const test: PolicyTestDoc = { id: "t", name: "recorded", request: mapped.request as PolicyTestDoc["request"], entities: mapped.entities, expectedDecision: row.outcome as "allow" | "deny", expectedPolicies: null };
      expect(runPolicyTests({ ...content, tests: [test] })[0], `test ${JSON.stringify(row.request)}`).toMatchObject({ passed: true });
    }
    expect(refused).toBeLessThan(rows.length);
    // Replay of the same (published) content over the recorded rows: nothing flips.
    const { id } = await startReplay({ ctx: author, input: { limit: 1000, enforcementPointId: "ep_property" } });
    await runReplay(id);
    const job = await getReplay({ ctx: author, input: { id } });
    const result = job.result as ReplayResult;
    expect(job).toMatchObject({ status: "done", processed: live.length });
    expect(result).toMatchObject({ allowToDeny: 0, denyToAllow: 0, unchanged: live.length, invalidRequests: 0 });
  });
});
