import { describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { recordTestDecisions } from "@/testing/decisions";
import { expectAuditRow } from "@/testing/audit";
import { agents, auditLog, findings, findingSnapshots } from "@/db/schema";
import { userContext } from "@/testing/context";
import { systemContext } from "../auth/actor";
import { acceptFinding, resolveFinding } from "../findings/decide-finding";
import { findingsDashboard } from "../findings/dashboard";
import { refreshFindings } from "../findings/refresh-findings";
import { createPerson } from "../people/people";
import { createTeam } from "../people/teams";
import { assignOwnership, changeAgentStatus } from "./assign-ownership";
import { createAgent } from "./create-agent";
import { declaredVsObserved } from "./declared-vs-observed";
import { listAgents } from "./list-agents";
import { overrideRiskTier } from "./override-risk";
import { updateAgent, upsertAgentByExternalId } from "./update-agent";

const database = suiteDatabase();

const security = userContext("security");
const DAY = 86_400_000;

async function openKinds(agentId: string) {
  const rows = await database.db.select().from(findings).where(and(eq(findings.agentId, agentId), eq(findings.status, "open")));
  return rows.map((row) => row.kind).sort();
}

/**
 * Each test makes its own team, people and agents (names carry a per-test tag) and reads only those,
 * so the suite passes in any order (`vitest --sequence.shuffle`).
 */
async function ownedAgents(tag: string) {
  const team = await createTeam({ ctx: security, input: { name: `Payments ${tag}` } });
  const owner = await createPerson({ ctx: security, input: { name: "Olive Owner", email: `olive-${tag}@example.test`, teamId: team.id } });
  const backup = await createPerson({ ctx: security, input: { name: "Bart Backup", email: `bart-${tag}@example.test`, teamId: team.id } });
  const invoice = await createAgent({
    ctx: security,
    input: {
      name: `invoice-bot-${tag}`,
      environment: "prod",
      ownerId: owner.id,
      teamId: team.id,
      declaredActions: ["read_invoice", "send_email"],
      credentialKind: "static_api_key",
      dataSensitivity: "confidential",
      identities: [
        { kind: "agent_id", value: `invoice-bot-${tag}` },
        { kind: "spiffe_id", value: `spiffe://corp/invoice-${tag}` },
      ],
    },
  });
  return { teamId: team.id, ownerId: owner.id, backupId: backup.id, invoice };
}
const tagged = () => Math.random().toString(36).slice(2, 10);

describe("agents", () => {
  it("creates an agent with identities, computes its risk and audits it", async () => {
    const tag = tagged();
    const { ownerId, invoice: agent } = await ownedAgents(tag);
    expect(agent).toMatchObject({ name: `invoice-bot-${tag}`, status: "active", owner: { id: ownerId }, team: { name: `Payments ${tag}` }, riskTier: "high" });
    expect(agent.riskReasons).toEqual(expect.arrayContaining(["Holds a standing static API key", "Handles confidential data", "Runs in production"]));
    expect(agent.openFindings).toEqual(expect.arrayContaining(["standing_privilege", "no_backup_owner"]));
    await expectAuditRow(database.db, { action: "agent.create", entityType: "agent", entityId: agent.id, actorId: security.actor.type === "user" ? security.actor.userId : null });
  });

  it("refuses an identity another agent already has, naming it (409)", async () => {
    const tag = tagged();
    await ownedAgents(tag);
    await expect(createAgent({ ctx: security, input: { name: "copycat", identities: [{ kind: "agent_id", value: `invoice-bot-${tag}` }] } })).rejects.toMatchObject({
      code: "conflict",
      status: 409,
      message: expect.stringContaining(`agent_id "invoice-bot-${tag}" already belongs to agent agt_`),
    });
  });

  it("rejects bad input with the exact message and path", async () => {
    await expect(createAgent({ ctx: security, input: { name: "  " } })).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ["name"], message: "Enter a name" })] });
    await expect(createAgent({ ctx: security, input: { name: "x", ownerId: "per_missing" } })).rejects.toMatchObject({ code: "not_found", path: "ownerId", message: "Person per_missing does not exist" });
  });

  it("lets neither a risk officer nor a viewer write or change ownership", async () => {
    const tag = tagged();
    const { ownerId, backupId, invoice: agent } = await ownedAgents(tag);
    for (const role of ["risk", "viewer"] as const) {
      const ctx = userContext(role);
      await expect(assignOwnership({ ctx, input: { agentIds: [agent.id], ownerId: backupId } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(updateAgent({ ctx, input: { agentId: agent.id, changes: { ownerId: backupId } } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(createAgent({ ctx, input: { name: `nope-${tag}` } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(changeAgentStatus({ ctx, input: { agentIds: [agent.id], status: "retired" } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(overrideRiskTier({ ctx, input: { agentId: agent.id, tier: "low", justification: "because I say so" } })).rejects.toMatchObject({ code: "forbidden" });
      expect((await listAgents({ ctx, input: { q: tag } })).total).toBe(1);
    }
    const after = await database.db.select().from(agents).where(eq(agents.id, agent.id));
    expect(after[0]!.ownerId).toBe(ownerId);
  });

  it("assigns a backup owner in bulk and clears the no-backup finding, audited per agent", async () => {
    const tag = tagged();
    const { ownerId, backupId, invoice } = await ownedAgents(tag);
    const second = await createAgent({ ctx: security, input: { name: `report-bot-${tag}`, ownerId, declaredActions: ["read_report"], credentialKind: "task_token", dataSensitivity: "internal" } });
    const updated = await assignOwnership({ ctx: security, input: { agentIds: [invoice.id, second.id], backupOwnerId: backupId } });
    expect(updated.map((a) => a.backupOwner?.id)).toEqual([backupId, backupId]);
    expect(updated.every((a) => !a.openFindings.includes("no_backup_owner"))).toBe(true);
    const rows = await database.db.select().from(auditLog).where(and(eq(auditLog.action, "agent.assign_ownership"), inArray(auditLog.entityId, [invoice.id, second.id])));
    expect(rows.map((r) => r.entityId).sort()).toEqual([invoice.id, second.id].sort());
    await expect(assignOwnership({ ctx: security, input: { agentIds: [second.id], backupOwnerId: ownerId } })).rejects.toMatchObject({ path: "backupOwnerId" });
    await expect(assignOwnership({ ctx: security, input: { agentIds: [] } })).rejects.toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ path: ["agentIds"], message: "Select at least one agent" })]),
    });
  });

  it("filters, searches and sorts the list", async () => {
    const tag = tagged();
    const { ownerId } = await ownedAgents(tag);
    await createAgent({ ctx: security, input: { name: `report-bot-${tag}`, ownerId, declaredActions: ["read_report"], credentialKind: "task_token", dataSensitivity: "internal" } });
    const byRisk = await listAgents({ ctx: security, input: { sort: "-risk", q: tag } });
    expect(byRisk.items.map((a) => a.name)).toEqual([`invoice-bot-${tag}`, `report-bot-${tag}`]);
    expect((await listAgents({ ctx: security, input: { q: `spiffe://corp/invoice-${tag}` } })).items.map((a) => a.name)).toEqual([`invoice-bot-${tag}`]);
    expect((await listAgents({ ctx: security, input: { finding: "standing_privilege", q: tag } })).items.map((a) => a.name)).toEqual([`invoice-bot-${tag}`]);
    expect((await listAgents({ ctx: security, input: { environment: "prod", risk: "high", q: tag } })).total).toBe(1);
    expect((await listAgents({ ctx: security, input: { status: "bogus", limit: "x", q: tag } })).total).toBe(2);
  });

  it("overrides the risk tier only with a justification, keeping the computed tier visible", async () => {
    const tag = tagged();
    const { ownerId } = await ownedAgents(tag);
    const agent = await createAgent({ ctx: security, input: { name: `report-bot-${tag}`, ownerId, declaredActions: ["read_report"], credentialKind: "task_token", dataSensitivity: "internal" } });
    await expect(overrideRiskTier({ ctx: security, input: { agentId: agent.id, tier: "critical", justification: "short" } })).rejects.toMatchObject({
      path: "justification",
      message: "Explain the override in at least 10 characters",
    });
    const view = await overrideRiskTier({ ctx: security, input: { agentId: agent.id, tier: "critical", justification: "Touches the payment ledger" } });
    expect(view).toMatchObject({ riskTier: "critical", computedRiskTier: agent.computedRiskTier, riskOverride: { tier: "critical" } });
    await expectAuditRow(database.db, { action: "agent.override_risk", after: { override: "critical", justification: "Touches the payment ledger" } });
  });

  it("upserts by external id idempotently", async () => {
    const document = { externalId: "tf-agent-1", agent: { name: "tf-bot", declaredActions: ["a"], identities: [{ kind: "client_id", value: "tf-client" }] } };
    const first = await upsertAgentByExternalId({ ctx: security, input: document });
    const auditCount = (await database.db.select().from(auditLog)).length;
    const second = await upsertAgentByExternalId({ ctx: security, input: document });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, agent: { id: first.agent.id, externalId: "tf-agent-1" } });
    expect((await database.db.select().from(auditLog)).length).toBe(auditCount);
    const changed = await upsertAgentByExternalId({ ctx: security, input: { ...document, agent: { ...document.agent, description: "now described" } } });
    expect(changed.agent.description).toBe("now described");
    await expectAuditRow(database.db, { action: "agent.update", entityId: first.agent.id });
  });
});

describe("declared vs observed and findings, from recorded decisions", () => {
  it("compares scope with real decisions and keeps findings current", async () => {
    const ctx = userContext("security");
    const owner = await createPerson({ ctx, input: { name: "Dora", email: "dora@example.test" } });
    const backup = await createPerson({ ctx, input: { name: "Dan", email: "dan@example.test" } });
    const agent = await createAgent({
      ctx,
      input: { name: "crm-agent", ownerId: owner.id, backupOwnerId: backup.id, declaredActions: ["crm.read", "crm.update", "crm.export"], credentialKind: "spiffe", dataSensitivity: "internal", identities: [{ kind: "agent_id", value: "crm" }] },
    });
    const planner = await createAgent({ ctx, input: { name: "planner", ownerId: owner.id, backupOwnerId: backup.id, credentialKind: "spiffe", dataSensitivity: "public", identities: [{ kind: "agent_id", value: "planner" }] } });
    const now = Date.now();
    await recordTestDecisions(database.db, [
      { agentId: agent.id, agentRef: "crm", action: "crm.read", time: new Date(now - 2 * DAY), enforcementPointId: "ep_gateway", delegation: ["planner", "crm"] },
      { agentId: agent.id, agentRef: "crm", action: "crm.read", time: new Date(now - DAY) },
      { agentId: agent.id, agentRef: "crm", action: "crm.delete", outcome: "deny", time: new Date(now - 3600_000) },
      { agentId: agent.id, agentRef: "crm", action: "payments.refund", time: new Date(now - 60_000) },
    ]);
    const observed = await declaredVsObserved({ ctx, input: { agentId: agent.id } });
    expect(observed.used.map((u) => u.action).sort()).toEqual(["crm.delete", "crm.read", "payments.refund"]);
    expect(observed.outOfScope.sort()).toEqual(["crm.delete", "payments.refund"]);
    expect(observed.unusedDeclared).toEqual(["crm.export", "crm.update"]);
    expect(observed.denies).toBe(1);
    expect(observed.endpoints.map((e) => e.enforcementPointId).sort()).toEqual(["ep_gateway", "ep_test"]);
    expect(observed.delegatedBy).toEqual([{ ref: "planner", decisions: 1, agent: { id: planner.id, name: "planner" } }]);
    expect(observed.recent).toHaveLength(4);

    const result = await refreshFindings({ ctx });
    expect(result.agents).toBeGreaterThanOrEqual(2);
    expect(await openKinds(agent.id)).toEqual(["out_of_scope"]);
    const [finding] = await database.db.select().from(findings).where(and(eq(findings.agentId, agent.id), eq(findings.kind, "out_of_scope")));
    expect(finding!.detail).toBe("Used 2 undeclared actions: crm.delete, payments.refund");
    const [row] = await database.db.select().from(agents).where(eq(agents.id, agent.id));
    expect(row!.riskReasons).toContain("Used 2 actions outside its declared scope");
    expect(row!.lastSeenAt!.getTime()).toBeGreaterThan(now - 120_000);
    expect((await declaredVsObserved({ ctx, input: { agentId: planner.id } })).delegatesTo).toEqual([{ agentId: agent.id, decisions: 1, name: "crm-agent" }]);
    // The planner never acted itself and was created long ago → stale after the window.
    await refreshFindings({ ctx, now: new Date(now + 40 * DAY) });
    expect(await openKinds(planner.id)).toEqual(["stale"]);
    await refreshFindings({ ctx, now: new Date(now + 100 * DAY) });
    expect(await openKinds(planner.id)).toEqual(["attestation_overdue", "stale"]);

    // Declaring what it does clears out-of-scope on the next refresh of that agent.
    await updateAgent({ ctx, input: { agentId: agent.id, changes: { declaredActions: ["crm.read", "crm.delete", "payments.refund"] } } });
    expect(await openKinds(agent.id)).toEqual([]);
    const [resolved] = await database.db.select().from(findings).where(and(eq(findings.agentId, agent.id), eq(findings.kind, "out_of_scope")));
    expect(resolved).toMatchObject({ status: "resolved", decidedBy: "system" });

    // The dashboard counts every resolved out-of-scope finding: this agent's among them. (The refreshes
    // 40 and 100 days ahead may resolve other tests' findings too, so count them from the table.)
    const dashboard = await findingsDashboard({ ctx: userContext("viewer") });
    const resolvedRows = await database.db.select().from(findings).where(and(eq(findings.kind, "out_of_scope"), eq(findings.status, "resolved")));
    expect(resolvedRows.map((row) => row.agentId)).toContain(agent.id);
    expect(dashboard.byKind.out_of_scope.resolved).toBe(resolvedRows.length);
    expect((await database.db.select().from(findingSnapshots)).length).toBeGreaterThan(0);
  });

  it("makes a discovered agent visible as orphaned and discovered until someone owns it", async () => {
    const ctx = userContext("security");
    const shadow = await createAgent({ ctx, input: { name: "shadow", status: "discovered", identities: [{ kind: "agent_id", value: "shadow-1" }] } });
    await recordTestDecisions(database.db, [{ agentId: shadow.id, agentRef: "shadow-1", action: "anything" }]);
    await refreshFindings({ ctx });
    expect(await openKinds(shadow.id)).toEqual(["discovered", "orphaned"]);
    const person = await createPerson({ ctx, input: { name: "Sam", email: "sam@example.test" } });
    await assignOwnership({ ctx, input: { agentIds: [shadow.id], ownerId: person.id } });
    expect(await openKinds(shadow.id)).toEqual(["discovered"]);
    await changeAgentStatus({ ctx, input: { agentIds: [shadow.id], status: "active" } });
    expect(await openKinds(shadow.id)).toEqual(["no_backup_owner", "out_of_scope"]);
  });

  it("accepts a finding until it expires, and resolves one by hand", async () => {
    const ctx = userContext("security");
    const agent = await createAgent({ ctx, input: { name: "legacy", credentialKind: "shared_secret" } });
    const [finding] = await database.db.select().from(findings).where(and(eq(findings.agentId, agent.id), eq(findings.kind, "standing_privilege")));
    await expect(acceptFinding({ ctx, input: { findingId: finding!.id, justification: "too short", expiresAt: new Date(Date.now() + DAY) } })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ["justification"], message: "Explain the acceptance in at least 10 characters" })],
    });
    await expect(acceptFinding({ ctx: userContext("risk"), input: { findingId: finding!.id, justification: "Vendor cannot rotate yet", expiresAt: new Date(Date.now() + DAY) } })).rejects.toMatchObject({ code: "forbidden" });
    await acceptFinding({ ctx, input: { findingId: finding!.id, justification: "Vendor cannot rotate yet", expiresAt: new Date(Date.now() + 10 * DAY) } });
    await expectAuditRow(database.db, { action: "finding.accept", entityId: finding!.id });
    await refreshFindings({ ctx: systemContext("test") });
    expect((await database.db.select().from(findings).where(eq(findings.id, finding!.id)))[0]!.status).toBe("accepted");
    await refreshFindings({ ctx: systemContext("test"), now: new Date(Date.now() + 11 * DAY) });
    expect((await database.db.select().from(findings).where(eq(findings.id, finding!.id)))[0]!.status).toBe("open");
    const [orphan] = await database.db.select().from(findings).where(and(eq(findings.agentId, agent.id), eq(findings.kind, "orphaned")));
    await resolveFinding({ ctx, input: { findingId: orphan!.id } });
    await expectAuditRow(database.db, { action: "finding.resolve", entityId: orphan!.id });
    expect((await database.db.select().from(findings).where(eq(findings.id, orphan!.id)))[0]!.status).toBe("resolved");
    // Resolved by hand while the agent still has no owner: the next refresh opens it again.
    await refreshFindings({ ctx: systemContext("test") });
    expect((await database.db.select().from(findings).where(eq(findings.id, orphan!.id)))[0]!.status).toBe("open");
  });
});

describe("identities saved at the same moment", () => {
  it("answers an identity another transaction took after the check with a conflict at the identities field, not a database error", async (context) => {
    if (database.target !== "postgres") return context.skip(); // PGlite is one connection: no two writers race
    const postgres = (await import("postgres")).default;
    const spiffeId = `spiffe://race.test/agent/${Date.now()}`;
    const held = await createAgent({ ctx: security, input: { name: "race holder", status: "discovered" } });
    // Another connection claims the identity and holds its transaction open: the create's own check
    // cannot see the row yet, and its insert waits on that transaction's unique-index entry.
    const other = postgres(database.url!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const claimed = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertDone = new Promise<void>((resolve) => (inserted = resolve));
    const claim = other.begin(async (sql) => {
      await sql`insert into agent_identities (kind, value, agent_id) values ('spiffe_id', ${spiffeId}, ${held.id})`;
      inserted();
      await claimed;
    });
    try {
      await insertDone;
      const create = createAgent({ ctx: security, input: { name: "race newcomer", status: "active", identities: [{ kind: "spiffe_id", value: spiffeId }] } });
      await new Promise((resolve) => setTimeout(resolve, 200));
      release();
      await claim;
      const error = await create.then(() => null, (thrown: unknown) => thrown);
      expect(error).toMatchObject({ name: "StewardError", code: "conflict", path: "identities" });
      const newcomers = await database.db.select().from(agents).where(eq(agents.name, "race newcomer"));
      expect(newcomers).toEqual([]);
    } finally {
      release();
      await other.end();
    }
  });
});
