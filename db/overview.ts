import { sql } from "drizzle-orm";
import type { Executor } from "./client";
import { pgBoolean, queryRows } from "./rows";

/**
 * The Overview's reads. Each is bounded by an index or a rollup, never a scan of every decision:
 * agents and findings are small tables read through their status indexes, decision counts and
 * charts read the hourly outcome rollup plus at most the last hour and the time since the last
 * activity refresh live, per-agent rankings read the daily rollups
 * (current as of the last activity refresh), and framework coverage reads stored report snapshots.
 */

const toDate = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));
const toDateOrNull = (value: unknown) => (value === null || value === undefined ? null : toDate(value));

/** Agents in the inventory: all of them, those without an owner, those discovered (shadow) and those with an open `stale` finding. */
export type AgentCounts = { total: number; unowned: number; discovered: number; stale: number };

export async function countAgentsForOverview(db: Executor): Promise<AgentCounts> {
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`select count(*)::int as total,
          count(*) filter (where owner_id is null)::int as unowned,
          count(*) filter (where status = 'discovered')::int as discovered,
          (select count(*)::int from findings where status = 'open' and kind = 'stale') as stale
        from agents`,
  );
  return { total: Number(row?.total ?? 0), unowned: Number(row?.unowned ?? 0), discovered: Number(row?.discovered ?? 0), stale: Number(row?.stale ?? 0) };
}

/** Open findings per kind (kinds without one are absent). */
export async function countOpenFindingsByKind(db: Executor): Promise<Record<string, number>> {
  const rows = await queryRows<{ kind: string; n: number | string }>(db, sql`select kind, count(*)::int as n from findings where status = 'open' group by kind`);
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.n)]));
}

/** Open findings per kind per UTC day (ISO date) since `sinceDay`, oldest first, from the snapshots each findings refresh writes. */
export async function openFindingsTrend(db: Executor, sinceDay: string): Promise<{ day: string; kind: string; open: number }[]> {
  const rows = await queryRows<{ day: unknown; kind: string; open_count: number | string }>(
    db,
    sql`select day, kind, open_count from finding_snapshots where day >= ${sinceDay}::date order by day, kind`,
  );
  return rows.map((row) => ({ day: toDate(row.day).toISOString().slice(0, 10), kind: row.kind, open: Number(row.open_count) }));
}

const HOUR_MS = 3_600_000;

/** One (bucket start, outcome, count) of decisions. */
export type OutcomeBucket = { bucket: Date; outcome: string; count: number };

/** Decisions per `bucketSeconds` bucket (aligned to the epoch) and outcome with a time in [from, to), read from the decisions. */
async function liveOutcomeBuckets(db: Executor, from: Date, to: Date, bucketSeconds: number): Promise<OutcomeBucket[]> {
  if (from >= to) return [];
  const seconds = sql.raw(String(Math.max(1, Math.floor(bucketSeconds))));
  const rows = await queryRows<{ bucket: unknown; outcome: string; n: number | string }>(
    db,
    sql`select to_timestamp(floor(extract(epoch from time) / ${seconds}) * ${seconds}) as bucket, outcome, count(*)::int as n
        from decisions where time >= ${from.toISOString()}::timestamptz and time < ${to.toISOString()}::timestamptz group by 1, 2`,
  );
  return rows.map((row) => ({ bucket: toDate(row.bucket), outcome: row.outcome, count: Number(row.n) }));
}

/**
 * Decisions per bucket and outcome with a time in [from, to). Whole hours before the last activity
 * refresh's `outcomes_until` come from `decision_outcome_hourly` (a few rows per hour); the part
 * before the first whole hour and the part after `outcomes_until` are read from the decisions
 * (at most an hour plus the refresh interval). Before the first refresh everything is read live.
 * `bucketSeconds` below an hour (or not a multiple of one) reads only live. Buckets are aligned to
 * the epoch; the result is sorted by bucket.
 */
export async function countDecisionsByOutcomeBuckets(db: Executor, from: Date, to: Date, bucketSeconds: number): Promise<OutcomeBucket[]> {
  const [state] = await queryRows<{ outcomes_until: unknown }>(db, sql`select outcomes_until from activity_rollup_state where id = 1`);
  const until = toDateOrNull(state?.outcomes_until);
  const firstWholeHour = new Date(Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS);
  const rolledTo = until && until < to ? until : to;
  const seconds = sql.raw(String(Math.max(1, Math.floor(bucketSeconds))));
  const parts: OutcomeBucket[][] = [];
  if (!until || bucketSeconds % 3600 !== 0 || rolledTo <= firstWholeHour) {
    parts.push(await liveOutcomeBuckets(db, from, to, bucketSeconds));
  } else {
    const [head, rolled, tail] = await Promise.all([
      liveOutcomeBuckets(db, from, firstWholeHour, bucketSeconds),
      queryRows<{ bucket: unknown; outcome: string; n: number | string }>(
        db,
        sql`select to_timestamp(floor(extract(epoch from hour) / ${seconds}) * ${seconds}) as bucket, outcome, sum(decisions)::bigint as n
            from decision_outcome_hourly where hour >= ${firstWholeHour.toISOString()}::timestamptz and hour < ${rolledTo.toISOString()}::timestamptz group by 1, 2`,
      ),
      // The hour holding `until` is in the rollup up to `until`; the rest of it, and everything after, is live.
      liveOutcomeBuckets(db, rolledTo, to, bucketSeconds),
    ]);
    parts.push(head, rolled.map((row) => ({ bucket: toDate(row.bucket), outcome: row.outcome, count: Number(row.n) })), tail);
  }
  const merged = new Map<string, OutcomeBucket>();
  for (const row of parts.flat()) {
    const key = `${row.bucket.getTime()}|${row.outcome}`;
    const entry = merged.get(key);
    if (entry) entry.count += row.count;
    else merged.set(key, { ...row });
  }
  return [...merged.values()].sort((a, b) => a.bucket.getTime() - b.bucket.getTime() || a.outcome.localeCompare(b.outcome));
}

/** Decisions per outcome with a time in [from, to) (see countDecisionsByOutcomeBuckets for where each part is read). */
export async function countDecisionsByOutcome(db: Executor, from: Date, to: Date): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const row of await countDecisionsByOutcomeBuckets(db, from, to, 3600)) totals[row.outcome] = (totals[row.outcome] ?? 0) + row.count;
  return totals;
}

export type AgentRanking = { agentId: string; name: string; denies: number; decisions: number };

/** The `limit` agents with the most denies on UTC days from `sinceDay` on (daily rollup), with their names. */
export async function topAgentsByDenies(db: Executor, sinceDay: string, limit: number): Promise<AgentRanking[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select r.agent_id, a.name, r.denies, r.decisions from (
          select agent_id, sum(denies)::bigint as denies, sum(decisions)::bigint as decisions
          from agent_activity_daily where day >= ${sinceDay}::date group by agent_id having sum(denies) > 0
          order by denies desc, agent_id limit ${limit}
        ) r join agents a on a.id = r.agent_id order by r.denies desc, r.agent_id`,
  );
  return rows.map((row) => ({ agentId: String(row.agent_id), name: String(row.name), denies: Number(row.denies), decisions: Number(row.decisions) }));
}

export type OutOfScopeRanking = { agentId: string; name: string; actions: string[]; actionCount: number };

/**
 * The `limit` agents that used the most actions outside their declared scope since `since` (from
 * `agent_action_seen`, the first/last use of each agent and action), with up to five of those actions.
 */
export async function topAgentsOutOfScope(db: Executor, since: Date, limit: number): Promise<OutOfScopeRanking[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select s.agent_id, a.name, count(*)::int as action_count,
          (array_agg(s.action_name order by s.last_at desc))[1:5] as actions
        from agent_action_seen s join agents a on a.id = s.agent_id
        where s.last_at >= ${since.toISOString()}::timestamptz and not (a.declared_actions ? s.action_name)
        group by s.agent_id, a.name order by action_count desc, s.agent_id limit ${limit}`,
  );
  return rows.map((row) => ({ agentId: String(row.agent_id), name: String(row.name), actionCount: Number(row.action_count), actions: textArray(row.actions) }));
}

export type EnforcementPointHealthRow = {
  id: string;
  name: string;
  kind: string;
  enabled: boolean;
  lastSeenAt: Date | null;
  lastRejectedAt: Date | null;
  lastRejectedReason: string | null;
  reportedPolicyRevision: string | null;
  /** Only for MCP gateways that report status: unshipped spool records and whether the spool is full. */
  spoolBacklog: number | null;
  spoolFull: boolean | null;
  statusReportedAt: Date | null;
};

/** Every enforcement point with what its health is judged on, joined with its latest gateway status report if any. */
export async function listEnforcementPointHealth(db: Executor): Promise<EnforcementPointHealthRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select ep.id, ep.name, ep.kind, ep.enabled, ep.last_seen_at, ep.last_rejected_at, ep.last_rejected_reason,
          coalesce(gs.policy_revision, ep.reported_policy_revision) as policy_revision,
          gs.spool_backlog, gs.spool_full, gs.reported_at
        from enforcement_points ep left join gateway_status gs on gs.enforcement_point_id = ep.id
        order by ep.name`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    kind: String(row.kind),
    enabled: pgBoolean(row.enabled),
    lastSeenAt: toDateOrNull(row.last_seen_at),
    lastRejectedAt: toDateOrNull(row.last_rejected_at),
    lastRejectedReason: row.last_rejected_reason === null ? null : String(row.last_rejected_reason),
    reportedPolicyRevision: row.policy_revision === null ? null : String(row.policy_revision),
    spoolBacklog: row.spool_backlog === null || row.spool_backlog === undefined ? null : Number(row.spool_backlog),
    spoolFull: row.spool_full === null || row.spool_full === undefined ? null : Number(row.spool_full) > 0,
    statusReportedAt: toDateOrNull(row.reported_at),
  }));
}

/** Access requests waiting for a decision, and when the oldest of them was made. */
export async function countPendingAccessRequests(db: Executor): Promise<{ pending: number; oldestAt: Date | null }> {
  const [row] = await queryRows<Record<string, unknown>>(db, sql`select count(*)::int as n, min(created_at) as oldest from access_requests where status = 'pending'`);
  return { pending: Number(row?.n ?? 0), oldestAt: toDateOrNull(row?.oldest) };
}

/** The latest published policy version (without its content), or null before the first publish. */
export async function latestPublish(db: Executor): Promise<{ revision: number; message: string; authorLabel: string; createdAt: Date } | null> {
  const [row] = await queryRows<Record<string, unknown>>(db, sql`select revision, message, author_label, created_at from policy_versions order by revision desc limit 1`);
  return row ? { revision: Number(row.revision), message: String(row.message), authorLabel: String(row.author_label), createdAt: toDate(row.created_at) } : null;
}

/** The latest report snapshot (without its content), or null before the first report. */
export async function latestReport(db: Executor): Promise<{ id: string; title: string; createdByLabel: string; createdAt: Date } | null> {
  const [row] = await queryRows<Record<string, unknown>>(db, sql`select id, title, created_by_label, created_at from report_snapshots order by created_at desc limit 1`);
  return row ? { id: String(row.id), title: String(row.title), createdByLabel: String(row.created_by_label), createdAt: toDate(row.created_at) } : null;
}

/**
 * Per framework, its coverage summaries from the report snapshots taken over all agents, oldest
 * first (at most `perFramework` latest each): `coverage` is the snapshot's CoverageSummary as stored.
 */
export async function coverageSnapshots(db: Executor, perFramework: number): Promise<{ reportId: string; createdAt: Date; coverage: unknown }[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select report_id, created_at, coverage from (
          select r.id as report_id, r.created_at, c.value as coverage,
            row_number() over (partition by c.value ->> 'frameworkId' order by r.created_at desc) as nth
          from report_snapshots r, jsonb_array_elements(case when jsonb_typeof(r.content -> 'coverage') = 'array' then r.content -> 'coverage' else '[]'::jsonb end) c
          where r.scope ->> 'kind' = 'all'
        ) s where nth <= ${perFramework} order by created_at`,
  );
  return rows.map((row) => ({ reportId: String(row.report_id), createdAt: toDate(row.created_at), coverage: row.coverage }));
}

function textArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string" && value.startsWith("{")) {
    const inner = value.slice(1, -1);
    return inner ? inner.split(",").map((item) => item.replace(/^"|"$/g, "").replace(/\\(.)/g, "$1")) : [];
  }
  return [];
}
