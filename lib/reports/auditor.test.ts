/**
 * Reports an auditor accepts (issue #20): one block per class of the audit. Each gaming case changes
 * something after the fact — or offers evidence that proves nothing — and asserts the status does not move.
 * Decisions arrive through real ingest (an enforcement point's context), so the facts are judged there.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { openTestDatabase } from "@/testing/database";
import { agents, enforcementPoints } from "@/db/schema";
import { listControls } from "@/db/frameworks";
import { queryRows } from "@/db/rows";
import { isDestructiveName, judgeDestructive } from "../decisions/destructive-action";
import { ingestDecisions } from "../decisions/ingest-decisions";
import { enforcementPointContext, sampleDecision } from "../decisions/ingest-testing";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { evaluateAlignment } from "../frameworks/alignment";
import { addMapping } from "../frameworks/add-mapping";
import { attestManualEvidence } from "../frameworks/attest-manual-evidence";
import { reviewManualEvidence } from "../frameworks/review-manual-evidence";
import { actorLabel } from "../auth/actor";
import { expectAuditRow } from "@/testing/audit";
import { removeMapping } from "../frameworks/remove-mapping";
import { parseCsv } from "@/lib/csv";
import { collectEvidenceFacts } from "../frameworks/evidence/facts";
import { evaluateControl } from "../frameworks/evidence/evaluate-controls";
import { loadShippedFrameworks } from "../frameworks/load-catalogs";
import { savePolicy } from "../policies/draft";
import { publishDraft } from "../policies/publish";
import { updateSettings } from "../settings/settings";
import { userContext } from "@/testing/context";
import { createReport } from "./create-report";
import { renderReport } from "./render-report";
import type { ReportContent } from "./report-content";

const admin = () => userContext("admin");
const HOUR = 3_600_000;

type Database = Awaited<ReturnType<typeof openTestDatabase>>;

/** A fresh database with the catalogs and one enforcement point in `environment`. */
async function openScenario(environment = "prod") {
  const database = await openTestDatabase();
  await loadShippedFrameworks(database.db);
  const epId = (await registerEnforcementPoint({ ctx: admin(), input: { name: `gw-${environment || "none"}`, kind: "mcp-gateway", environment } })).enforcementPoint.id;
  return { database, epId };
}

async function addAgent(database: Database, values: Partial<typeof agents.$inferInsert> & { id: string }) {
  await database.db.insert(agents).values({ name: values.id, status: "active", ...values });
}

/** Decisions for `agentId` through the enforcement point, without a workload identity unless given. */
async function ingest(epId: string, agentId: string, items: Record<string, unknown>[]) {
  const result = await ingestDecisions({
    ctx: enforcementPointContext(epId),
    input: items.map((overrides) => ({ value: sampleDecision({ agent: { id: agentId }, time: new Date(Date.now() - HOUR / 2).toISOString(), ...overrides }) })),
  });
  expect(result.quarantined).toEqual([]);
}

const lastHours = () => ({ start: new Date(Date.now() - 2 * HOUR), end: new Date(Date.now() + 60_000) });

async function evaluate(database: Database, controlId: string, period = lastHours()) {
  const facts = await collectEvidenceFacts(database.db, { kind: "all" }, period);
  const control = (await listControls(database.db)).find((row) => row.id === controlId)!;
  return evaluateControl(control, facts);
}

describe("1. judged at the time, not at report time", () => {
  let database: Database;
  let epId: string;
  beforeAll(async () => {
    ({ database, epId } = await openScenario("prod"));
  });
  afterAll(async () => database?.close());

  it("allowed out-of-scope calls stay violations after the actions are added to the declared scope", async () => {
    await addAgent(database, { id: "agt_scope", environment: "prod", declaredActions: ["crm.read"] });
    await ingest(epId, "agt_scope", [
      ...Array.from({ length: 3 }, () => ({ action: { name: "crm.export" }, outcome: "allow" })),
      { action: { name: "crm.read" }, outcome: "allow" },
    ]);
    const before = await evaluate(database, "ctl-out-of-scope-denied");
    expect(before).toMatchObject({ status: "fail", measures: { outOfScope: 3, outOfScopeBlocked: 0 } });
    await database.db.update(agents).set({ declaredActions: ["crm.read", "crm.export"] }).where(eq(agents.id, "agt_scope"));
    const after = await evaluate(database, "ctl-out-of-scope-denied");
    expect(after.status).toBe("fail");
    expect(after.measures).toEqual(before.measures);
    // Traceable: the report names the agent by name and id and samples the violating decisions, linked to the console.
    const alignment = await evaluateAlignment(database.db, { frameworkIds: ["owasp-agentic-top10-2026"], scope: { kind: "all" }, period: lastHours() });
    const control = alignment.controls.find((result) => result.controlId === "ctl-out-of-scope-denied")!;
    expect(control.failingAgents).toEqual([{ agentId: "agt_scope", agentName: "agt_scope", detail: "3 out-of-scope calls allowed" }]);
    const stored = await queryRows<{ decision_id: string }>(database.db, sql`select decision_id from decisions where agent_id = 'agt_scope' and action_name = 'crm.export'`);
    const exportIds = stored.map((row) => row.decision_id).sort();
    expect(exportIds).toHaveLength(3);
    expect(control.sampleDecisions?.map((sample) => sample.decisionId).sort()).toEqual(exportIds);
    expect(control.sampleDecisions?.[0]?.href).toMatch(/^\/decisions\/view\?ep=ep_/);
  });

  it("an agent retired today keeps its earlier allowed calls; calls allowed after retirement fail", async () => {
    await addAgent(database, { id: "agt_retiring", environment: "prod", declaredActions: ["crm.read_contact"] });
    await ingest(epId, "agt_retiring", [{ outcome: "allow" }, { outcome: "allow" }]);
    await database.db.update(agents).set({ status: "retired" }).where(eq(agents.id, "agt_retiring"));
    expect(await evaluate(database, "ctl-retired-agents-silent")).toMatchObject({ status: "pass", measures: { decisionsAllowedWhileOffboarded: 0 } });
    await ingest(epId, "agt_retiring", [{ outcome: "allow" }]);
    const after = await evaluate(database, "ctl-retired-agents-silent");
    expect(after).toMatchObject({ status: "fail", measures: { decisionsAllowedWhileOffboarded: 1 } });
    expect(after.failingAgents.map((agent) => agent.agentId)).toEqual(["agt_retiring"]);
  });

  it("the inventory is judged as of the period's end: changing or retiring agents afterwards does not move the period's report", async () => {
    // Owned, scoped agents in the inventory; a period that ends before the changes below.
    const [owner] = await queryRows<{ id: string }>(database.db, sql`insert into people (id, name, email) values ('per_inv_owner', 'Owner', 'owner-inv@example.test') returning id`);
    const [backup] = await queryRows<{ id: string }>(database.db, sql`insert into people (id, name, email) values ('per_inv_backup', 'Backup', 'backup-inv@example.test') returning id`);
    await addAgent(database, { id: "agt_inv_a", environment: "prod", ownerId: owner!.id, backupOwnerId: backup!.id, declaredActions: ["crm.read"], credentialKind: "task_token", credentialMaxLifetimeSeconds: 600 });
    await addAgent(database, { id: "agt_inv_b", environment: "prod", ownerId: owner!.id, backupOwnerId: backup!.id, declaredActions: ["crm.read"], credentialKind: "task_token", credentialMaxLifetimeSeconds: 600 });
    await ingest(epId, "agt_inv_a", [{ action: { name: "crm.read" }, outcome: "allow" }]);
    await ingest(epId, "agt_inv_b", [{ action: { name: "crm.read" }, outcome: "allow" }]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const period = { start: new Date(Date.now() - 2 * HOUR), end: new Date() };
    await new Promise((resolve) => setTimeout(resolve, 20));
    const scoped = async (controlId: string, scope: Parameters<typeof collectEvidenceFacts>[1]) => {
      const facts = await collectEvidenceFacts(database.db, scope, period);
      return evaluateControl((await listControls(database.db)).find((row) => row.id === controlId)!, facts);
    };
    const judged = async () => ({
      owners: await scoped("ctl-owner-backup", { kind: "all" }),
      credentials: await scoped("ctl-short-lived-credentials", { kind: "all" }),
      secrets: await scoped("ctl-no-static-secrets", { kind: "all" }),
      coverage: await scoped("ctl-enforcement-coverage", { kind: "environment", environment: "prod" }),
      agentA: await scoped("ctl-owner-backup", { kind: "agent", agentId: "agt_inv_a" }),
    });
    const strip = (results: Awaited<ReturnType<typeof judged>>) => Object.fromEntries(Object.entries(results).map(([name, result]) => [name, { status: result.status, measures: result.measures, failing: result.failingAgents }]));
    const before = strip(await judged());
    expect(before.agentA).toMatchObject({ status: "pass", measures: { agents: 1, compliant: 1 } });

    // After the period: unowned, a static secret, moved to dev, one retired, one renamed, a new agent registered.
    await database.db.update(agents).set({ ownerId: null, credentialKind: "static_api_key", credentialMaxLifetimeSeconds: 31_536_000, environment: "dev" }).where(eq(agents.id, "agt_inv_a"));
    await database.db.update(agents).set({ status: "retired", name: "renamed" }).where(eq(agents.id, "agt_inv_b"));
    await addAgent(database, { id: "agt_inv_late", environment: "prod" });
    expect(strip(await judged())).toEqual(before);

    // One history row per change, written by the change's own transaction; an unrelated column writes none.
    await database.db.update(agents).set({ lastSeenAt: new Date() }).where(eq(agents.id, "agt_inv_a"));
    const history = await queryRows<{ agent_id: string; status: string; environment: string | null }>(
      database.db,
      sql`select agent_id, status, environment from agent_history where agent_id in ('agt_inv_a', 'agt_inv_b') order by agent_id, id`,
    );
    expect(history).toEqual([
      { agent_id: "agt_inv_a", status: "active", environment: "prod" },
      { agent_id: "agt_inv_a", status: "active", environment: "dev" },
      { agent_id: "agt_inv_b", status: "active", environment: "prod" },
      { agent_id: "agt_inv_b", status: "retired", environment: "prod" },
    ]);
    // A period that includes the changes judges the new state.
    const now = await collectEvidenceFacts(database.db, { kind: "agent", agentId: "agt_inv_a" }, { start: period.start, end: new Date(Date.now() + 60_000) });
    expect(now.agents).toMatchObject([{ id: "agt_inv_a", environment: "dev", credentialKind: "static_api_key", ownerId: null }]);
  });

  it("an environment crossing stays a crossing after the enforcement point is moved to the agent's environment", async () => {
    const devEp = (await registerEnforcementPoint({ ctx: admin(), input: { name: "gw-dev", kind: "mcp-gateway", environment: "dev" } })).enforcementPoint.id;
    await addAgent(database, { id: "agt_crossing", environment: "prod", declaredActions: ["crm.read_contact"] });
    await ingest(devEp, "agt_crossing", [{ outcome: "allow" }]);
    expect((await evaluate(database, "ctl-environment-isolation")).status).toBe("fail");
    await database.db.update(enforcementPoints).set({ environment: "prod" }).where(eq(enforcementPoints.id, devEp));
    expect(await evaluate(database, "ctl-environment-isolation")).toMatchObject({ status: "fail", measures: { crossEnvironmentDecisions: 1 } });
  });

  it("refuses a report for a period in the future or before any data, and snapshots the settings and method it used", async () => {
    const report = (start: string, end: string) =>
      createReport({ ctx: userContext("risk"), input: { title: "Period check", frameworkIds: ["owasp-agentic-top10-2026"], scope: { kind: "all" }, periodStart: start, periodEnd: end } });
    await expect(report("2026-01-01T00:00:00Z", "2036-01-01T00:00:00Z")).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("future") });
    await expect(report("2020-01-01T00:00:00Z", "2020-02-01T00:00:00Z")).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("before Steward holds any data") });
    await updateSettings({ ctx: admin(), input: { maxCredentialLifetimeSeconds: 7200 } });
    const period = lastHours();
    const row = await report(period.start.toISOString(), new Date(Date.now() - 1000).toISOString());
    const content = row.content as ReportContent;
    expect(content.settings?.maxCredentialLifetimeSeconds).toBe(7200);
    expect(content.method?.statements.some((line) => line.includes("partial from 80 %"))).toBe(true);
    expect(content.method?.controls.find((control) => control.controlId === "ctl-out-of-scope-denied")?.rule).toContain("fail on any violation");
    const html = renderReport(row, "html").body as string;
    expect(html).toContain("<h2>Method</h2>");
    expect(html).toContain("maxCredentialLifetimeSeconds");
  });
});

describe("2. missing data is unknown, violations are failures", () => {
  let database: Database;
  let epId: string;
  beforeAll(async () => {
    // An enforcement point without an environment, agents without environments, identities or credentials on record.
    ({ database, epId } = await openScenario(""));
    await addAgent(database, { id: "agt_plain", declaredActions: ["crm.read_contact"] });
    await ingest(epId, "agt_plain", Array.from({ length: 5 }, () => ({ outcome: "allow" })));
  });
  afterAll(async () => database?.close());

  it("no data never passes: environments, identities, chains and credential kinds unknown", async () => {
    expect((await evaluate(database, "ctl-environment-isolation")).status).toBe("unknown");
    expect((await evaluate(database, "ctl-unique-identity")).status).toBe("unknown");
    expect((await evaluate(database, "ctl-delegation-depth")).status).toBe("unknown");
    expect((await evaluate(database, "ctl-no-static-secrets")).status).toBe("unknown");
    const isolation = await evaluate(database, "ctl-environment-isolation");
    expect(isolation.summary).toMatch(/^Not measurable/);
    expect(isolation.dataRequired).toContain("environment");
  });

  it("one allowed out-of-scope call in ten fails (no 80 % partial for a violation never acceptable)", async () => {
    await addAgent(database, { id: "agt_mostly_denied", declaredActions: [] });
    await ingest(epId, "agt_mostly_denied", [...Array.from({ length: 9 }, () => ({ action: { name: "hr.read" }, outcome: "deny" })), { action: { name: "hr.read" }, outcome: "allow" }]);
    const facts = await collectEvidenceFacts(database.db, { kind: "agent", agentId: "agt_mostly_denied" }, lastHours());
    const control = (await listControls(database.db)).find((row) => row.id === "ctl-out-of-scope-denied")!;
    expect(evaluateControl(control, facts)).toMatchObject({ status: "fail", measures: { outOfScope: 10, outOfScopeBlocked: 9 } });
  });

  it("titles state the thresholds of the settings used", async () => {
    await updateSettings({ ctx: admin(), input: { maxCredentialLifetimeSeconds: 31_536_000 } });
    const result = await evaluate(database, "ctl-short-lived-credentials");
    expect(result.title).toBe("Agent credentials live at most 365 days");
    expect(result.title).not.toContain("hour");
    await updateSettings({ ctx: admin(), input: { maxCredentialLifetimeSeconds: 3600 } });
    expect((await evaluate(database, "ctl-short-lived-credentials")).title).toBe("Agent credentials live at most 1 hour");
  });

  it("recognises destructive actions across naming styles, and the catalog's flag decides first", async () => {
    for (const name of ["s3:DeleteObject", "delete_file", "DropTable", "rm-rf", "iam.RevokeKey", "DELETE_USER", "crm.purgeContacts"]) expect(isDestructiveName(name), name).toBe(true);
    for (const name of ["s3:GetObject", "crm.read_contact", "deleted_items.list".replace("deleted", "archived"), "tools/call"]) expect(isDestructiveName(name), name).toBe(false);
    expect(judgeDestructive({ actionName: "tools/call", resourceId: "archive_everything", context: { destructive: true } })).toBe(true);
    expect(judgeDestructive({ actionName: "tools/call", resourceId: "delete_draft", context: { destructive: false } })).toBe(false);
    expect(judgeDestructive({ actionName: "tools/call", resourceId: "delete_file" })).toBe(true);

    await addAgent(database, { id: "agt_s3", declaredActions: ["s3:DeleteObject", "tools/call"] });
    await ingest(epId, "agt_s3", [
      { action: { name: "s3:DeleteObject" }, outcome: "allow" },
      { action: { name: "tools/call" }, resource: { type: "tool", id: "archive_everything" }, context: { destructive: true }, outcome: "approval_required" },
      { action: { name: "tools/call" }, resource: { type: "tool", id: "delete_draft" }, context: { destructive: false }, outcome: "allow" },
    ]);
    const facts = await collectEvidenceFacts(database.db, { kind: "agent", agentId: "agt_s3" }, lastHours());
    const control = (await listControls(database.db)).find((row) => row.id === "ctl-destructive-approval")!;
    expect(evaluateControl(control, facts)).toMatchObject({ status: "fail", measures: { destructiveDecisions: 2, gated: 1, allowedWithoutApproval: 1 } });
  });
});

describe("3. evidence is governed", () => {
  let database: Database;
  let epId: string;
  beforeAll(async () => {
    ({ database, epId } = await openScenario("prod"));
    await addAgent(database, { id: "agt_tagged", environment: "prod", declaredActions: ["crm.read_contact"] });
  });
  afterAll(async () => database?.close());

  it("manual evidence: an expiry in 2099 is refused, and an attestation counts only for periods it covers", async () => {
    const ctx = userContext("security");
    const input = (expiresAt: string) => ({ controlId: "ctl-incident-response", kind: "link", url: "https://wiki.example.test/anything", attestation: "Any text at all, long enough.", expiresAt });
    await expect(attestManualEvidence({ ctx, input: input("2099-01-01T00:00:00Z") })).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("manualEvidenceMaxValidityDays") });
    const evidence = await attestManualEvidence({ ctx, input: input(new Date(Date.now() + 30 * 24 * HOUR).toISOString()) });
    // Four eyes: unreviewed evidence counts for nothing, and the attester cannot review it.
    expect(await evaluate(database, "ctl-incident-response")).toMatchObject({ status: "unknown", measures: { awaitingReview: 1 } });
    await expect(reviewManualEvidence({ ctx, input: { evidenceId: evidence.id } })).rejects.toMatchObject({ code: "forbidden" });
    expect((await evaluate(database, "ctl-incident-response")).status).toBe("unknown");
    const reviewer = userContext("admin");
    const reviewed = await reviewManualEvidence({ ctx: reviewer, input: { evidenceId: evidence.id } });
    expect(reviewed).toMatchObject({ reviewStatus: "reviewed", reviewedBy: actorLabel(reviewer.actor) });
    await expectAuditRow(database.db, { action: "manual_evidence.review", entityId: evidence.id });
    await expect(reviewManualEvidence({ ctx: userContext("security"), input: { evidenceId: evidence.id } })).rejects.toMatchObject({ code: "conflict" });
    // A period that ended before the attestation was made is not covered by it.
    const lastMonth = { start: new Date(Date.now() - 40 * 24 * HOUR), end: new Date(Date.now() - 10 * 24 * HOUR) };
    expect((await evaluate(database, "ctl-incident-response", lastMonth)).status).toBe("unknown");
    expect((await evaluate(database, "ctl-incident-response")).status).toBe("pass");
    // Stored before the cap existed: an expiry far away counts only for the capped validity.
    await database.db.execute(sql`update manual_evidence set attested_at = now() - interval '400 days', expires_at = '2099-01-01'`);
    expect((await evaluate(database, "ctl-incident-response")).status).toBe("fail");
  });

  it("an attested file is stored with the SHA-256 of its bytes, and a token of the attester is the same person", async () => {
    const bytes = Buffer.from("%PDF-1.7 incident response plan, signed\n");
    const attester = userContext("security");
    const evidence = await attestManualEvidence({
      ctx: attester,
      input: { controlId: "ctl-incident-response", kind: "file", fileName: "ir-plan.pdf", fileContentBase64: bytes.toString("base64"), attestation: "The signed incident response plan.", expiresAt: new Date(Date.now() + 24 * HOUR).toISOString() },
    });
    expect(evidence).toMatchObject({ fileSha256: createHash("sha256").update(bytes).digest("hex"), fileSizeBytes: bytes.length, reviewStatus: "pending" });
    expect(evidence).not.toHaveProperty("fileContentBase64");
    await expectAuditRow(database.db, { action: "manual_evidence.create", entityId: evidence.id });
    const viaToken = { ...attester, actor: { ...attester.actor, via: "token" as const, tokenId: "tok_x" } };
    await expect(reviewManualEvidence({ ctx: viaToken, input: { evidenceId: evidence.id } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(reviewManualEvidence({ ctx: userContext("viewer"), input: { evidenceId: evidence.id } })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("policy framework tags count only for published policies that matched at least once", async () => {
    const asi01 = async () => (await evaluateAlignment(database.db, { frameworkIds: ["owasp-agentic-top10-2026"], scope: { kind: "all" }, period: lastHours() })).frameworks[0]!.items.find((item) => item.itemId === "ASI01")!;
    const baseline = await asi01();
    const ctx = userContext("security");
    const draft = await savePolicy({ ctx, input: { description: "Never matches", frameworkTags: ["ASI01"], source: `permit (principal, action, resource) when { false };` } });
    expect(await asi01()).toEqual(baseline); // an unpublished draft
    await publishDraft({ ctx, input: { message: "tagged, never matching" } });
    expect(await asi01()).toEqual(baseline); // published, but determined no decision in the period
    await ingest(epId, "agt_tagged", [{ outcome: "allow", reasons: [draft.policy.id] }]);
    const matched = await asi01();
    expect(matched.policies).toEqual([{ policyId: draft.policy.id, policyName: "Never matches" }]);
  });

  it("custom mappings need a rationale to be added or removed, and every export marks them", async () => {
    const ctx = userContext("security");
    const key = { controlId: "ctl-rate-limits", frameworkId: "owasp-agentic-top10-2026", itemId: "ASI03" };
    await expect(addMapping({ ctx, input: key })).rejects.toMatchObject({ name: "ZodError", issues: [expect.objectContaining({ path: ["rationale"] })] });
    await addMapping({ ctx, input: { ...key, rationale: "Rate limits cap what a misused identity can do." } });
    const period = lastHours();
    const row = await createReport({
      ctx: userContext("risk"),
      input: { title: "Custom", frameworkIds: ["owasp-agentic-top10-2026"], scope: { kind: "all" }, periodStart: period.start.toISOString(), periodEnd: new Date(Date.now() - 1000).toISOString() },
    });
    const [header, ...rows] = parseCsv(renderReport(row, "csv").body as string);
    const column = header!.indexOf("custom_mappings");
    expect(rows.find((cells) => cells[2] === "ASI03")?.[column]).toBe("ctl-rate-limits: Rate limits cap what a misused identity can do.");
    expect(rows.filter((cells) => cells[column] !== "")).toHaveLength(1);
    expect(renderReport(row, "html").body as string).toContain("<strong>custom mapping</strong>");
    await expect(removeMapping({ ctx, input: key })).rejects.toMatchObject({ name: "ZodError" });
  });
});
