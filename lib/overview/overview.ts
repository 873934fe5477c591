import { readDb } from "../replica/read-db";
import { listFrameworks } from "@/db/frameworks";
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
  type AgentCounts,
  type AgentRanking,
  type EnforcementPointHealthRow,
  type OutOfScopeRanking,
} from "@/db/overview";
import { hasPermission, requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { getOutboundSummary, type OutboundSummary } from "../outbound/summary";
import { QUICK_RANGES, quickRangeWindow, type QuickRange } from "./ranges";

const DAY_MS = 86_400_000;
/** How far back the per-agent rankings and the findings trend look. */
export const RANKING_DAYS = 7;
export const FINDINGS_TREND_DAYS = 30;
/** An enabled enforcement point that sent nothing for this long is shown as silent. */
export const SILENT_AFTER_MS = 60 * 60_000;
const TOP_AGENTS = 5;
const COVERAGE_POINTS = 12;

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** One bar of the decisions chart: its start (ISO) and the decisions per outcome in it. */
export type ChartBucket = { start: string; counts: Record<string, number> };
export type DecisionsChartData = { range: QuickRange; from: Date; to: Date; bucketSeconds: number; buckets: ChartBucket[] };

export type EnforcementPointHealth = EnforcementPointHealthRow & {
  /** Enabled, and nothing received for SILENT_AFTER_MS (or never). */
  silent: boolean;
  /** Reports a policy revision other than the latest published one. */
  revisionDrift: boolean;
};

export type CoverageSummaryView = { covered: number; partial: number; gap: number; notApplicable: number; applicable: number; percent: number };
export type FrameworkCoverage = { frameworkId: string; name: string; latest: CoverageSummaryView & { at: Date; reportId: string }; history: { at: Date; percent: number }[] };

/** What the Overview shows; a section the actor may not read is null. Counts are exact at `now` unless noted. */
export type { AgentCounts, AgentRanking, OutOfScopeRanking };

export type Overview = {
  now: Date;
  agents: AgentCounts | null;
  findings: { open: Record<string, number>; trend: { day: string; counts: Record<string, number> }[] } | null;
  decisions: {
    lastHour: Record<string, number>;
    lastDay: Record<string, number>;
    /** Denies / all decisions, 0..1, null without decisions. */
    denyRateHour: number | null;
    denyRateDay: number | null;
    chart: DecisionsChartData;
  } | null;
  /** Rankings over RANKING_DAYS from the activity rollups (as of the last activity refresh). */
  topDenies: AgentRanking[] | null;
  topOutOfScope: OutOfScopeRanking[] | null;
  enforcementPoints: { points: EnforcementPointHealth[]; currentRevision: number | null } | null;
  approvals: { pending: number; oldestAt: Date | null } | null;
  alerts: OutboundSummary | null;
  coverage: FrameworkCoverage[] | null;
  /** Null entries: nothing yet, or not readable by the actor. */
  changes: { lastPublish: Awaited<ReturnType<typeof latestPublish>>; lastReport: Awaited<ReturnType<typeof latestReport>> };
};

const skip = Promise.resolve(null);

/**
 * Everything the Overview page shows, read in parallel. Requires `console.read`; each section
 * also needs its own read permission and is null without it (never an error).
 */
export async function getOverview({ ctx, range = "24h", now = new Date() }: { ctx: Ctx; range?: QuickRange; now?: Date }): Promise<Overview> {
  requirePermission(ctx.actor, "console.read");
  const db = ctx.tx ?? (await readDb());
  const may = (permission: Parameters<typeof hasPermission>[1]) => hasPermission(ctx.actor, permission);
  const readsAgents = may("agents.read");
  const readsDecisions = may("decisions.read");
  const rankingSinceDay = isoDay(new Date(now.getTime() - (RANKING_DAYS - 1) * DAY_MS));
  const window = quickRangeWindow(range, now);
  const bucketSeconds = QUICK_RANGES[range].bucketSeconds;
  const [agents, openFindings, trend, recent, chartRows, topDenies, topOutOfScope, points, publish, approvals, alerts, snapshots, frameworks, report] = await Promise.all([
    readsAgents ? countAgentsForOverview(db) : skip,
    readsAgents ? countOpenFindingsByKind(db) : skip,
    readsAgents ? openFindingsTrend(db, isoDay(new Date(now.getTime() - FINDINGS_TREND_DAYS * DAY_MS))) : skip,
    readsDecisions ? Promise.all([countDecisionsByOutcome(db, new Date(now.getTime() - 3_600_000), now), countDecisionsByOutcome(db, new Date(now.getTime() - DAY_MS), now)]) : skip,
    readsDecisions ? countDecisionsByOutcomeBuckets(db, window.from, window.to, bucketSeconds) : skip,
    readsAgents && readsDecisions ? topAgentsByDenies(db, rankingSinceDay, TOP_AGENTS) : skip,
    readsAgents && readsDecisions ? topAgentsOutOfScope(db, new Date(now.getTime() - RANKING_DAYS * DAY_MS), TOP_AGENTS) : skip,
    may("enforcement_points.read") ? listEnforcementPointHealth(db) : skip,
    may("policies.read") ? latestPublish(db) : skip,
    may("approvals.read") ? countPendingAccessRequests(db) : skip,
    may("alerts.read") ? getOutboundSummary({ ctx }) : skip,
    may("frameworks.read") ? coverageSnapshots(db, COVERAGE_POINTS) : skip,
    may("frameworks.read") ? listFrameworks(db) : skip,
    may("reports.read") ? latestReport(db) : skip,
  ]);
  const currentRevision = publish?.revision ?? null;
  return {
    now,
    agents,
    findings: openFindings && trend ? { open: openFindings, trend: pivotTrend(trend) } : null,
    decisions:
      recent && chartRows
        ? {
            lastHour: recent[0],
            lastDay: recent[1],
            denyRateHour: denyRate(recent[0]),
            denyRateDay: denyRate(recent[1]),
            chart: { range, ...window, bucketSeconds, buckets: toChartBuckets(chartRows) },
          }
        : null,
    topDenies,
    topOutOfScope,
    enforcementPoints: points
      ? {
          currentRevision,
          points: points.map((point) => ({
            ...point,
            silent: point.enabled && (!point.lastSeenAt || now.getTime() - point.lastSeenAt.getTime() > SILENT_AFTER_MS),
            revisionDrift: currentRevision !== null && point.reportedPolicyRevision !== null && point.reportedPolicyRevision !== String(currentRevision),
          })),
        }
      : null,
    approvals,
    alerts,
    coverage: snapshots && frameworks ? coverageByFramework(snapshots, new Map(frameworks.map((framework) => [framework.id, framework.name]))) : null,
    changes: { lastPublish: publish, lastReport: report },
  };
}

function denyRate(counts: Record<string, number>): number | null {
  const total = Object.values(counts).reduce((sum, value) => sum + value, 0);
  return total ? (counts.deny ?? 0) / total : null;
}

/** Rows of (bucket, outcome, count) → one entry per non-empty bucket, oldest first. */
export function toChartBuckets(rows: { bucket: Date; outcome: string; count: number }[]): ChartBucket[] {
  const byStart = new Map<number, Record<string, number>>();
  for (const row of rows) {
    const key = row.bucket.getTime();
    const counts = byStart.get(key) ?? {};
    counts[row.outcome] = (counts[row.outcome] ?? 0) + row.count;
    byStart.set(key, counts);
  }
  return [...byStart.entries()].sort(([a], [b]) => a - b).map(([start, counts]) => ({ start: new Date(start).toISOString(), counts }));
}

function pivotTrend(rows: { day: string; kind: string; open: number }[]) {
  const byDay = new Map<string, Record<string, number>>();
  for (const row of rows) byDay.set(row.day, { ...byDay.get(row.day), [row.kind]: row.open });
  return [...byDay.entries()].map(([day, counts]) => ({ day, counts }));
}

const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);

function coverageByFramework(snapshots: { reportId: string; createdAt: Date; coverage: unknown }[], names: Map<string, string>): FrameworkCoverage[] {
  const out = new Map<string, FrameworkCoverage>();
  for (const snapshot of snapshots) {
    const coverage = (snapshot.coverage ?? {}) as Record<string, unknown>;
    const frameworkId = typeof coverage.frameworkId === "string" ? coverage.frameworkId : null;
    if (!frameworkId || !names.has(frameworkId)) continue;
    const summary = { covered: num(coverage.covered), partial: num(coverage.partial), gap: num(coverage.gap), notApplicable: num(coverage.notApplicable), applicable: num(coverage.applicable), percent: num(coverage.percent) };
    const entry = out.get(frameworkId) ?? { frameworkId, name: names.get(frameworkId)!, latest: { ...summary, at: snapshot.createdAt, reportId: snapshot.reportId }, history: [] };
    // Snapshots come oldest first: the last one seen is the latest.
    entry.latest = { ...summary, at: snapshot.createdAt, reportId: snapshot.reportId };
    entry.history.push({ at: snapshot.createdAt, percent: summary.percent });
    out.set(frameworkId, entry);
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}
