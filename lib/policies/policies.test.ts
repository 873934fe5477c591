import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray, sql } from "drizzle-orm";
import { ensureTestDecisionPartitions, insertTestDecisionRows } from "@/testing/decisions";
import { openTestDatabase } from "@/testing/database";
import { expectAuditRow } from "@/testing/audit";
import { setDatabaseForTests } from "@/db/client";
import { loadInventory, type Inventory } from "@/db/policies";
import { agents, decisionKeys, decisions, people, policyReplays, teams } from "@/db/schema";
import type { RiskTier } from "../agents/risk";
import type { Actor } from "../auth/actor";
import { updateSettings } from "../settings/settings";
import { userContext } from "@/testing/context";
import { evaluateAccess, evaluateAccessBatch } from "./authzen";
import { authorize } from "./cedar";
import { policyTexts } from "./content";
import { loadDraftContent } from "./draft-content";
import { deletePolicy, deleteTest, savePolicy, saveTest, updateEntities, updateSchema } from "./draft";
import { hashContent } from "./content";
import { PolicyEngine } from "./engine";
import { testFromDecision } from "./test-from-decision";
import { forgetPublishedEngine } from "./published-engine";
import { explainDecision } from "./explain";
import { approveDraft, publishDraft, rollbackToVersion } from "./publish";
import { cancelReplay, getReplay, runReplay, startReplay, type ReplayResult } from "./replay";
import { getPolicyStats } from "./stats";
import { validatePolicySource } from "./validate";
import { DEFAULT_CEDAR_SCHEMA } from "./default-schema";
import { inventoryEntities } from "./inventory-entities";
import { POLICY_TEMPLATES } from "./templates";
import { diffPolicyVersions, etagMatches, getCurrentPolicyRevision, getDraft, getPolicyBundle, listPolicyVersions } from "./versions";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
  forgetPublishedEngine();
});
afterAll(async () => {
  await database?.close();
});

const author = userContext("security");
const reviewer = userContext("security");
const admin = userContext("admin");
const epContext = { actor: { type: "enforcement_point", enforcementPointId: "ep_test", name: "gateway" } as Actor, requestId: "req_ep", ip: null };

const PERMIT_ACTIVE = `permit (principal is Steward::Agent, action, resource)
when { principal.status == "active" };`;
const FORBID_STATIC_SENSITIVE = `forbid (principal is Steward::Agent, action, resource)
when { principal.staticCredential && context.sensitivityLevel >= 2 };`;

/** A describe block that publishes gets a database of its own, so each block starts from an empty draft. */
function withOwnDatabase() {
  let outer: typeof database | undefined;
  beforeAll(async () => {
    outer = database;
    database = await openTestDatabase();
    forgetPublishedEngine();
  });
  afterAll(async () => {
    await database?.close();
    database = outer!;
    setDatabaseForTests(database);
    forgetPublishedEngine();
  });
}

describe("validation", () => {
  it("reports parse errors with line and column", () => {
    const result = validatePolicySource("pol_x", 'permit (principal, action, resource)\nwhen { principal.status == "active" ', DEFAULT_CEDAR_SCHEMA);
    expect(result.valid).toBe(false);
    expect(result.diagnostics[0]).toMatchObject({ severity: "error", line: 2, column: 36, source: "pol_x" });
  });

  it("reports schema errors at the offending attribute", () => {
    const result = validatePolicySource("pol_y", 'permit (principal is Steward::Agent, action, resource)\nwhen {\n  principal.stauts == "active"\n};', DEFAULT_CEDAR_SCHEMA);
    expect(result.valid).toBe(false);
    expect(result.diagnostics[0]).toMatchObject({ severity: "error", line: 3, column: 3 });
    expect(result.diagnostics[0]!.message).toMatch(/stauts/);
  });

  it("ships templates that validate against the default schema", () => {
    for (const template of POLICY_TEMPLATES) expect(validatePolicySource(template.id, template.source, DEFAULT_CEDAR_SCHEMA), template.id).toEqual({ valid: true, diagnostics: [] });
  });

  it("refuses two statements in one policy", () => {
    const result = validatePolicySource("pol_z", `${PERMIT_ACTIVE}\n${FORBID_STATIC_SENSITIVE}`, DEFAULT_CEDAR_SCHEMA);
    expect(result.diagnostics[0]!.message).toMatch(/exactly one statement; this text holds 2/);
  });
});

describe("inventory entities", () => {
  it("carry the risk tier the inventory shows: the override, else the computed tier; discovered agents unknown", () => {
    const agent = (id: string, status: "active" | "discovered", riskTier: RiskTier, riskOverrideTier: RiskTier | null): Inventory["agents"][number] => ({
      id,
      externalId: null,
      name: id,
      environment: "prod",
      status,
      ownerId: null,
      teamId: null,
      declaredActions: [],
      declaredResourceTypes: [],
      credentialKind: "static_api_key",
      dataSensitivity: "restricted",
      riskTier,
      riskOverrideTier,
    });
    const { entities } = inventoryEntities(
      {
        teams: [],
        people: [],
        identities: [],
        agents: [
          agent("agt_critical", "active", "critical", null),
          agent("agt_overridden", "active", "high", "low"),
          agent("agt_discovered", "discovered", "low", null),
          agent("agt_discovered_overridden", "discovered", "low", "medium"),
        ],
      },
      "Steward",
    );
    expect(Object.fromEntries(entities.map((entity) => [(entity.uid as { id: string }).id, entity.attrs.riskTier]))).toEqual({
      agt_critical: "critical",
      agt_overridden: "low",
      agt_discovered: "unknown",
      agt_discovered_overridden: "medium",
    });
  });
});

describe("drafts, tests, publish, four-eyes, rollback", () => {
  withOwnDatabase();

  it("refuses risk officers and viewers", async () => {
    for (const role of ["risk", "viewer"] as const) {
      await expect(savePolicy({ ctx: userContext(role), input: { source: PERMIT_ACTIVE } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(publishDraft({ ctx: userContext(role), input: { message: "x" } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(startReplay({ ctx: userContext(role), input: {} })).rejects.toMatchObject({ code: "forbidden" });
    }
    await expect(updateSchema({ ctx: author, input: { schemaText: DEFAULT_CEDAR_SCHEMA } })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("names the bad field", async () => {
    await expect(savePolicy({ ctx: author, input: { source: PERMIT_ACTIVE, frameworkTags: ["not a tag!"] } })).rejects.toThrow(/Framework tags are framework item ids/);
    await expect(publishDraft({ ctx: author, input: { message: "" } })).rejects.toThrow(/Say what this version changes/);
  });

  it("refuses to publish while validation reports an error, naming where", async () => {
    const broken = await savePolicy({ ctx: author, input: { description: "typo", source: 'forbid (principal, action, resource)\nwhen { context.destinaton == "x" };' } });
    expect(broken.validation.valid).toBe(false);
    await expect(publishDraft({ ctx: author, input: { message: "first" } })).rejects.toMatchObject({ code: "precondition_failed", message: expect.stringMatching(/line 2, column 8/) });
    await deletePolicy({ ctx: author, input: { id: broken.policy.id } });
  });

  // One story from the first save to the fourth revision: each step builds on the one before, so it
  // is one test (in its own database), and it runs the same in any order with the others.
  it("walks a draft through tests, publish, four-eyes, diff, rollback and the bundle", async () => {
    let permitId = "";
    let forbidId = "";
    // Step: saves a policy, audits it and returns its validation.
    {
      const saved = await savePolicy({ ctx: author, input: { description: "Active agents may act", owner: "secops", frameworkTags: "ASI02, NHI7:2025", source: PERMIT_ACTIVE } });
      permitId = saved.policy.id;
      expect(saved.policy.frameworkTags).toEqual(["ASI02", "NHI7:2025"]);
      expect(saved.validation).toEqual({ valid: true, diagnostics: [] });
      await expectAuditRow(database.db, { action: "policy.create", entityId: permitId, actorId: author.actor.type === "user" ? author.actor.userId : "" });
    }
    // Step: refuses to publish while a test fails, then publishes when it passes.
    {
      const forbid = await savePolicy({ ctx: author, input: { description: "No static secrets on sensitive data", source: FORBID_STATIC_SENSITIVE, frameworkTags: ["NHI7:2025"] } });
      forbidId = forbid.policy.id;
      const agentEntity = { uid: { type: "Steward::Agent", id: "a1" }, attrs: { name: "a1", status: "active", environment: "prod", riskTier: "high", hasOwner: true, credentialKind: "static_api_key", staticCredential: true, dataSensitivity: "restricted", declaredActions: [], declaredResourceTypes: [] }, parents: [] };
      const context = { request: {}, actionName: "query", destination: "", external: false, destructive: false, approved: false, dataSensitivity: "restricted", sensitivityLevel: 3, taskPurpose: "", delegationDepth: 0, hour: 10, weekday: 1 };
      const test = await saveTest({
        ctx: author,
        input: {
          name: "static secret cannot read restricted data",
          request: { principal: { type: "Steward::Agent", id: "a1" }, action: { type: "Steward::Action", id: "read" }, resource: { type: "Steward::Resource", id: "db" }, context },
          entities: [agentEntity, { uid: { type: "Steward::Resource", id: "db" }, attrs: {}, parents: [] }],
          expectedDecision: "allow",
        },
      });
      await expect(publishDraft({ ctx: author, input: { message: "first" } })).rejects.toMatchObject({ code: "precondition_failed", message: expect.stringMatching(/1 policy test failing — "static secret cannot read restricted data": expected allow, got deny/) });
      await saveTest({ ctx: author, input: { id: test.id, name: test.name, request: test.request, entities: test.entities, expectedDecision: "deny", expectedPolicies: [forbidId] } });
      const draft = await getDraft({ ctx: author });
      expect(draft.tests).toEqual([expect.objectContaining({ passed: true, determiningPolicies: [forbidId] })]);
      expect(draft.status).toMatchObject({ publishedRevision: null, changedSincePublish: true });

      const version = await publishDraft({ ctx: author, input: { message: "first" } });
      expect(version).toMatchObject({ revision: 1, message: "first" });
      await expectAuditRow(database.db, { action: "policy_version.publish", entityId: version.id });
      expect(await getCurrentPolicyRevision()).toBe("1");
      expect((await getDraft({ ctx: author })).status).toMatchObject({ contentHash: draft.status.contentHash, publishedRevision: 1, changedSincePublish: false });
    }
    // Step: enforces four-eyes: an author cannot approve; another engineer can.
    {
      await updateSettings({ ctx: admin, input: { requirePolicyApproval: true } });
      await savePolicy({ ctx: author, input: { id: permitId, description: "Active agents may act (v2)", owner: "secops", source: PERMIT_ACTIVE } });
      await expect(publishDraft({ ctx: author, input: { message: "second" } })).rejects.toThrow(/four-eyes/);
      await expect(approveDraft({ ctx: author })).rejects.toThrow(/someone else must approve/);
      await expect(approveDraft({ ctx: userContext("viewer") })).rejects.toMatchObject({ code: "forbidden" });
      await approveDraft({ ctx: reviewer });
      await expectAuditRow(database.db, { action: "policy_draft.approve" });
      const second = await publishDraft({ ctx: author, input: { message: "second" } });
      expect(second.revision).toBe(2);
      // An approval covers exactly the content approved: a later edit needs a new one.
      await savePolicy({ ctx: author, input: { id: permitId, description: "v3", source: PERMIT_ACTIVE } });
      await expect(publishDraft({ ctx: author, input: { message: "third" } })).rejects.toThrow(/four-eyes/);
      await updateSettings({ ctx: admin, input: { requirePolicyApproval: false } });
    }
    // Step: diffs two versions and rolls back by publishing the old one as new.
    {
      const diff = await diffPolicyVersions({ ctx: userContext("viewer"), input: { from: "1", to: "2" } });
      expect(diff.lines).toContainEqual({ kind: "removed", text: `// ${permitId} — Active agents may act` });
      expect(diff.lines).toContainEqual({ kind: "added", text: `// ${permitId} — Active agents may act (v2)` });
      const rolled = await rollbackToVersion({ ctx: author, input: { revision: 1 } });
      expect(rolled).toMatchObject({ revision: 3, rolledBackFrom: 1, message: "Roll back to revision 1" });
      await expectAuditRow(database.db, { action: "policy_version.rollback" });
      const draft = await loadDraftContent(database.db);
      expect(draft.policies.find((policy) => policy.id === permitId)?.description).toBe("Active agents may act");
      expect((await listPolicyVersions({ ctx: author })).map((version) => version.revision)).toEqual([3, 2, 1]);
    }
    // Step: ships the bundle to enforcement points only, with a revision that changes on publish.
    {
      const bundle = await getPolicyBundle({ ctx: epContext });
      expect(bundle).toMatchObject({ revision: "3", schema: DEFAULT_CEDAR_SCHEMA });
      expect(bundle!.policies.map((policy) => policy.id).sort()).toEqual([forbidId, permitId].sort());
      await expect(getPolicyBundle({ ctx: author })).rejects.toMatchObject({ code: "forbidden" });
      // The ETag names the revision: a client holding it gets 304 until the next publish changes it.
      expect(etagMatches(bundle!.etag, bundle!.etag)).toBe(true);
      expect(etagMatches(`W/${bundle!.etag}, "other"`, bundle!.etag)).toBe(true);
      expect(etagMatches('"stale-2"', bundle!.etag)).toBe(false);
      expect(etagMatches(null, bundle!.etag)).toBe(false);
      await savePolicy({ ctx: author, input: { id: permitId, description: "etag check", source: PERMIT_ACTIVE } });
      await publishDraft({ ctx: author, input: { message: "etag check" } });
      const next = (await getPolicyBundle({ ctx: epContext }))!;
      expect(next.revision).toBe("4");
      expect(etagMatches(bundle!.etag, next.etag)).toBe(false);
    }
  });

  it("validates admin-added entities against the schema", async () => {
    await expect(updateEntities({ ctx: admin, input: { entities: [{ uid: { type: "Steward::Team", id: "t" }, attrs: { name: 7 }, parents: [] }] } })).rejects.toMatchObject({
      code: "invalid_input",
      path: "$.entities",
    });
    const saved = await updateEntities({ ctx: admin, input: { entities: [{ uid: { type: "Steward::Group", id: "finance-readers" }, attrs: { name: "Finance readers" }, parents: [] }] } });
    expect(saved).toEqual({ count: 1 });
    await expectAuditRow(database.db, { action: "policy_entities.update" });
  });
});

describe("the PDP, replay, stats and explain on real inventory and decisions", () => {
  let prodAgent = "";
  let devAgent = "";
  withOwnDatabase();

  beforeAll(async () => {
    // Its own published baseline: revision 1 permits active agents and forbids static secrets on
    // sensitive data; revision 2 only renames the permit, so explain has an older revision to choose.
    const permit = await savePolicy({ ctx: author, input: { description: "Active agents may act", source: PERMIT_ACTIVE } });
    await savePolicy({ ctx: author, input: { description: "No static secrets on sensitive data", source: FORBID_STATIC_SENSITIVE } });
    await publishDraft({ ctx: author, input: { message: "PDP baseline" } });
    await savePolicy({ ctx: author, input: { id: permit.policy.id, description: "Active agents may act (renamed)", source: PERMIT_ACTIVE } });
    await publishDraft({ ctx: author, input: { message: "PDP baseline, renamed" } });
    await database.db.insert(teams).values({ id: "team_payments", name: "Payments" });
    await database.db.insert(people).values({ id: "per_ada", name: "Ada", email: "ada@example.test", teamId: "team_payments" });
    prodAgent = "agt_prod_static";
    devAgent = "agt_dev_oauth";
    await database.db.insert(agents).values([
      { id: prodAgent, externalId: "invoice-bot", name: "Invoice bot", environment: "prod", status: "active", ownerId: "per_ada", teamId: "team_payments", credentialKind: "static_api_key", declaredActions: ["read"] },
      { id: devAgent, name: "Dev helper", environment: "dev", status: "active", credentialKind: "oauth_client" },
    ]);
    forgetPublishedEngine();
    await insertReplayRows();
  });

  it("judges a request naming only the subject id on the inventory's attributes", async () => {
    const body = { subject: { type: "agent", id: "invoice-bot" }, action: { name: "read" }, resource: { type: "resource", id: "ledger" }, context: { data_sensitivity: "restricted" } };
    const answer = await evaluateAccess({ ctx: epContext, body });
    expect(answer.decision).toBe(false);
    // The reason context is opt-in (authzenReasonContext), off by default.
    expect(Object.keys(answer).sort()).toEqual(["decision"]);
    const allowed = await evaluateAccess({ ctx: epContext, body: { ...body, context: { data_sensitivity: "public" } } });
    expect(allowed.decision).toBe(true);
    // Agrees with cedar-wasm asked directly with the same policies.
    const content = await loadDraftContent(database.db);
    const direct = authorize(
      { principal: { type: "Steward::Agent", id: prodAgent }, action: { type: "Steward::Action", id: "read" }, resource: { type: "Steward::Resource", id: "ledger" }, context: { request: {}, actionName: "read", destination: "", external: false, destructive: false, approved: false, dataSensitivity: "restricted", sensitivityLevel: 3, taskPurpose: "", delegationDepth: 0, hour: 1, weekday: 1 } },
      policyTexts(content),
      content.schemaText,
      [{ uid: { type: "Steward::Agent", id: prodAgent }, attrs: { name: "Invoice bot", status: "active", environment: "prod", riskTier: "high", hasOwner: true, credentialKind: "static_api_key", staticCredential: true, dataSensitivity: "unknown", declaredActions: ["read"], declaredResourceTypes: [] }, parents: [] }, { uid: { type: "Steward::Resource", id: "ledger" }, attrs: {}, parents: [] }],
    );
    expect(direct.decision).toBe("deny");
    const recorded = await database.db.select().from(decisions).where(and(eq(decisions.enforcementPointId, "ep_test"), eq(decisions.agentRef, "invoice-bot"), eq(decisions.resourceId, "ledger")));
    expect(recorded).toHaveLength(2);
    expect(recorded.map((row) => row.outcome).sort()).toEqual(["allow", "deny"]);
    expect(recorded[0]).toMatchObject({ agentId: prodAgent, agentRef: "invoice-bot", actionKind: "authzen", policyRevision: await getCurrentPolicyRevision() });
    // Recorded through the ingest path: each has its idempotency key, committed before the answer.
    const keys = await database.db.select().from(decisionKeys).where(and(eq(decisionKeys.enforcementPointId, "ep_test"), inArray(decisionKeys.decisionId, recorded.map((row) => row.decisionId))));
    expect(keys.map((key) => key.decisionId).sort()).toEqual(recorded.map((row) => row.decisionId).sort());
  });

  it("group-commits concurrent evaluations, each answered only once its record is committed", async () => {
    const ep = { ...epContext, actor: { type: "enforcement_point", enforcementPointId: "ep_group", name: "busy gateway" } as Actor };
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => evaluateAccess({ ctx: ep, body: { subject: { type: "agent", id: devAgent }, action: { name: "read" }, resource: { type: "resource", id: `doc-${i}` } } })),
    );
    expect(answers.every((answer) => answer.decision)).toBe(true);
    const recorded = await database.db.select().from(decisions).where(eq(decisions.enforcementPointId, "ep_group"));
    expect(new Set(recorded.map((row) => row.resourceId)).size).toBe(40);
    // One ingest call stamps one received_at: far fewer commits than evaluations.
    expect(new Set(recorded.map((row) => row.receivedAt.toISOString())).size).toBeLessThanOrEqual(3);
  });

  it("reads the same inventory after agents' last-seen moves (so the engine and its memo are kept)", async () => {
    const before = await loadInventory(database.db);
    const first = before.agents[0]!.id;
    await database.db.update(agents).set({ lastSeenAt: new Date() }).where(eq(agents.id, first));
    expect(await loadInventory(database.db)).toEqual(before);
  });

  it("records an evaluation about an unknown subject like ingest does: a discovered agent", async () => {
    const answer = await evaluateAccess({ ctx: epContext, body: { subject: { type: "agent", id: "shadow-bot-7" }, action: { name: "read" }, resource: { type: "resource", id: "ledger" } } });
    expect(answer.decision).toBe(false);
    const [discovered] = await database.db.select().from(agents).where(eq(agents.name, "shadow-bot-7"));
    expect(discovered).toMatchObject({ status: "discovered" });
    const [row] = await database.db.select().from(decisions).where(eq(decisions.agentRef, "shadow-bot-7"));
    expect(row).toMatchObject({ agentId: discovered!.id, outcome: "deny" });
  });

  it("answers batches with each evaluations semantic", async () => {
    const base = { subject: { type: "agent", id: prodAgent }, action: { name: "read" } };
    const evaluations = [
      { resource: { type: "resource", id: "a" }, context: { data_sensitivity: "public" } },
      { resource: { type: "resource", id: "b" }, context: { data_sensitivity: "restricted" } },
      { resource: { type: "resource", id: "c" }, context: { data_sensitivity: "public" } },
    ];
    const all = await evaluateAccessBatch({ ctx: epContext, body: { ...base, evaluations } });
    expect("evaluations" in all && all.evaluations.map((item) => item.decision)).toEqual([true, false, true]);
    const denyFirst = await evaluateAccessBatch({ ctx: epContext, body: { ...base, evaluations, options: { evaluations_semantic: "deny_on_first_deny" } } });
    expect("evaluations" in denyFirst && denyFirst.evaluations.map((item) => item.decision)).toEqual([true, false]);
    const permitFirst = await evaluateAccessBatch({ ctx: epContext, body: { ...base, evaluations, options: { evaluations_semantic: "permit_on_first_permit" } } });
    expect("evaluations" in permitFirst && permitFirst.evaluations.map((item) => item.decision)).toEqual([true]);
    const single = await evaluateAccessBatch({ ctx: epContext, body: { ...base, resource: { type: "resource", id: "x" }, context: { data_sensitivity: "public" } } });
    expect(single).toMatchObject({ decision: true });
    // Nothing said about the data's sensitivity: the safe value (restricted) applies to a static-secret agent.
    const unsaid = await evaluateAccessBatch({ ctx: epContext, body: { ...base, resource: { type: "resource", id: "x" } } });
    expect(unsaid).toMatchObject({ decision: false });
  });

  it("answers malformed AuthZEN requests with a 400 naming the member", async () => {
    await expect(evaluateAccess({ ctx: epContext, body: { subject: { type: "agent" }, action: { name: "read" }, resource: { type: "r", id: "1" } } })).rejects.toMatchObject({ code: "bad_request", path: "$.subject.id" });
    await expect(evaluateAccessBatch({ ctx: epContext, body: { evaluations: [{ action: { name: "read" } }] } })).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/^\$\.evaluations\[0\]\.subject/) });
    await expect(evaluateAccessBatch({ ctx: epContext, body: { evaluations: [], options: { evaluations_semantic: "sometimes" } } })).rejects.toMatchObject({ code: "bad_request", path: "$.options.evaluations_semantic" });
    await expect(evaluateAccess({ ctx: userContext("viewer"), body: {} })).rejects.toMatchObject({ code: "forbidden" });
  });

  /** The recorded requests replay, stats and explain read: exactly these 240 rows, whatever ran before. */
  async function insertReplayRows() {
    await database.db.execute(sql`delete from decisions`);
    const now = Date.now();
    const rows = Array.from({ length: 240 }, (_, i) => {
      const agentId = i % 3 === 0 ? devAgent : prodAgent;
      const sensitivity = ["public", "internal", "confidential", "restricted"][i % 4]!;
      const outcome = i % 5 === 0 ? "deny" : "allow";
      return {
        enforcementPointId: "ep_replay",
        decisionId: `d${i}`,
        time: new Date(now - i * 60_000),
        agentId,
        agentRef: agentId,
        actionName: i % 2 ? "read" : "write",
        resourceType: "resource",
        resourceId: `r${i}`,
        outcome: outcome as "allow" | "deny",
        reasons: outcome === "allow" ? [] : [],
        request: { subject: { type: "agent", id: agentId }, action: { name: i % 2 ? "read" : "write" }, resource: { type: "resource", id: `r${i}`, properties: { environment: i % 7 === 0 ? "prod" : "dev" } }, context: { data_sensitivity: sensitivity } },
        contentHash: `h${i}`,
      };
    });
    await insertTestDecisionRows(database.db, rows);
    return rows;
  }

  it("replays a draft over recorded decisions and counts flips like an independent count", async () => {
    const rows = await insertReplayRows();
    // The draft adds: non-prod agents stay off prod resources.
    await savePolicy({ ctx: author, input: { description: "Non-prod stays non-prod", source: 'forbid (principal is Steward::Agent, action, resource is Steward::Resource)\nwhen { principal.environment != "prod" && resource has environment && resource.environment == "prod" };' } });

    // Expected, computed independently from the rows' own attributes.
    const expectedAllowNow = (i: number) => {
      const agentIsDev = i % 3 === 0;
      const sensitive = i % 4 >= 2;
      const prodResource = i % 7 === 0;
      if (!agentIsDev && sensitive) return false; // static secret on sensitive data
      if (agentIsDev && prodResource) return false; // non-prod on prod
      return true;
    };
    let allowToDeny = 0;
    let denyToAllow = 0;
    rows.forEach((row, i) => {
      const now = expectedAllowNow(i);
      if (row.outcome === "allow" && !now) allowToDeny++;
      if (row.outcome === "deny" && now) denyToAllow++;
    });

    const { id } = await startReplay({ ctx: author, input: { limit: 1000 } });
    await expectAuditRow(database.db, { action: "policy_replay.start", entityId: id });
    await runReplay(id);
    const job = await getReplay({ ctx: userContext("viewer"), input: { id } });
    const result = job.result as ReplayResult;
    expect(job).toMatchObject({ status: "done", total: 240, processed: 240 });
    expect(result.allowToDeny).toBe(allowToDeny);
    expect(result.denyToAllow).toBe(denyToAllow);
    expect(result.allowToDeny + result.denyToAllow + result.unchanged).toBe(240);
    expect(result.examples[0]).toMatchObject({ enforcementPointId: "ep_replay", decisionId: expect.stringMatching(/^d\d+$/) });
    const byAgent = result.byAgentAction.reduce((sum, group) => sum + group.allowToDeny, 0);
    expect(byAgent).toBe(allowToDeny);
    // Every bucket the page shows adds up to what was replayed.
    expect(result.allowToDeny + result.denyToAllow + result.unchanged + result.notComparable + result.invalidRequests).toBe(job.processed);
    // Read back, the result names agents (and enforcement points that exist) by their current names.
    const names = { [prodAgent]: "Invoice bot", [devAgent]: "Dev helper" };
    expect(result.byAgentAction.length).toBeGreaterThan(0);
    for (const group of result.byAgentAction) expect(group.agentName).toBe(names[group.agentId]);
    for (const example of result.examples) expect(example).toMatchObject({ agentName: names[example.agentId], enforcementPointName: null });

    const filtered = await startReplay({ ctx: author, input: { limit: 1000, agentId: devAgent } });
    await runReplay(filtered.id);
    expect((await getReplay({ ctx: author, input: { id: filtered.id } })).total).toBe(80);
  });

  it("cancels a replay between chunks", async () => {
    // Its own 150 recorded requests, whatever else the table holds: three chunks of 50.
    const now = Date.now();
    await insertTestDecisionRows(
      database.db,
      Array.from({ length: 150 }, (_, i) => ({
        enforcementPointId: "ep_cancel",
        decisionId: `c${i}`,
        time: new Date(now - i * 1000),
        agentId: devAgent,
        agentRef: devAgent,
        actionName: "read",
        resourceType: "resource",
        resourceId: `r${i}`,
        outcome: "allow" as const,
        reasons: [],
        request: { subject: { type: "agent", id: devAgent }, action: { name: "read" }, resource: { type: "resource", id: `r${i}` }, context: { data_sensitivity: "public" } },
        contentHash: `c${i}`,
      })),
    );
    const { id } = await startReplay({ ctx: author, input: { limit: 150 } });
    const chunksSeen: number[] = [];
    await runReplay(id, undefined, {
      chunkSize: 50,
      afterChunk: async (processed) => {
        chunksSeen.push(processed);
        if (chunksSeen.length === 1) await cancelReplay({ ctx: author, input: { id } });
      },
    });
    const [row] = await database.db.select().from(policyReplays).where(eq(policyReplays.id, id));
    // It stopped at the first chunk boundary after the cancel: one chunk evaluated of three.
    expect(chunksSeen).toEqual([50]);
    expect(row).toMatchObject({ status: "cancelled", total: 150, processed: 50 });
    const result = row!.result as ReplayResult;
    expect(result.allowToDeny + result.denyToAllow + result.unchanged).toBe(50);
  });

  it("counts what each published policy determined and flags never-matching and shadowed ones", async () => {
    await insertReplayRows();
    const bundle = (await getPolicyBundle({ ctx: epContext }))!;
    const forbid = bundle.policies.find((policy) => policy.text.includes("staticCredential"))!;
    const permit = bundle.policies.find((policy) => policy.text.includes("status"))!;
    // Counted per revision: only decisions recorded under the published revision count.
    await database.db.execute(sql`update decisions set reasons = ${JSON.stringify([forbid.id])}::jsonb, policy_revision = ${bundle.revision} where decision_id in ('d1', 'd2')`);
    await database.db.execute(sql`update decisions set reasons = ${JSON.stringify([forbid.id])}::jsonb, policy_revision = ${String(Number(bundle.revision) - 1)} where decision_id in ('d3', 'd4', 'd5')`);
    await ensureTestDecisionPartitions(database.db, new Date(Date.now() - 10 * 86_400_000));
    await database.db.execute(sql`update decisions set time = now() - interval '10 days' where decision_id = 'd2'`);
    const stats = await getPolicyStats({ ctx: userContext("viewer") });
    const forbidStats = stats.policies.find((policy) => policy.policyId === forbid.id)!;
    expect(forbidStats).toMatchObject({ effect: "forbid", determinedLast7Days: 1, determinedLast30Days: 2, neverMatches: false, alwaysShadowed: false });
    expect(stats.policies.find((policy) => policy.policyId === permit.id)).toMatchObject({ neverMatches: true, alwaysShadowed: false });
  });

  it("explains a recorded decision under the current and a chosen version", async () => {
    const explained = await explainDecision({ ctx: userContext("viewer"), input: { enforcementPointId: "ep_replay", decisionId: "d2", revision: 1 } });
    expect(explained.recorded.outcome).toBe("allow");
    expect(explained.current).toMatchObject({ revision: Number(await getCurrentPolicyRevision()), decision: "deny" });
    expect(explained.chosen).toMatchObject({ revision: 1, decision: "deny" });
  });

  it("makes a policy test from a recorded decision that the draft then judges exactly as live evaluation would", async () => {
    const seed = await testFromDecision({ ctx: userContext("viewer"), input: { enforcementPointId: "ep_replay", decisionId: "d2" } });
    if (!seed.ok) throw new Error(seed.message);
    expect(seed).toMatchObject({ expectedDecision: "allow", request: { principal: { type: "Steward::Agent", id: prodAgent }, action: { type: "Steward::Action", id: "write" } } });
    expect(seed.entities.map((entity) => JSON.stringify(entity.uid))).toContain(JSON.stringify({ type: "Steward::Agent", id: prodAgent }));
    const saved = await saveTest({ ctx: author, input: { name: seed.name, request: seed.request, entities: seed.entities, expectedDecision: seed.expectedDecision } });
    const content = await loadDraftContent(database.db);
    const live = new PolicyEngine(content, hashContent(content), await loadInventory(database.db), null).evaluate(
      { subject: { type: "agent", id: prodAgent }, action: { name: "write" }, resource: { type: "resource", id: "r2", properties: { environment: "dev" } }, context: { data_sensitivity: "confidential" } },
      (await database.db.select().from(decisions).where(and(eq(decisions.enforcementPointId, "ep_replay"), eq(decisions.decisionId, "d2"))))[0]!.time,
    );
    const result = (await getDraft({ ctx: author })).tests.find((test) => test.id === saved.id)!;
    expect(result.actualDecision).toBe(live.decision);
    expect(result.passed).toBe(live.decision === "allow");
    await deleteTest({ ctx: author, input: { id: saved.id } });

    await expect(testFromDecision({ ctx: userContext("viewer"), input: { enforcementPointId: "ep_replay", decisionId: "nope" } })).rejects.toMatchObject({ code: "not_found" });
    await expect(testFromDecision({ ctx: epContext, input: { enforcementPointId: "ep_replay", decisionId: "d2" } })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("uses a newly published revision from the very next evaluation", async () => {
    await updateSettings({ ctx: admin, input: { authzenReasonContext: true } });
    const body = { subject: { type: "agent", id: devAgent }, action: { name: "read" }, resource: { type: "resource", id: "notes" }, context: { data_sensitivity: "public" } };
    const before = await evaluateAccess({ ctx: epContext, body });
    expect(before).toMatchObject({ decision: true, context: { id: await getCurrentPolicyRevision() } });
    const forbidDev = await savePolicy({ ctx: author, input: { description: "Dev agents read nothing", source: 'forbid (principal is Steward::Agent, action == Steward::Action::"read", resource)\nwhen { principal.environment == "dev" };' } });
    const published = await publishDraft({ ctx: author, input: { message: "dev agents read nothing" } });
    const after = await evaluateAccess({ ctx: epContext, body });
    expect(after).toMatchObject({ decision: false, context: { id: String(published.revision), reason_admin: { en: `Determined by ${forbidDev.policy.id}` } } });
    await updateSettings({ ctx: admin, input: { authzenReasonContext: false } });
    expect(Object.keys(await evaluateAccess({ ctx: epContext, body }))).toEqual(["decision"]);
    // Leave the published set as this describe's other tests expect it.
    await deletePolicy({ ctx: author, input: { id: forbidDev.policy.id } });
    await publishDraft({ ctx: author, input: { message: "dev agents read again" } });
  });
});
