import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/testing/database";
import { insertTestDecisionRows } from "@/testing/decisions";
import { agents, attestationCampaigns, attestations, auditLog, controlMappings, frameworkItems, frameworks, teams } from "@/db/schema";
import { listControls, listMappings } from "@/db/frameworks";
import { attestAgent } from "../attestation/attest-agent";
import { closeCampaign, startCampaign } from "../attestation/campaigns";
import { savePolicy, saveTest } from "../policies/draft";
import { publishDraft } from "../policies/publish";
import { userContext } from "@/testing/context";
import { addMapping } from "./add-mapping";
import { crosswalk, evaluateAlignment } from "./alignment";
import { attestManualEvidence } from "./attest-manual-evidence";
import { reviewManualEvidence } from "./review-manual-evidence";
import { SHIPPED_CATALOGS } from "./catalogs";
import { collectEvidenceFacts } from "./evidence/facts";
import { evaluateControl } from "./evidence/evaluate-controls";
import { importFramework } from "./import-framework";
import { defaultMappingRows, loadShippedFrameworks } from "./load-catalogs";
import { removeMapping } from "./remove-mapping";
import type { ReportScope } from "./schemas";
import { setItemApplicability } from "./set-item-applicability";
import { openEvidenceTestDatabase } from "@/testing/frameworks";
import { setDatabaseForTests } from "@/db/client";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let period: { start: Date; end: Date };

beforeAll(async () => {
  ({ database, period } = await openEvidenceTestDatabase());
});
afterAll(async () => {
  await database?.close();
});

const security = () => userContext("security");

/**
 * For a describe block whose tests change what the others evaluate (published policies, attestations,
 * manual evidence, mappings, imported catalogs): its own seeded database, so every block starts from the same seed
 * whatever order the tests run in (`vitest --sequence.shuffle`).
 */
function withOwnEvidenceDatabase() {
  let outer: { database: typeof database; period: typeof period } | undefined;
  beforeAll(async () => {
    outer = { database, period };
    ({ database, period } = await openEvidenceTestDatabase());
  });
  afterAll(async () => {
    await database?.close();
    ({ database, period } = outer!);
    setDatabaseForTests(database);
  });
}

describe("shipped catalogs", () => {
  it("loads every catalog with the publishers' ids, idempotently", async () => {
    const rows = await database.db.select().from(frameworks);
    expect(rows.map((row) => row.id).sort()).toEqual(SHIPPED_CATALOGS.map((doc) => doc.id).sort());
    const count = async (id: string) => (await database.db.select().from(frameworkItems).where(eq(frameworkItems.frameworkId, id))).length;
    expect(await count("owasp-agentic-top10-2026")).toBe(10);
    expect(await count("owasp-agentic-threats-mitigations")).toBe(17);
    expect(await count("owasp-nhi-top10-2025")).toBe(10);
    expect(await count("nist-ai-rmf-1.0")).toBe(95);
    const subcategories = await database.db.select().from(frameworkItems).where(and(eq(frameworkItems.frameworkId, "nist-ai-rmf-1.0"), eq(frameworkItems.kind, "subcategory")));
    expect(subcategories).toHaveLength(72);
    const [asi01] = await database.db.select().from(frameworkItems).where(and(eq(frameworkItems.frameworkId, "owasp-agentic-top10-2026"), eq(frameworkItems.itemId, "ASI01")));
    expect(asi01?.title).toBe("Agent Goal Hijack");
    const again = await loadShippedFrameworks(database.db);
    expect(again).toEqual({ catalogsWritten: 0, mappingsAdded: 0, rationalesUpdated: 0, mappingsWithdrawn: 0 });
    expect(rows.every((row) => row.revision === 1)).toBe(true);
  });

  it("maps controls to every shipped catalog, and every default mapping names a real item", async () => {
    const items = await database.db.select().from(frameworkItems);
    const known = new Set(items.map((item) => `${item.frameworkId}/${item.itemId}`));
    const defaults = defaultMappingRows();
    expect(defaults.filter((row) => !known.has(`${row.frameworkId}/${row.itemId}`))).toEqual([]);
    const mapped = new Set(defaults.map((row) => row.frameworkId));
    expect([...mapped].sort()).toEqual(SHIPPED_CATALOGS.map((doc) => doc.id).sort());
    expect(await listMappings(database.db)).toHaveLength(defaults.length);
  });
});

describe("evidence from seeded data", () => {
  it("gives each automated control the expected status and numbers for all agents", async () => {
    const facts = await collectEvidenceFacts(database.db, { kind: "all" }, period);
    const controls = await listControls(database.db);
    const results = Object.fromEntries(controls.map((control) => [control.id, evaluateControl(control, facts)]));
    const statuses = Object.fromEntries(Object.entries(results).map(([id, result]) => [id, result.status]));
    expect(statuses).toMatchObject({
      "ctl-owner-backup": "fail",
      "ctl-inventory-triaged": "fail",
      "ctl-enforcement-coverage": "pass",
      "ctl-no-static-secrets": "fail",
      "ctl-short-lived-credentials": "fail",
      "ctl-delegation-depth": "fail",
      "ctl-destructive-approval": "fail",
      "ctl-out-of-scope-denied": "fail",
      "ctl-retired-agents-silent": "fail",
      "ctl-decision-retention": "pass",
      "ctl-audit-chain": "pass",
      "ctl-policies-tested": "unknown",
      "ctl-ownership-attested": "fail",
      "ctl-enforcement-errors": "fail",
      "ctl-environment-isolation": "fail",
      "ctl-unique-identity": "fail",
      "ctl-incident-response": "unknown",
    });
    expect(results["ctl-owner-backup"]!.measures).toMatchObject({ agents: 3, compliant: 1, unowned: 2 });
    expect(results["ctl-out-of-scope-denied"]!.measures).toMatchObject({ decisions: 10, outOfScope: 4, outOfScopeBlocked: 2, outOfScopeRate: 0.4, blockedRate: 0.5 });
    expect(results["ctl-delegation-depth"]!.measures).toMatchObject({ observedMaxDepth: 4, cap: 3, decisionsOverCap: 1 });
    expect(results["ctl-destructive-approval"]!.measures).toMatchObject({ destructiveDecisions: 2, gated: 1 });
    expect(results["ctl-retired-agents-silent"]!.failingAgents.map((agent) => agent.agentId)).toEqual(["agt_retired"]);
    expect(results["ctl-unique-identity"]!.measures.sharedIdentities).toBe(1);
    expect(results["ctl-policies-tested"]!.summary).toBe("Not measurable: no policy published yet.");
    // Owned, live agents only: the retired one and the unowned discovered one are not asked to attest.
    expect(results["ctl-ownership-attested"]!.measures).toEqual({ ownedAgents: 2, attestedWithinInterval: 0, neverAttested: 2, lapsed: 0, overdueCampaignRequests: 0, attestationIntervalDays: 90 });
    expect(results["ctl-ownership-attested"]!.failingAgents).toEqual([
      { agentId: "agt_good", agentName: "invoice-bot", detail: "never attested" },
      { agentId: "agt_bad", agentName: "legacy-sync", detail: "never attested" },
    ]);
  });

  it("scopes evidence to a team: the payments team passes its owner and runtime controls, not yet attestation", async () => {
    const alignment = await evaluateAlignment(database.db, { frameworkIds: ["owasp-agentic-top10-2026", "owasp-nhi-top10-2025"], scope: { kind: "team", teamId: "team_pay" }, period });
    const byId = Object.fromEntries(alignment.controls.map((control) => [control.controlId, control.status]));
    for (const id of ["ctl-owner-backup", "ctl-out-of-scope-denied", "ctl-destructive-approval", "ctl-delegation-depth", "ctl-retired-agents-silent", "ctl-enforcement-errors"]) expect(byId[id]).toBe("pass");
    const asi = alignment.frameworks[0]!;
    expect(asi.items.find((item) => item.itemId === "ASI02")?.status).toBe("covered");
    // ASI04 (supply chain) is evidenced only by the manual supply-chain review, never attested here.
    expect(asi.items.find((item) => item.itemId === "ASI04")?.status).toBe("gap");
    const nhi1 = alignment.frameworks[1]!.items.find((item) => item.itemId === "NHI1:2025")!;
    expect(nhi1.status).toBe("partial");
    // Its one agent was never attested: the attestation control fails while the owner control passes.
    expect(nhi1.controls).toContainEqual(expect.objectContaining({ controlId: "ctl-ownership-attested", status: "fail" }));
    expect(nhi1.controls).toContainEqual(expect.objectContaining({ controlId: "ctl-owner-backup", status: "pass" }));
  });

  it("marks items gap when their evidence fails, rolls parents up, and honours not-applicable", async () => {
    const all = await evaluateAlignment(database.db, { frameworkIds: ["owasp-agentic-top10-2026", "nist-ai-rmf-1.0"], scope: { kind: "all" }, period });
    expect(all.frameworks[0]!.items.find((item) => item.itemId === "ASI02")?.status).toBe("partial");
    expect(all.frameworks[0]!.items.find((item) => item.itemId === "ASI07")?.status).toBe("gap");
    const rmf = all.frameworks[1]!;
    expect(rmf.items.find((item) => item.itemId === "GOVERN")?.isLeaf).toBe(false);
    expect(["GOVERN", "GOVERN 1", "GOVERN 1.1"].map((id) => rmf.items.find((item) => item.itemId === id)?.depth)).toEqual([0, 1, 2]);
    expect(rmf.coverage.applicable).toBe(72);

    await setItemApplicability({ ctx: security(), input: { frameworkId: "owasp-agentic-top10-2026", itemId: "ASI07", notApplicableReason: "Our agents never talk to other agents." } });
    const after = await evaluateAlignment(database.db, { frameworkIds: ["owasp-agentic-top10-2026"], scope: { kind: "all" }, period });
    const asi07 = after.frameworks[0]!.items.find((item) => item.itemId === "ASI07")!;
    expect(asi07).toMatchObject({ status: "not_applicable", notApplicableReason: "Our agents never talk to other agents." });
    expect(after.frameworks[0]!.coverage).toMatchObject({ notApplicable: 1, applicable: 9 });
    await expect(setItemApplicability({ ctx: security(), input: { frameworkId: "owasp-agentic-top10-2026", itemId: "ASI07", notApplicableReason: "no" } })).rejects.toMatchObject({
      code: "invalid_input",
      path: "notApplicableReason",
    });
    await setItemApplicability({ ctx: security(), input: { frameworkId: "owasp-agentic-top10-2026", itemId: "ASI07", notApplicableReason: null } });
  });

});

const PERMIT_ACTIVE = `permit (principal is Steward::Agent, action, resource)
when { principal.status == "active" };`;
const FORBID_STATIC_SENSITIVE = `forbid (principal is Steward::Agent, action, resource)
when { principal.staticCredential && context.sensitivityLevel >= 2 };`;

/** A policy test: an active agent, with or without a static secret, reads restricted data. */
function readRestrictedTest(name: string, staticCredential: boolean, expectedDecision: "allow" | "deny", expectedPolicies: string[]) {
  const agent = {
    uid: { type: "Steward::Agent", id: "a1" },
    attrs: { name: "a1", status: "active", environment: "prod", riskTier: "high", hasOwner: true, credentialKind: staticCredential ? "static_api_key" : "task_token", staticCredential, dataSensitivity: "restricted", declaredActions: [], declaredResourceTypes: [] },
    parents: [],
  };
  const context = { request: {}, actionName: "query", destination: "", external: false, destructive: false, approved: false, dataSensitivity: "restricted", sensitivityLevel: 3, taskPurpose: "", delegationDepth: 0, hour: 10, weekday: 1 };
  return {
    name,
    request: { principal: { type: "Steward::Agent", id: "a1" }, action: { type: "Steward::Action", id: "read" }, resource: { type: "Steward::Resource", id: "db" }, context },
    entities: [agent, { uid: { type: "Steward::Resource", id: "db" }, attrs: {}, parents: [] }],
    expectedDecision,
    expectedPolicies,
  };
}

async function evaluateOne(controlId: string, scope: ReportScope = { kind: "all" }) {
  const facts = await collectEvidenceFacts(database.db, scope, period);
  const control = (await listControls(database.db)).find((row) => row.id === controlId)!;
  return evaluateControl(control, facts);
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

describe("evidence from published policies, owners' attestations and manual evidence", () => {
  withOwnEvidenceDatabase();

  it("counts manual evidence while it is current", async () => {
    const ctx = security();
    const evidence = await attestManualEvidence({
      ctx,
      input: { controlId: "ctl-incident-response", kind: "link", url: "https://wiki.example.test/runbooks/agents", attestation: "Runbook exercised in the March tabletop.", expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    // It covers periods ending after it was made (the seeded period ended before).
    const control = (await listControls(database.db)).find((row) => row.id === "ctl-incident-response")!;
    expect(evaluateControl(control, await collectEvidenceFacts(database.db, { kind: "all" }, period)).status).toBe("unknown");
    // It counts once a second person has reviewed it.
    expect(evaluateControl(control, await collectEvidenceFacts(database.db, { kind: "all" }, { start: period.start, end: new Date() })).status).toBe("unknown");
    await reviewManualEvidence({ ctx: userContext("admin"), input: { evidenceId: evidence.id } });
    const facts = await collectEvidenceFacts(database.db, { kind: "all" }, { start: period.start, end: new Date() });
    expect(evaluateControl(control, facts)).toMatchObject({ status: "pass", measures: { evidence: "https://wiki.example.test/runbooks/agents" } });
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.entityId, evidence.id));
    expect(audit).toMatchObject({ action: "manual_evidence.create", actorId: ctx.actor.type === "user" ? ctx.actor.userId : null });
    await expect(attestManualEvidence({ ctx, input: { controlId: "ctl-incident-response", kind: "link", attestation: "short", expiresAt: "2099-01-01" } })).rejects.toMatchObject({ name: "ZodError" });
    await expect(
      attestManualEvidence({ ctx: userContext("risk"), input: { controlId: "ctl-incident-response", kind: "link", url: "https://x.test", attestation: "A long enough attestation.", expiresAt: "2099-01-01" } }),
    ).rejects.toMatchObject({ code: "forbidden" });
  });
  it("policies tested: fail without tests, partial while a policy is named by no test, pass when every policy is", async () => {
    const ctx = security();
    const permit = await savePolicy({ ctx, input: { description: "Active agents may act", frameworkTags: ["ASI02"], source: PERMIT_ACTIVE } });
    await publishDraft({ ctx, input: { message: "first" } });
    expect(await evaluateOne("ctl-policies-tested")).toMatchObject({
      status: "fail",
      measures: { publishedRevision: 1, policies: 1, tests: 0, policiesNamedByTests: 0, untestedPolicies: permit.policy.id },
    });

    const forbid = await savePolicy({ ctx, input: { description: "No static secrets on sensitive data", source: FORBID_STATIC_SENSITIVE } });
    await saveTest({ ctx, input: readRestrictedTest("static secret cannot read restricted data", true, "deny", [forbid.policy.id]) });
    await publishDraft({ ctx, input: { message: "second" } });
    const partial = await evaluateOne("ctl-policies-tested");
    expect(partial).toMatchObject({ status: "partial", measures: { publishedRevision: 2, policies: 2, tests: 1, policiesNamedByTests: 1, untestedPolicies: permit.policy.id } });
    expect(partial.summary).toBe(`Revision 2 (published ${new Date().toISOString().slice(0, 10)}) carries 1 test, all passing at publish; 1 of 2 policies are named by a test's expected determining policies (untested: ${permit.policy.id}).`);

    await saveTest({ ctx, input: readRestrictedTest("a short-lived credential reads restricted data", false, "allow", [permit.policy.id]) });
    await publishDraft({ ctx, input: { message: "third" } });
    expect(await evaluateOne("ctl-policies-tested")).toMatchObject({ status: "pass", measures: { publishedRevision: 3, policies: 2, tests: 2, policiesNamedByTests: 2, untestedPolicies: null } });

    // The policy's framework tag puts it on the item once it has determined a decision in the period,
    // labelled by its description; SP 800-207's data access policies are evidenced by the tested set.
    await insertTestDecisionRows(database.db, [
      { enforcementPointId: "ep_prod", decisionId: "dec_tagged", time: new Date(period.end.getTime() - 60_000), agentId: "agt_good", agentRef: "agt_good", actionName: "invoice.read", outcome: "allow", resourceType: "tool", resourceId: "x", contentHash: "tagged", reasons: [permit.policy.id] },
    ]);
    const alignment = await evaluateAlignment(database.db, { frameworkIds: ["owasp-agentic-top10-2026", "nist-sp-800-207"], scope: { kind: "all" }, period });
    const items = alignment.frameworks[0]!.items;
    expect(items.find((item) => item.itemId === "ASI02")?.policies).toEqual([{ policyId: permit.policy.id, policyName: "Active agents may act" }]);
    expect(alignment.frameworks[1]!.items.find((item) => item.itemId === "DAP")?.controls).toContainEqual(expect.objectContaining({ controlId: "ctl-policies-tested", status: "pass" }));
  });

  it("ownership attested: counts owned live agents attested within the interval, lapsed ones and overdue campaign requests", async () => {
    const ctx = security();
    await attestAgent({ ctx, input: { agentId: "agt_good", outcome: "confirmed" } });
    expect(await evaluateOne("ctl-ownership-attested", { kind: "team", teamId: "team_pay" })).toMatchObject({ status: "pass", measures: { ownedAgents: 1, attestedWithinInterval: 1 }, failingAgents: [] });
    expect(await evaluateOne("ctl-ownership-attested")).toMatchObject({
      status: "fail",
      measures: { ownedAgents: 2, attestedWithinInterval: 1, neverAttested: 1, lapsed: 0 },
      failingAgents: [{ agentId: "agt_bad", detail: "never attested" }],
    });

    // Moving the recorded time back stands in for 91 days passing since legacy-sync was attested.
    await attestAgent({ ctx, input: { agentId: "agt_bad", outcome: "confirmed" } });
    const longAgo = daysAgo(91);
    await database.db.update(attestations).set({ attestedAt: longAgo }).where(eq(attestations.agentId, "agt_bad"));
    expect(await evaluateOne("ctl-ownership-attested")).toMatchObject({
      status: "fail",
      measures: { ownedAgents: 2, attestedWithinInterval: 1, neverAttested: 0, lapsed: 1 },
      failingAgents: [{ agentId: "agt_bad", detail: `last attested ${longAgo.toISOString().slice(0, 10)} (91 days ago)` }],
    });

    // Five owned agents in a lab team (registered before the period ended); four attested is 80 %: partial.
    await database.db.insert(teams).values({ id: "team_lab", name: "Lab" });
    const lab = ["agt_lab1", "agt_lab2", "agt_lab3", "agt_lab4", "agt_lab5"];
    await database.db.insert(agents).values(lab.map((id) => ({ id, name: id.replace("agt_", ""), status: "active" as const, environment: "dev" as const, teamId: "team_lab", ownerId: "per_ada", backupOwnerId: "per_bob", createdAt: daysAgo(60) })));
    for (const agentId of lab.slice(0, 4)) await attestAgent({ ctx, input: { agentId, outcome: "confirmed" } });
    const labScope: ReportScope = { kind: "team", teamId: "team_lab" };
    expect(await evaluateOne("ctl-ownership-attested", labScope)).toMatchObject({
      status: "partial",
      measures: { ownedAgents: 5, attestedWithinInterval: 4, neverAttested: 1 },
      failingAgents: [{ agentId: "agt_lab5", detail: "never attested" }],
    });

    // A campaign past its due date with unanswered requests fails those agents until they answer or it closes.
    const campaign = await startCampaign({ ctx, input: { name: "Q3 review", dueInDays: 7 } });
    const dueAt = daysAgo(1);
    await database.db.update(attestationCampaigns).set({ dueAt }).where(eq(attestationCampaigns.id, campaign.id));
    await attestAgent({ ctx, input: { agentId: "agt_lab1", outcome: "confirmed" } });
    const overdue = await evaluateOne("ctl-ownership-attested", labScope);
    expect(overdue).toMatchObject({ status: "fail", measures: { ownedAgents: 5, attestedWithinInterval: 1, neverAttested: 1, lapsed: 0, overdueCampaignRequests: 3 } });
    expect(overdue.failingAgents.map((agent) => [agent.agentId, agent.detail])).toEqual([
      ["agt_lab2", `campaign "Q3 review" was due ${dueAt.toISOString().slice(0, 10)} and is unanswered`],
      ["agt_lab3", `campaign "Q3 review" was due ${dueAt.toISOString().slice(0, 10)} and is unanswered`],
      ["agt_lab4", `campaign "Q3 review" was due ${dueAt.toISOString().slice(0, 10)} and is unanswered`],
      ["agt_lab5", "never attested"],
    ]);
    await closeCampaign({ ctx, input: { campaignId: campaign.id } });
    expect(await evaluateOne("ctl-ownership-attested", labScope)).toMatchObject({ status: "partial", measures: { attestedWithinInterval: 4, overdueCampaignRequests: 0 } });
  });
});

describe("mappings and the crosswalk", () => {
  withOwnEvidenceDatabase();

  it("lets a security engineer add and remove a mapping, audited, and keeps a removed default removed", async () => {
    const ctx = security();
    const mapping = await addMapping({ ctx, input: { controlId: "ctl-rate-limits", frameworkId: "owasp-agentic-top10-2026", itemId: "ASI02", rationale: "Limits bound misuse." } });
    expect(mapping).toMatchObject({ origin: "custom", rationale: "Limits bound misuse." });
    const [created] = await database.db.select().from(auditLog).where(eq(auditLog.action, "control_mapping.create"));
    expect(created).toMatchObject({ entityType: "control_mapping", entityId: "ctl-rate-limits→owasp-agentic-top10-2026/ASI02" });
    await expect(addMapping({ ctx, input: { controlId: "ctl-rate-limits", frameworkId: "owasp-agentic-top10-2026", itemId: "ASI02", rationale: "Limits bound misuse." } })).rejects.toMatchObject({ code: "conflict" });
    await expect(addMapping({ ctx, input: { controlId: "ctl-rate-limits", frameworkId: "owasp-agentic-top10-2026", itemId: "ASI99", rationale: "Limits bound misuse." } })).rejects.toMatchObject({
      code: "not_found",
      message: 'Item "ASI99" does not exist in framework owasp-agentic-top10-2026',
      path: "itemId",
    });
    await expect(addMapping({ ctx, input: { controlId: "", frameworkId: "x", itemId: "y", rationale: "A reason long enough." } })).rejects.toMatchObject({ name: "ZodError", issues: [expect.objectContaining({ path: ["controlId"] })] });

    await expect(removeMapping({ ctx, input: { controlId: "ctl-out-of-scope-denied", frameworkId: "owasp-agentic-top10-2026", itemId: "ASI01" } })).rejects.toMatchObject({ name: "ZodError", issues: [expect.objectContaining({ path: ["rationale"] })] });
    await removeMapping({ ctx, input: { controlId: "ctl-out-of-scope-denied", frameworkId: "owasp-agentic-top10-2026", itemId: "ASI01", rationale: "Goal hijack is not prevented by scope checks." } });
    const removals = await database.db.select().from(auditLog).where(eq(auditLog.action, "control_mapping.delete"));
    expect(removals).toHaveLength(1);
    expect(removals[0]!.after).toEqual({ removed: true, rationale: "Goal hijack is not prevented by scope checks." });
    await loadShippedFrameworks(database.db);
    const remaining = await database.db
      .select()
      .from(controlMappings)
      .where(and(eq(controlMappings.controlId, "ctl-out-of-scope-denied"), eq(controlMappings.itemId, "ASI01")));
    expect(remaining).toEqual([]);
    await addMapping({ ctx, input: { controlId: "ctl-out-of-scope-denied", frameworkId: "owasp-agentic-top10-2026", itemId: "ASI01", rationale: "Scope checks limit a hijacked goal." } });
  });

  it("refuses mapping changes to risk officers and viewers", async () => {
    for (const role of ["risk", "viewer"] as const) {
      await expect(addMapping({ ctx: userContext(role), input: { controlId: "ctl-rate-limits", frameworkId: "owasp-agentic-top10-2026", itemId: "ASI03" } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(removeMapping({ ctx: userContext(role), input: { controlId: "ctl-rate-limits", frameworkId: "owasp-agentic-top10-2026", itemId: "ASI02" } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(setItemApplicability({ ctx: userContext(role), input: { frameworkId: "owasp-agentic-top10-2026", itemId: "ASI07", notApplicableReason: null } })).rejects.toMatchObject({ code: "forbidden" });
    }
  });

  it("relates ASI02 to NHI and AI RMF items through shared controls", async () => {
    const rows = await crosswalk(database.db, "owasp-agentic-top10-2026", ["owasp-nhi-top10-2025", "owasp-agentic-threats-mitigations"]);
    const asi02 = rows.find((row) => row.itemId === "ASI02")!;
    const nhi5 = asi02.related.find((related) => related.itemId === "NHI5:2025");
    // Enforcement coverage no longer claims NHI5 (coverage says nothing about least privilege).
    expect(nhi5?.viaControls.sort()).toEqual(["ctl-out-of-scope-denied"]);
    expect(asi02.related.some((related) => related.frameworkId === "owasp-agentic-threats-mitigations" && related.itemId === "T2")).toBe(true);
  });
});

describe("importing a framework", () => {
  withOwnEvidenceDatabase();

  it("imports an OSCAL catalog (admin only), keeping official ids from label props", async () => {
    const document = {
      catalog: {
        uuid: "36d30b07-29a8-4428-b741-1870a5df19e9",
        metadata: { title: "Example Agent Baseline", "last-modified": "2026-01-15T12:00:00Z", version: "1.0.0", "oscal-version": "1.2.2" },
        groups: [
          {
            id: "ab",
            title: "Agent baseline",
            controls: [
              { id: "ab-1", title: "Owned agents", props: [{ name: "label", value: "AB 1" }], parts: [{ id: "ab-1_smt", name: "statement", prose: "Every agent has an owner." }] },
              { id: "ab-2", title: "Withdrawn", props: [{ name: "status", value: "withdrawn" }] },
            ],
          },
        ],
      },
    };
    await expect(importFramework({ ctx: security(), input: { format: "oscal-catalog", document } })).rejects.toMatchObject({ code: "forbidden" });
    const admin = userContext("admin");
    const result = await importFramework({ ctx: admin, input: { format: "oscal-catalog", frameworkId: "example-agent-baseline", document } });
    expect(result).toMatchObject({ framework: { id: "example-agent-baseline", source: "imported", version: "1.0.0" }, items: 2 });
    const items = await database.db.select().from(frameworkItems).where(eq(frameworkItems.frameworkId, "example-agent-baseline")).orderBy(frameworkItems.position);
    expect(items.map((item) => [item.itemId, item.parentId, item.description])).toEqual([
      ["ab", null, ""],
      ["AB 1", "ab", "Every agent has an owner."],
    ]);
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, "framework.import"));
    expect(audit?.entityId).toBe("example-agent-baseline");
  });

  it("rejects an invalid OSCAL catalog and a JSON catalog with a dangling parent, naming where", async () => {
    const admin = userContext("admin");
    await expect(importFramework({ ctx: admin, input: { format: "oscal-catalog", document: { catalog: { uuid: "not-a-uuid" } } } })).rejects.toMatchObject({
      code: "invalid_input",
      path: "document",
      message: expect.stringMatching(/^Not a valid OSCAL catalog: /),
    });
    await expect(
      importFramework({ ctx: admin, input: { format: "steward-json", document: { id: "my-fw", name: "Mine", shortName: "Mine", version: "1", items: [{ id: "A", title: "A", parent: "Z" }] } } }),
    ).rejects.toMatchObject({ code: "invalid_input", path: "document.items[0].parent", message: 'document.items[0].parent: parent "Z" is not an item of this catalog' });
    await expect(
      importFramework({ ctx: admin, input: { format: "steward-json", document: { id: "owasp-nhi-top10-2025", name: "x", shortName: "x", version: "1", items: [{ id: "A", title: "A" }] } } }),
    ).rejects.toMatchObject({ code: "conflict" });
  });
});
