import { beforeAll, describe, expect, it } from "vitest";
import { asc, eq, lt, sql } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { insertTestDecisionRows } from "@/testing/decisions";
import { refreshActivityRollup, rolledUpEvidenceDays } from "@/db/activity";
import { executedRows } from "@/db/rows";
import { agentHistory, agentIdentities, agents, enforcementPoints, teams } from "@/db/schema";
import { handleIngestRequest } from "../../decisions/ingest-request";
import { enforcementPointContext, ingestRequest, sampleDecision } from "../../decisions/ingest-testing";
import { registerEnforcementPoint } from "../../enforcement-points/register-enforcement-point";
import { createReport } from "../../reports/create-report";
import type { ReportContent } from "../../reports/report-content";
import { getSettings, updateSettings } from "../../settings/settings";
import { userContext } from "@/testing/context";
import { loadShippedFrameworks } from "../load-catalogs";
import type { ReportScope } from "../schemas";
import { collectEvidenceFacts, DESTRUCTIVE_ACTION_PATTERN, type AgentDecisionFact, type Period, type SharedIdentity } from "./facts";
import { emptyDecisionFact } from "./evaluate-controls";

/**
 * The evidence read through the daily rollup (closed days) plus live rows (the rest) must equal the
 * evidence computed here, in plain TypeScript, from every stored decision, the agents as they stood at
 * the period's end (their history) and the current enforcement points and settings — before and after refreshes, with late and new decisions.
 */
const DAY = 86_400_000;
const database = suiteDatabase();
let epContext: ReturnType<typeof enforcementPointContext>;
let ingestEp = "";

const AGENTS: { id: string; name: string; environment: "prod" | "dev" | "staging" | null; teamId: string | null; declaredActions: string[] }[] = [
  { id: "agt_r1", name: "r1", environment: "prod", teamId: "team_a", declaredActions: ["crm.read", "crm.delete_contact", "invoice.read"] },
  { id: "agt_r2", name: "r2", environment: "prod", teamId: "team_a", declaredActions: ["invoice.read"] },
  { id: "agt_r3", name: "r3", environment: "dev", teamId: "team_b", declaredActions: ["s3.get_object", "s3.delete_object"] },
  { id: "agt_r4", name: "r4", environment: null, teamId: "team_b", declaredActions: [] },
  { id: "agt_r5", name: "r5", environment: "staging", teamId: null, declaredActions: ["db.query", "db.drop_table"] },
];
const ACTIONS = ["crm.read", "crm.delete_contact", "invoice.read", "invoice.remove", "s3.get_object", "s3.delete_object", "db.query", "db.drop_table", "email.send", "vm.terminate"];
const OUTCOMES = ["allow", "deny", "approval_required", "error"] as const;
const EPS = ["ep_prod", "ep_dev", "ep_stage", "ep_gone"]; // ep_gone is not registered: its decisions are unreported
const IDENTITIES = [null, "client-1", "client-2", "shared-client"];

function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type StoredDecision = {
  agentId: string;
  actionName: string;
  outcome: string;
  enforcementPointId: string;
  clientId: string | null;
  spiffeId: string | null;
  delegation: unknown;
  time: Date;
  /** Judged at ingest; null on rows written without ingest (judged against the inventory as it is). */
  inDeclaredScope: boolean | null;
  destructive: boolean | null;
  crossEnvironment: boolean | null;
  agentOffboarded: boolean | null;
};

async function storedDecisions(): Promise<StoredDecision[]> {
  const rows = executedRows<Record<string, unknown>>(
    await database.db.execute(sql`select agent_id, action_name, outcome, enforcement_point_id, client_id, spiffe_id, delegation, time, in_declared_scope, destructive, cross_environment, agent_offboarded from decisions`),
  );
  return rows.map((row) => ({
    agentId: String(row.agent_id),
    actionName: String(row.action_name),
    outcome: String(row.outcome),
    enforcementPointId: String(row.enforcement_point_id),
    clientId: (row.client_id as string | null) ?? null,
    spiffeId: (row.spiffe_id as string | null) ?? null,
    delegation: typeof row.delegation === "string" ? JSON.parse(row.delegation) : row.delegation,
    time: new Date(row.time as string | Date),
    inDeclaredScope: (row.in_declared_scope as boolean | null) ?? null,
    destructive: (row.destructive as boolean | null) ?? null,
    crossEnvironment: (row.cross_environment as boolean | null) ?? null,
    agentOffboarded: (row.agent_offboarded as boolean | null) ?? null,
  }));
}

/** The evidence definitions, applied decision by decision. */
async function expectedEvidence(scope: ReportScope, period: Period) {
  // The inventory as it stood at the period's end: each agent's latest history row before it.
  const history = await database.db.select().from(agentHistory).where(lt(agentHistory.validFrom, period.end)).orderBy(asc(agentHistory.validFrom), asc(agentHistory.id));
  const agentRows = [...new Map(history.map((row) => [row.agentId, { ...row, id: row.agentId }])).values()];
  const epRows = await database.db.select().from(enforcementPoints);
  const { maxDelegationDepth } = await getSettings(database.db);
  const agentById = new Map(agentRows.map((agent) => [agent.id, agent]));
  const epById = new Map(epRows.map((ep) => [ep.id, ep]));
  const inScope = (agentId: string) => {
    const agent = agentById.get(agentId);
    if (scope.kind === "all") return true;
    if (scope.kind === "team") return agent?.teamId === scope.teamId;
    if (scope.kind === "environment") return agent?.environment === scope.environment;
    return agentId === scope.agentId;
  };
  const destructive = new RegExp(DESTRUCTIVE_ACTION_PATTERN, "i");
  const byAgent = new Map<string, AgentDecisionFact>();
  const agentsOfIdentity = new Map<string, Set<string>>();
  for (const row of await storedDecisions()) {
    if (row.time < period.start || row.time >= period.end || !inScope(row.agentId)) continue;
    const agent = agentById.get(row.agentId);
    const ep = epById.get(row.enforcementPointId);
    const depth = Array.isArray(row.delegation) ? row.delegation.length : 0;
    const blocked = row.outcome === "deny" || row.outcome === "approval_required";
    const outOfScope = !(row.inDeclaredScope ?? (agent?.declaredActions ?? []).includes(row.actionName));
    const isDestructive = row.destructive ?? destructive.test(row.actionName.replace(/([a-z0-9])([A-Z])/g, "$1_$2"));
    const judgeable = ep !== undefined && ep.environment !== "" && !!agent?.environment;
    const crossEnvironment = row.crossEnvironment ?? (judgeable ? ep.environment !== agent.environment : null);
    const offboarded = row.agentOffboarded ?? (agent?.status === "retired" || agent?.status === "suspended");
    const fact = byAgent.get(row.agentId) ?? emptyDecisionFact(row.agentId);
    fact.total++;
    if (row.outcome === "allow") fact.allowed++;
    if (row.outcome === "error") fact.errors++;
    if (outOfScope) fact.outOfScope++;
    if (outOfScope && blocked) fact.outOfScopeBlocked++;
    if (isDestructive) {
      fact.destructive++;
      if (blocked) fact.destructiveGated++;
    }
    fact.maxDepth = Math.max(fact.maxDepth, depth);
    if (depth > maxDelegationDepth) fact.overDepthCap++;
    if (!ep || !ep.enabled) fact.unreported++;
    if (crossEnvironment === true) fact.crossEnvironment++;
    if (crossEnvironment !== null) fact.environmentKnown++;
    if (row.clientId ?? row.spiffeId) fact.withIdentity++;
    if (depth > 1) fact.delegated++;
    if (offboarded && row.outcome === "allow") fact.allowedWhileOffboarded++;
    byAgent.set(row.agentId, fact);
    const identity = row.clientId ?? row.spiffeId;
    if (identity) agentsOfIdentity.set(identity, (agentsOfIdentity.get(identity) ?? new Set()).add(row.agentId));
  }
  const shared: SharedIdentity[] = [...agentsOfIdentity]
    .filter(([, ids]) => ids.size > 1)
    .map(([identity, ids]) => ({ identity, agents: ids.size }))
    .sort((a, b) => b.agents - a.agents || a.identity.localeCompare(b.identity));
  return { byAgent: Object.fromEntries([...byAgent].sort(([a], [b]) => a.localeCompare(b))), shared };
}

async function actualEvidence(scope: ReportScope, period: Period) {
  const facts = await collectEvidenceFacts(database.db, scope, period);
  return { byAgent: Object.fromEntries([...facts.decisionsByAgent].sort(([a], [b]) => a.localeCompare(b))), shared: facts.sharedIdentities };
}

const isoDay = (millis: number) => new Date(millis).toISOString().slice(0, 10);
const todayStart = () => Date.parse(isoDay(Date.now()));
const periods = () => {
  const now = Date.now();
  return {
    // Starts mid-day nine days back and runs past now: partial first day, closed days, yesterday, today.
    whole: { start: new Date(todayStart() - 9 * DAY + 7 * 3_600_000 + 123), end: new Date(now + 60_000) },
    // Both edges inside closed days: partial days on both sides of a rolled-up middle.
    inner: { start: new Date(todayStart() - 6 * DAY + 5 * 3_600_000), end: new Date(todayStart() - 2 * DAY + 13 * 3_600_000) },
  };
};

async function expectEvidenceRight() {
  const { whole, inner } = periods();
  for (const period of [whole, inner]) {
    for (const scope of [{ kind: "all" }, { kind: "team", teamId: "team_a" }, { kind: "environment", environment: "dev" }, { kind: "agent", agentId: "agt_r5" }] as ReportScope[]) {
      const expected = await expectedEvidence(scope, period);
      expect(await actualEvidence(scope, period), `${scope.kind} over ${period.start.toISOString()}–${period.end.toISOString()}`).toEqual(expected);
    }
  }
  const expected = await expectedEvidence({ kind: "all" }, whole);
  expect(Object.keys(expected.byAgent).length).toBeGreaterThanOrEqual(5);
  expect(expected.shared.length).toBeGreaterThan(0);
}

beforeAll(async () => {
  await loadShippedFrameworks(database.db);
  await database.db.insert(teams).values([
    { id: "team_a", name: "A" },
    { id: "team_b", name: "B" },
  ]);
  await database.db.insert(enforcementPoints).values([
    { id: "ep_prod", name: "prod", kind: "mcp-gateway", environment: "prod" },
    { id: "ep_dev", name: "dev", kind: "mcp-gateway", environment: "dev" },
    { id: "ep_stage", name: "stage", kind: "mcp-gateway", environment: "" },
  ]);
  // Registered before any period the tests judge.
  await database.db.insert(agents).values(AGENTS.map((agent) => ({ ...agent, status: "active" as const, createdAt: new Date(todayStart() - 30 * DAY) })));
  await database.db.insert(agentIdentities).values(AGENTS.map((agent) => ({ kind: "agent_id" as const, value: agent.id, agentId: agent.id })));
  const next = random(42);
  const pick = <T,>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const now = Date.now();
  const earliest = todayStart() - 9 * DAY;
  await insertTestDecisionRows(
    database.db,
    Array.from({ length: 600 }, (_, index) => {
      const depth = pick([0, 0, 0, 2, 3, 4, 5]);
      return {
        enforcementPointId: pick(EPS),
        decisionId: `seed_${index}`,
        time: new Date(earliest + Math.floor(next() * (now - earliest))),
        agentId: pick(AGENTS).id,
        agentRef: "ref",
        clientId: pick(IDENTITIES),
        spiffeId: next() < 0.2 ? "spiffe://corp/shared" : null,
        actionName: pick(ACTIONS),
        resourceType: "tool",
        resourceId: "x",
        outcome: pick(OUTCOMES),
        delegation: depth ? Array.from({ length: depth }, (_, hop) => `hop_${hop}`) : null,
        contentHash: `h${index}`,
      };
    }),
  );
  const { enforcementPoint } = await registerEnforcementPoint({ ctx: userContext("admin"), input: { name: "late-gw", kind: "mcp-gateway", environment: "prod" } });
  ingestEp = enforcementPoint.id;
  epContext = enforcementPointContext(ingestEp, "late-gw");
});

describe("framework evidence over the daily rollup", () => {
  it("reads everything live before the first refresh, and gets it right", async () => {
    // The state before any refresh, whichever tests ran first: no rollup watermark.
    await database.db.execute(sql`delete from activity_rollup_state`);
    expect(await rolledUpEvidenceDays(database.db, periods().whole, new Date(0))).toEqual([]);
    await expectEvidenceRight();
  });

  it("after a refresh reads whole closed days from the rollup — not the partial first day, yesterday or today — with the same results", async () => {
    await refreshActivityRollup(database.db);
    const { whole, inner } = periods();
    const oldest = (await storedDecisions()).reduce((min, row) => (row.time < min ? row.time : min), new Date());
    const days = await rolledUpEvidenceDays(database.db, whole, oldest);
    expect(days).toEqual(Array.from({ length: 7 }, (_, index) => isoDay(todayStart() - (8 - index) * DAY)));
    expect(await rolledUpEvidenceDays(database.db, inner, oldest)).toEqual([isoDay(todayStart() - 5 * DAY), isoDay(todayStart() - 4 * DAY), isoDay(todayStart() - 3 * DAY)]);
    await expectEvidenceRight();
  });

  it("really serves those days from the rollup (a tampered rollup row shows), and a rebuild restores it", async () => {
    await refreshActivityRollup(database.db);
    const day = isoDay(todayStart() - 4 * DAY);
    await database.db.execute(sql`update decision_evidence_daily set decisions = decisions + 1000 where day = ${day}::date and agent_id = 'agt_r1'`);
    const { whole } = periods();
    const tampered = await actualEvidence({ kind: "all" }, whole);
    const expected = await expectedEvidence({ kind: "all" }, whole);
    expect(tampered.byAgent.agt_r1!.total).toBeGreaterThan(expected.byAgent.agt_r1!.total + 999);
    await refreshActivityRollup(database.db, { rebuild: true });
    await expectEvidenceRight();
  });

  it("judges rows without ingest facts against the agents as they stood at the period's end (enforcement points and settings as they are now), also for rolled-up days", async () => {
    await database.db.update(agents).set({ declaredActions: ["email.send", "vm.terminate"], environment: "dev" }).where(eq(agents.id, "agt_r2"));
    await database.db.update(enforcementPoints).set({ enabled: false }).where(eq(enforcementPoints.id, "ep_dev"));
    await updateSettings({ ctx: userContext("admin"), input: { maxDelegationDepth: 2 } });
    await expectEvidenceRight();
  });

  it("counts late decisions for a closed day at once (read live until the next refresh rolls that day up again)", async () => {
    await refreshActivityRollup(database.db);
    const lateDay = todayStart() - 4 * DAY;
    const times = [lateDay + 3_600_000, lateDay + 20 * 3_600_000, lateDay + 23 * 3_600_000];
    const batch = times.map((time, index) =>
      sampleDecision({ time: new Date(time).toISOString(), agent: { id: "agt_r3", client_id: "shared-client" }, action: { name: index ? "s3.delete_object" : "db.drop_table" }, outcome: index === 2 ? "allow" : "deny", delegation: ["a", "b", "c", "agt_r3"] }),
    );
    const response = await handleIngestRequest(ingestRequest(JSON.stringify(batch)), epContext);
    expect(response.body).toMatchObject({ accepted: 3 });
    const { whole } = periods();
    const days = await rolledUpEvidenceDays(database.db, whole, new Date(todayStart() - 9 * DAY));
    expect(days).not.toContain(isoDay(lateDay));
    expect(days).toContain(isoDay(lateDay - DAY));
    await expectEvidenceRight();
    const result = await refreshActivityRollup(database.db);
    expect(result.lateDays).toEqual([isoDay(lateDay)]);
    expect(await rolledUpEvidenceDays(database.db, whole, new Date(todayStart() - 9 * DAY))).toContain(isoDay(lateDay));
    await expectEvidenceRight();
  });

  it("a report made after new decisions arrive reflects them", async () => {
    const input = () => ({ frameworkIds: ["owasp-agentic-top10-2026"], scope: { kind: "all" }, periodStart: periods().whole.start, periodEnd: new Date(Date.now() + 60_000) });
    const first = (await createReport({ ctx: userContext("risk"), input: input() })).content as ReportContent;
    const response = await handleIngestRequest(
      ingestRequest(JSON.stringify([sampleDecision({ agent: { id: "agt_r4" }, action: { name: "db.drop_table" }, outcome: "allow" }), sampleDecision({ agent: { id: "agt_r4" }, outcome: "error" })])),
      epContext,
    );
    expect(response.body).toMatchObject({ accepted: 2 });
    const second = (await createReport({ ctx: userContext("risk"), input: input() })).content as ReportContent;
    expect(second.decisionsInPeriod).toBe(first.decisionsInPeriod + 2);
    const destructive = (content: ReportContent) => content.controls.find((control) => control.controlId === "ctl-destructive-approval")!.measures;
    expect(Number(destructive(second).destructiveDecisions)).toBe(Number(destructive(first).destructiveDecisions) + 1);
    const expected = await expectedEvidence({ kind: "all" }, { start: periods().whole.start, end: new Date(second.period.end) });
    expect(second.decisionsInPeriod).toBe(Object.values(expected.byAgent).reduce((sum, fact) => sum + fact.total, 0));
  });

  it("a refresh run with a future clock vouches only for days closed by the database clock", async () => {
    await refreshActivityRollup(database.db, { now: new Date(Date.now() + 5 * DAY) });
    const days = await rolledUpEvidenceDays(database.db, periods().whole, new Date(todayStart() - 9 * DAY));
    expect(days.at(-1)).toBe(isoDay(todayStart() - 2 * DAY));
    await expectEvidenceRight();
  });
});
