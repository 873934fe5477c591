import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { refreshActivityRollup } from "./activity";
import { agents, enforcementPoints, findings, findingSnapshots, gatewayStatus } from "./schema";
import { suiteDatabase } from "@/testing/database";
import { recordTestDecisions } from "@/testing/decisions";
import { countDecisionsByBucket } from "./decisions";
import { queryRows } from "./rows";
import {
  countAgentsForOverview,
  countOpenFindingsByKind,
  countPendingAccessRequests,
  countDecisionsByOutcome,
  countDecisionsByOutcomeBuckets,
  coverageSnapshots,
  latestPublish,
  latestReport,
  listEnforcementPointHealth,
  openFindingsTrend,
  topAgentsByDenies,
  topAgentsOutOfScope,
} from "./overview";
import { getOverview } from "@/lib/overview/overview";
import { agentActivityTrend } from "@/lib/agents/activity-trend";
import { userContext } from "@/testing/context";

const database = suiteDatabase();
const now = new Date();
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

beforeAll(async () => {
  const db = database.db;
  await db.execute(sql`insert into people (id, name, email) values ('per_ov', 'Owner', 'owner@example.test')`);
  await db.insert(agents).values([
    { id: "agt_ov_a", name: "Alpha", status: "active", ownerId: "per_ov", declaredActions: ["read"] },
    { id: "agt_ov_b", name: "Bravo", status: "active", declaredActions: ["read", "write"] },
    { id: "agt_ov_c", name: "Charlie", status: "discovered", declaredActions: [] },
  ]);
  await db.insert(findings).values([
    { id: "fnd_ov1", agentId: "agt_ov_b", kind: "orphaned" },
    { id: "fnd_ov2", agentId: "agt_ov_c", kind: "discovered" },
    { id: "fnd_ov3", agentId: "agt_ov_c", kind: "stale" },
    { id: "fnd_ov4", agentId: "agt_ov_a", kind: "stale", status: "resolved" },
  ]);
  const day = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  await db.insert(findingSnapshots).values([
    { day: day(40), kind: "orphaned", openCount: 9 },
    { day: day(2), kind: "orphaned", openCount: 3 },
    { day: day(2), kind: "stale", openCount: 1 },
    { day: day(1), kind: "orphaned", openCount: 1 },
  ]);
  await recordTestDecisions(db, [
    // Last hour: 2 allow, 2 deny (one by Bravo out of scope).
    { agentId: "agt_ov_a", action: "read", outcome: "allow", time: minutesAgo(5), enforcementPointId: "ep_ov1" },
    { agentId: "agt_ov_a", action: "read", outcome: "allow", time: minutesAgo(10), enforcementPointId: "ep_ov1" },
    { agentId: "agt_ov_b", action: "delete", outcome: "deny", time: minutesAgo(15), enforcementPointId: "ep_ov1" },
    { agentId: "agt_ov_a", action: "read", outcome: "deny", time: minutesAgo(20), enforcementPointId: "ep_ov1" },
    // Earlier today/yesterday but within a day: 1 allow, 2 deny, 1 approval.
    { agentId: "agt_ov_b", action: "write", outcome: "deny", time: minutesAgo(300), enforcementPointId: "ep_ov1" },
    { agentId: "agt_ov_b", action: "export", outcome: "deny", time: minutesAgo(400), enforcementPointId: "ep_ov1" },
    { agentId: "agt_ov_b", action: "write", outcome: "allow", time: minutesAgo(500), enforcementPointId: "ep_ov1" },
    { agentId: "agt_ov_c", action: "read", outcome: "approval_required", time: minutesAgo(600), enforcementPointId: "ep_ov1" },
    // Older than a day: counted by neither window.
    { agentId: "agt_ov_b", action: "write", outcome: "deny", time: minutesAgo(26 * 60), enforcementPointId: "ep_ov1" },
  ]);
  await refreshActivityRollup(db, { rebuild: true, now });
  await db.insert(enforcementPoints).values([
    { id: "ep_ov1", name: "gw one", kind: "mcp-gateway", lastSeenAt: minutesAgo(1), reportedPolicyRevision: "1" },
    { id: "ep_ov2", name: "opa two", kind: "policy-engine", lastSeenAt: minutesAgo(3 * 60), lastRejectedAt: minutesAgo(30), lastRejectedReason: "bad batch" },
  ]);
  await db.insert(gatewayStatus).values({ enforcementPointId: "ep_ov1", policyRevision: "1", spoolBacklog: 42, spoolFull: 0 });
  await db.execute(sql`insert into policy_versions (id, revision, message, author_label, content_hash, content) values
    ('pv_ov1', 1, 'first', 'alice', 'h1', '{}'::jsonb), ('pv_ov2', 2, 'second', 'bob', 'h2', '{}'::jsonb)`);
  const accessRequest = (id: string, status: string, createdAt: Date) => sql`insert into access_requests
    (id, status, requester_key, requester_label, submission_hash, binding_jti, binding_hash, subject, action, resource, bound_context, policies, required_groups, created_at, expires_at)
    values (${id}, ${status}, 'ep:ep_ov1', 'gw one', 'h', ${`jti-${id}`}, 'b', '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, '[]'::jsonb, '["owner"]'::jsonb, ${createdAt.toISOString()}::timestamptz, ${new Date(now.getTime() + 3_600_000).toISOString()}::timestamptz)`;
  await db.execute(accessRequest("arq_ov1", "pending", minutesAgo(45)));
  await db.execute(accessRequest("arq_ov2", "pending", minutesAgo(5)));
  await db.execute(accessRequest("arq_ov3", "approved", minutesAgo(90)));
  const frameworkId = "fw_overview_test";
  await db.execute(sql`insert into frameworks (id, name, short_name, version, source, content_hash) values (${frameworkId}, 'Overview Test Framework', 'OTF', '1', 'imported', 'h')`);
  const report = (id: string, scope: object, percent: number, createdAt: Date) => sql`insert into report_snapshots
    (id, title, framework_ids, scope, period_start, period_end, content, sha256, created_by, created_by_label, created_at)
    values (${id}, ${`Report ${id}`}, ${JSON.stringify([frameworkId])}::jsonb, ${JSON.stringify(scope)}::jsonb, now(), now(),
      ${JSON.stringify({ coverage: [{ frameworkId, covered: 2, partial: 1, gap: 1, notApplicable: 0, applicable: 4, percent }] })}::jsonb, 'sha', 'usr_x', 'carol', ${createdAt.toISOString()}::timestamptz)`;
  await db.execute(report("rpt_ov1", { kind: "all" }, 40, minutesAgo(3000)));
  await db.execute(report("rpt_ov2", { kind: "all" }, 62.5, minutesAgo(60)));
  await db.execute(report("rpt_ov3", { kind: "team", teamId: "team_x" }, 99, minutesAgo(30)));
});

describe("overview reads", () => {
  it("counts agents, unowned, discovered and stale (open stale findings only)", async () => {
    expect(await countAgentsForOverview(database.db)).toEqual({ total: 3, unowned: 2, discovered: 1, stale: 1 });
  });

  it("counts open findings by kind and reads the snapshot trend since a day", async () => {
    expect(await countOpenFindingsByKind(database.db)).toEqual({ orphaned: 1, discovered: 1, stale: 1 });
    const since = new Date(now.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
    const trend = await openFindingsTrend(database.db, since);
    expect(trend.map((row) => [row.kind, row.open])).toEqual([
      ["orphaned", 3],
      ["stale", 1],
      ["orphaned", 1],
    ]);
  });

  it("counts decisions per outcome in the last hour and day, excluding older ones", async () => {
    expect(await countDecisionsByOutcome(database.db, minutesAgo(60), now)).toEqual({ allow: 2, deny: 2 });
    expect(await countDecisionsByOutcome(database.db, minutesAgo(24 * 60), now)).toEqual({ allow: 3, deny: 4, approval_required: 1 });
  });

  it("the hourly rollup holds exactly the decisions before its horizon, and rollup + live parts add up to a live count", async () => {
    const [state] = await queryRows<{ outcomes_until: unknown }>(database.db, sql`select outcomes_until from activity_rollup_state where id = 1`);
    const until = new Date(String(state!.outcomes_until instanceof Date ? state!.outcomes_until.toISOString() : state!.outcomes_until));
    // 15 minutes behind the refresh: decisions of the last 15 minutes are read live.
    expect(until.getTime()).toBeGreaterThanOrEqual(now.getTime() - 15 * 60_000 - 1000);
    expect(until.getTime()).toBeLessThan(Date.now() - 15 * 60_000 + 1000);
    const rolled = await queryRows<{ outcome: string; n: number | string }>(database.db, sql`select outcome, sum(decisions)::int as n from decision_outcome_hourly group by outcome order by outcome`);
    const live = await queryRows<{ outcome: string; n: number | string }>(database.db, sql`select outcome, count(*)::int as n from decisions where time < ${until.toISOString()}::timestamptz group by outcome order by outcome`);
    expect(rolled.map((row) => [row.outcome, Number(row.n)])).toEqual(live.map((row) => [row.outcome, Number(row.n)]));
    // Any window: the same buckets as counting every decision (no double count at the horizon's hour).
    for (const [from, bucketSeconds] of [[minutesAgo(2 * 24 * 60 + 17), 3600], [minutesAgo(24 * 60), 6 * 3600], [minutesAgo(61), 3600]] as const) {
      const hybrid = await countDecisionsByOutcomeBuckets(database.db, from, now, bucketSeconds);
      const direct = await countDecisionsByBucket(database.db, { filter: {}, from, to: now }, bucketSeconds);
      const key = (rows: { bucket: Date; outcome: string; count: number }[]) => rows.map((row) => `${row.bucket.toISOString()} ${row.outcome} ${row.count}`).sort();
      expect(key(hybrid)).toEqual(key(direct));
    }
  });

  it("counts a decision recorded after the last refresh (read live past the rollup's horizon)", async () => {
    const later = new Date(Date.now() + 60_000);
    const window = { from: new Date(later.getTime() - 1000), to: new Date(later.getTime() + 1000) };
    expect(await countDecisionsByOutcome(database.db, window.from, window.to)).toEqual({});
    await recordTestDecisions(database.db, [{ agentId: "agt_ov_a", action: "read", outcome: "allow", time: later, enforcementPointId: "ep_ov1" }]);
    expect(await countDecisionsByOutcome(database.db, window.from, window.to)).toEqual({ allow: 1 });
  });

  it("ranks agents by denies from the rollup, and by undeclared actions", async () => {
    const sinceDay = new Date(now.getTime() - 6 * 86_400_000).toISOString().slice(0, 10);
    const denies = await topAgentsByDenies(database.db, sinceDay, 5);
    expect(denies.map((row) => [row.name, row.denies])).toEqual([
      ["Bravo", 4],
      ["Alpha", 1],
    ]);
    expect(await topAgentsByDenies(database.db, sinceDay, 1)).toHaveLength(1);
    const outOfScope = await topAgentsOutOfScope(database.db, new Date(now.getTime() - 7 * 86_400_000), 5);
    expect(outOfScope.map((row) => [row.name, row.actionCount, [...row.actions].sort()])).toEqual([
      ["Bravo", 2, ["delete", "export"]],
      ["Charlie", 1, ["read"]],
    ]);
  });

  it("reads enforcement point health with the gateway's spool backlog", async () => {
    const points = await listEnforcementPointHealth(database.db);
    expect(points.map((point) => [point.name, point.reportedPolicyRevision, point.spoolBacklog, point.spoolFull, point.lastRejectedReason])).toEqual([
      ["gw one", "1", 42, false, null],
      ["opa two", null, null, null, "bad batch"],
    ]);
  });

  it("counts pending access requests and reads the last publish and report", async () => {
    const pending = await countPendingAccessRequests(database.db);
    expect(pending.pending).toBe(2);
    expect(pending.oldestAt?.getTime()).toBe(minutesAgo(45).getTime());
    expect(await latestPublish(database.db)).toMatchObject({ revision: 2, authorLabel: "bob" });
    expect(await latestReport(database.db)).toMatchObject({ id: "rpt_ov3", createdByLabel: "carol" });
  });

  it("reads coverage only from all-agent reports, oldest first, bounded per framework", async () => {
    expect((await coverageSnapshots(database.db, 12)).map((row) => [row.reportId, (row.coverage as { percent: number }).percent])).toEqual([
      ["rpt_ov1", 40],
      ["rpt_ov2", 62.5],
    ]);
    expect((await coverageSnapshots(database.db, 1)).map((row) => row.reportId)).toEqual(["rpt_ov2"]);
  });
});

describe("getOverview", () => {
  it("puts the sections together: deny rates, drift, silence and the chart buckets", async () => {
    const overview = await getOverview({ ctx: userContext("viewer"), range: "24h", now });
    expect(overview.decisions?.denyRateHour).toBe(0.5);
    expect(overview.decisions?.denyRateDay).toBe(0.5);
    const charted = overview.decisions!.chart.buckets.reduce((sum, bucket) => sum + Object.values(bucket.counts).reduce((a, b) => a + b, 0), 0);
    expect(charted).toBe(8);
    expect(overview.decisions!.chart.bucketSeconds).toBe(3600);
    const points = overview.enforcementPoints!;
    expect(points.currentRevision).toBe(2);
    expect(points.points.map((point) => [point.name, point.revisionDrift, point.silent])).toEqual([
      ["gw one", true, false],
      ["opa two", false, true],
    ]);
    expect(overview.approvals?.pending).toBe(2);
    expect(overview.coverage?.[0]).toMatchObject({ name: "Overview Test Framework", latest: { percent: 62.5, reportId: "rpt_ov2" }, history: [{ percent: 40 }, { percent: 62.5 }] });
    expect(overview.changes.lastPublish?.revision).toBe(2);
    // A viewer does not read outbound destinations: the alerts section says so with null, not an error.
    expect(overview.alerts?.destinations).toBeNull();
  });

  it("the 15-minute range charts only the decisions of the last 15 minutes", async () => {
    const overview = await getOverview({ ctx: userContext("admin"), range: "15m", now });
    const charted = overview.decisions!.chart.buckets.flatMap((bucket) => Object.entries(bucket.counts));
    expect(charted.reduce((sum, [, count]) => sum + count, 0)).toBe(3);
    expect(overview.decisions!.chart.bucketSeconds).toBe(60);
  });

  it("refuses a caller without an identity", async () => {
    await expect(getOverview({ ctx: { actor: null, requestId: "req_x", ip: "127.0.0.1" } as never })).rejects.toMatchObject({ code: "unauthenticated" });
  });
});

describe("agentActivityTrend", () => {
  it("gives every one of the last N UTC days, with the agent's decisions, denies and deny rate from the rollup", async () => {
    const days = await agentActivityTrend({ ctx: userContext("viewer"), agentId: "agt_ov_b", days: 30, now });
    expect(days).toHaveLength(30);
    expect(days.at(-1)!.day).toBe(now.toISOString().slice(0, 10));
    expect(days.reduce((sum, day) => sum + day.decisions, 0)).toBe(5);
    expect(days.reduce((sum, day) => sum + day.denies, 0)).toBe(4);
    const active = days.filter((day) => day.decisions > 0);
    for (const day of active) expect(day.denyRatePercent).toBe(Math.round((1000 * day.denies) / day.decisions) / 10);
    expect(days.filter((day) => day.decisions === 0).every((day) => day.denyRatePercent === 0)).toBe(true);
    expect(await agentActivityTrend({ ctx: userContext("viewer"), agentId: "agt_nobody", days: 7, now })).toHaveLength(7);
  });
});
