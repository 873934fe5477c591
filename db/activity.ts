import { sql, type SQL } from "drizzle-orm";
import type { Executor, Tx } from "./client";
import type { Statement } from "./raw-sql";
import { executedRows } from "./rows";

/**
 * Reads of recorded decisions for the inventory. Per-agent reads are bounded by the
 * (agent_id, time) index; fleet-wide reads go through the daily rollup, never the raw table.
 */

export type ActionUsage = { actionName: string; resourceType: string; allows: number; denies: number; others: number; lastAt: Date };
export type EndpointUsage = { enforcementPointId: string; decisions: number; lastAt: Date };

const toDate = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));

export async function actionUsageOf(db: Executor, agentId: string, since: Date): Promise<ActionUsage[]> {
  const rows = executedRows<Record<string, unknown>>(
    await db.execute(sql`
      select action_name, resource_type,
        count(*) filter (where outcome = 'allow')::int as allows,
        count(*) filter (where outcome = 'deny')::int as denies,
        count(*) filter (where outcome not in ('allow', 'deny'))::int as others,
        max(time) as last_at
      from decisions where agent_id = ${agentId} and time >= ${since.toISOString()}::timestamptz
      group by action_name, resource_type order by action_name, resource_type`),
  );
  return rows.map((row) => ({
    actionName: String(row.action_name),
    actionKind: row.action_kind == null ? null : String(row.action_kind),
    resourceType: String(row.resource_type),
    allows: Number(row.allows),
    denies: Number(row.denies),
    others: Number(row.others),
    lastAt: toDate(row.last_at),
  }));
}

/**
 * Actions, enforcement points and delegators of one agent in a single pass over its decisions in
 * the window (grouping sets), so the agent page reads each decision row once.
 */
export async function observeAgent(db: Executor, agentId: string, since: Date) {
  const rows = executedRows<Record<string, unknown>>(
    await db.execute(sql`
      select grouping(action_name) as g_action, grouping(enforcement_point_id) as g_ep, grouping(delegator) as g_delegator,
        action_name, resource_type, enforcement_point_id, delegator,
        count(*) filter (where outcome = 'allow')::int as allows,
        count(*) filter (where outcome = 'deny')::int as denies,
        count(*) filter (where outcome not in ('allow', 'deny'))::int as others,
        max(time) as last_at
      from (
        select action_name, resource_type, enforcement_point_id, outcome, time,
          case when jsonb_typeof(delegation) = 'array' and jsonb_array_length(delegation) > 0
            then ${DELEGATOR} end as delegator
        from decisions where agent_id = ${agentId} and time >= ${since.toISOString()}::timestamptz
      ) d
      group by grouping sets ((action_name, resource_type), (enforcement_point_id), (delegator))`),
  );
  const usage: ActionUsage[] = [];
  const endpoints: EndpointUsage[] = [];
  const delegators: { ref: string; decisions: number }[] = [];
  for (const row of rows) {
    const total = Number(row.allows) + Number(row.denies) + Number(row.others);
    if (Number(row.g_action) === 0) {
      usage.push({ actionName: String(row.action_name), resourceType: String(row.resource_type), allows: Number(row.allows), denies: Number(row.denies), others: Number(row.others), lastAt: toDate(row.last_at) });
    } else if (Number(row.g_ep) === 0) {
      endpoints.push({ enforcementPointId: String(row.enforcement_point_id), decisions: total, lastAt: toDate(row.last_at) });
    } else if (Number(row.g_delegator) === 0 && row.delegator !== null) {
      delegators.push({ ref: String(row.delegator), decisions: total });
    }
  }
  usage.sort((a, b) => a.actionName.localeCompare(b.actionName) || a.resourceType.localeCompare(b.resourceType));
  endpoints.sort((a, b) => b.decisions - a.decisions);
  delegators.sort((a, b) => b.decisions - a.decisions);
  return { usage, endpoints, delegators: delegators.slice(0, 50) };
}

/** Agents this one delegated to, from the rollup (current as of the last activity refresh). */
export async function delegatesOf(db: Executor, refs: string[], since: Date): Promise<{ agentId: string; decisions: number }[]> {
  if (!refs.length) return [];
  const rows = executedRows<Record<string, unknown>>(
    await db.execute(sql`
      select agent_id, sum(decisions)::int as decisions from agent_delegation_daily
      where delegator_ref in (${sql.join(refs.map((ref) => sql`${ref}`), sql`, `)}) and day >= ${isoDay(since)}::date
      group by agent_id order by decisions desc limit 50`),
  );
  return rows.map((row) => ({ agentId: String(row.agent_id), decisions: Number(row.decisions) }));
}

/** `actionKind` is the EP's action.kind (`token_issuance` for the token service's grants). */
export type RecentDecision = { enforcementPointId: string; decisionId: string; time: Date; actionName: string; actionKind: string | null; resourceType: string; resourceId: string; outcome: string };

export async function recentDecisionsOf(db: Executor, agentId: string, limit: number): Promise<RecentDecision[]> {
  const rows = executedRows<Record<string, unknown>>(
    await db.execute(sql`
      select enforcement_point_id, decision_id, time, action_name, action_kind, resource_type, resource_id, outcome
      from decisions where agent_id = ${agentId} order by time desc limit ${limit}`),
  );
  return rows.map((row) => ({
    enforcementPointId: String(row.enforcement_point_id),
    decisionId: String(row.decision_id),
    time: toDate(row.time),
    actionName: String(row.action_name),
    actionKind: row.action_kind == null ? null : String(row.action_kind),
    resourceType: String(row.resource_type),
    resourceId: String(row.resource_id),
    outcome: String(row.outcome),
  }));
}

export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** The agent that handed a decision's work to its agent: the chain element just before it (or the last, if the chain ends elsewhere). */
const DELEGATOR = sql`case when delegation->>-1 = agent_ref then delegation->>-2 else delegation->>-1 end`;

/** Delegation chain length of a decision row (0 without a chain); `column` is its `delegation`. */
export const delegationDepth = (column: SQL) => sql`case when jsonb_typeof(${column}) = 'array' then jsonb_array_length(${column}) else 0 end`;

const DAY_MS = 86_400_000;
/** The start of a UTC day (ISO date) as a timestamptz literal, so day partitions are pruned at plan time. */
export const utcMidnight = (day: string) => sql`${`${day}T00:00:00.000Z`}::timestamptz`;

/**
 * How far behind the refresh the hourly outcome rollup stops: enforcement points ship decisions seconds to minutes
 * after their time, and a decision that lands after the refresh with a time before its horizon would be missing from
 * the Overview until the next refresh. Decisions later than this (a spool backlog after an outage) are counted from
 * the next refresh on.
 */
const OUTCOMES_LAG = "15 minutes";

/** A half-open run of whole UTC days [from, to) (ISO dates). */
export type DayRange = { from: string; to: string };

/** Days (ISO) → maximal runs of consecutive days. */
export function dayRuns(days: readonly string[]): DayRange[] {
  const runs: DayRange[] = [];
  for (const day of [...new Set(days)].sort()) {
    const next = isoDay(new Date(Date.parse(day) + DAY_MS));
    const last = runs.at(-1);
    if (last && last.to === day) last.to = next;
    else runs.push({ from: day, to: next });
  }
  return runs;
}

/** UTC days before today (by `now`) among decision times: the closed days a late write must mark. */
export function closedDaysOf(times: readonly (string | Date)[], now: Date): string[] {
  const today = isoDay(now);
  return [...new Set(times.map((time) => isoDay(new Date(time))))].filter((day) => day < today).sort();
}

/**
 * Marks the closed days of newly written decisions for recompute, in the writing transaction (so the
 * mark commits with the rows): the next activity refresh recomputes them, and until then reports read
 * those days live. Today's decisions need no mark: the open day is never read from the rollup.
 */
export function lateDecisionsStatement(times: readonly string[], now = new Date()): Statement | null {
  const days = closedDaysOf(times, now);
  return days.length ? { text: "insert into decision_days_changed (day) select unnest($1::date[])", params: [`{${days.join(",")}}`] } : null;
}

/**
 * Recomputes the rollups for every day from `openFrom` (inclusive) onward, and for older days that
 * received late decisions since (marked by `noteLateDecisions`) — delete then insert, so a rerun is
 * idempotent — and moves the open window to yesterday. `rebuild` recomputes from the first decision.
 * Relies on decisions being append-only (retention drops whole day partitions).
 */
export async function refreshActivityRollup(db: Executor, options: { rebuild?: boolean; now?: Date } = {}): Promise<{ openFrom: string | null; lateDays: string[] }> {
  // In one transaction (the caller's, if it is one): a report never sees a day deleted but not yet recomputed.
  return "rollback" in db ? refreshRollups(db, options) : db.transaction((tx) => refreshRollups(tx, options));
}

async function refreshRollups(db: Tx, options: { rebuild?: boolean; now?: Date }): Promise<{ openFrom: string | null; lateDays: string[] }> {
  const now = options.now ?? new Date();
  // The groupings are hash aggregates over many groups: give them memory rather than sorting on disk (transaction-local).
  await db.execute(sql`select set_config('work_mem', '256MB', true)`);
  const state = executedRows<{ open_from: string | Date | null }>(await db.execute(sql`select open_from from activity_rollup_state where id = 1`))[0];
  let openFrom: string | null = options.rebuild || !state?.open_from ? null : isoDay(toDate(state.open_from));
  if (openFrom === null) {
    const first = executedRows<{ first: unknown }>(await db.execute(sql`select min(time) as first from decisions`))[0]?.first;
    openFrom = first ? isoDay(toDate(first)) : isoDay(now);
  }
  // Marks this statement sees are consumed; a mark committed later stays for the next run, and
  // every recompute below runs on a later snapshot, so it sees the decisions behind each consumed mark.
  const marked = executedRows<{ day: string | Date }>(await db.execute(sql`delete from decision_days_changed returning day`));
  const lateDays = [...new Set(marked.map((row) => isoDay(toDate(row.day))))].filter((day) => day < openFrom).sort();
  const late = dayRuns(lateDays);
  const timeIn = sql.join(
    [sql`time >= ${utcMidnight(openFrom)}`, ...late.map((run) => sql`(time >= ${utcMidnight(run.from)} and time < ${utcMidnight(run.to)})`)],
    sql` or `,
  );
  const dayIn = sql.join([sql`day >= ${openFrom}::date`, ...late.map((run) => sql`(day >= ${run.from}::date and day < ${run.to}::date)`)], sql` or `);
  await db.execute(sql`
    insert into agent_action_seen (agent_id, action_name, first_at, last_at)
    select agent_id, action_name, min(time), max(time) from decisions where ${timeIn} group by 1, 2
    on conflict (agent_id, action_name) do update set
      first_at = least(agent_action_seen.first_at, excluded.first_at),
      last_at = greatest(agent_action_seen.last_at, excluded.last_at)`);
  await db.execute(sql`delete from agent_activity_daily where ${dayIn}`);
  await db.execute(sql`
    insert into agent_activity_daily (agent_id, day, decisions, denies, last_at)
    select agent_id, (time at time zone 'UTC')::date, count(*), count(*) filter (where outcome = 'deny'), max(time)
    from decisions where ${timeIn}
    group by 1, 2`);
  await db.execute(sql`delete from agent_delegation_daily where ${dayIn}`);
  await db.execute(sql`
    insert into agent_delegation_daily (delegator_ref, agent_id, day, decisions)
    select delegator, agent_id, day, count(*) from (
      select ${DELEGATOR} as delegator,
        agent_id, (time at time zone 'UTC')::date as day
      from decisions
      where (${timeIn}) and delegation is not null and jsonb_typeof(delegation) = 'array' and jsonb_array_length(delegation) > 0
    ) chain where delegator is not null group by 1, 2, 3`);
  await db.execute(sql`delete from decision_evidence_daily where ${dayIn}`);
  await db.execute(sql`
    insert into decision_evidence_daily (day, agent_id, action_name, outcome, enforcement_point_id, identity, depth, in_declared_scope, destructive, cross_environment, agent_offboarded, decisions)
    select (time at time zone 'UTC')::date, agent_id, action_name, outcome, enforcement_point_id, coalesce(client_id, spiffe_id), ${delegationDepth(sql`delegation`)},
           in_declared_scope, destructive, cross_environment, agent_offboarded, count(*)
    from decisions where ${timeIn}
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`);
  // Decisions per hour and outcome with a time before the horizon (this transaction's start less OUTCOMES_LAG): later
  // times are read live by the Overview, so a decision that arrives up to that lag after its time is never missed.
  await db.execute(sql`delete from decision_outcome_hourly where ${sql.join([sql`hour >= ${utcMidnight(openFrom)}`, ...late.map((run) => sql`(hour >= ${utcMidnight(run.from)} and hour < ${utcMidnight(run.to)})`)], sql` or `)}`);
  await db.execute(sql`
    insert into decision_outcome_hourly (hour, outcome, decisions)
    select date_trunc('hour', time at time zone 'UTC') at time zone 'UTC', outcome, count(*)
    from decisions where (${timeIn}) and time < now() - ${OUTCOMES_LAG}::interval
    group by 1, 2`);
  await db.execute(sql`delete from decision_outcome_hourly where hour < (select date_trunc('day', min(time) at time zone 'UTC') at time zone 'UTC' from decisions)`);
  // Days whose partitions retention dropped are never read again (see rolledUpEvidenceDays).
  await db.execute(sql`delete from decision_evidence_daily where day < (select (min(time) at time zone 'UTC')::date from decisions)`);
  await db.execute(sql`
    update agents set
      last_seen_at = greatest(agents.last_seen_at, seen.last_at),
      first_seen_at = coalesce(agents.first_seen_at, seen.last_at)
    from (select agent_id, max(last_at) as last_at from agent_activity_daily where ${dayIn} group by agent_id) seen
    where seen.agent_id = agents.id and (agents.last_seen_at is null or agents.last_seen_at < seen.last_at)`);
  const nextOpen = isoDay(new Date(now.getTime() - DAY_MS));
  await db.execute(sql`
    insert into activity_rollup_state (id, open_from, updated_at, outcomes_until) values (1, ${nextOpen}::date, now(), now() - ${OUTCOMES_LAG}::interval)
    on conflict (id) do update set open_from = excluded.open_from, updated_at = now(), outcomes_until = excluded.outcomes_until`);
  return { openFrom, lateDays };
}

/**
 * The whole days of [start, end) that a report may read from `decision_evidence_daily`: closed by
 * the refresh (before its open window) and by `now`, not before the oldest stored decision (retention
 * drops partitions, not rollup rows), and with no late decisions waiting for a recompute. Every other
 * part of the period must be read from the decisions themselves.
 */
export async function rolledUpEvidenceDays(db: Executor, period: { start: Date; end: Date }, oldestDecisionAt: Date | null, now = new Date()): Promise<string[]> {
  // Days before the open window of the last refresh, and before the day before it ran (by the database clock, so a
  // refresh run with a `now` in the future cannot vouch for days it has not seen closed).
  const state = executedRows<{ open_from: string | Date | null }>(
    await db.execute(sql`select least(open_from, (updated_at at time zone 'UTC')::date - 1) as open_from from activity_rollup_state where id = 1`),
  )[0];
  if (!state?.open_from || !oldestDecisionAt) return [];
  const startDay = isoDay(period.start);
  const firstWhole = Date.parse(startDay) === period.start.getTime() ? startDay : isoDay(new Date(Date.parse(startDay) + DAY_MS));
  const oldestDay = isoDay(oldestDecisionAt);
  const from = firstWhole > oldestDay ? firstWhole : oldestDay;
  const to = [isoDay(period.end), isoDay(toDate(state.open_from)), isoDay(now)].sort()[0]!; // exclusive
  if (from >= to) return [];
  const stale = new Set(
    executedRows<{ day: string | Date }>(await db.execute(sql`select distinct day from decision_days_changed where day >= ${from}::date and day < ${to}::date`)).map((row) =>
      isoDay(toDate(row.day)),
    ),
  );
  const days: string[] = [];
  for (let day = from; day < to; day = isoDay(new Date(Date.parse(day) + DAY_MS))) if (!stale.has(day)) days.push(day);
  return days;
}

export type ObservedSummary = { agentId: string; outOfScope: string[]; denies: number; decisions: number };

/** Per agent over the window: actions used but not declared, denies and total decisions (from the rollups). */
export async function observedSummaries(db: Executor, since: Date): Promise<Map<string, ObservedSummary>> {
  const outOfScope = executedRows<Record<string, unknown>>(
    await db.execute(sql`
      select s.agent_id, array_agg(s.action_name order by s.action_name) as actions
      from agent_action_seen s join agents a on a.id = s.agent_id
      where s.last_at >= ${since.toISOString()}::timestamptz and not (a.declared_actions ? s.action_name)
      group by s.agent_id`),
  );
  const counts = executedRows<Record<string, unknown>>(
    await db.execute(sql`
      select agent_id, sum(decisions)::bigint as decisions, sum(denies)::bigint as denies
      from agent_activity_daily where day >= ${isoDay(since)}::date group by agent_id`),
  );
  const out = new Map<string, ObservedSummary>();
  for (const row of counts) out.set(String(row.agent_id), { agentId: String(row.agent_id), outOfScope: [], denies: Number(row.denies), decisions: Number(row.decisions) });
  for (const row of outOfScope) {
    const id = String(row.agent_id);
    const entry = out.get(id) ?? { agentId: id, outOfScope: [], denies: 0, decisions: 0 };
    entry.outOfScope = parsePgArray(row.actions);
    out.set(id, entry);
  }
  return out;
}

function parsePgArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string" && value.startsWith("{")) {
    const inner = value.slice(1, -1);
    if (!inner) return [];
    return inner.split(",").map((item) => item.replace(/^"|"$/g, "").replace(/\\(.)/g, "$1"));
  }
  return [];
}

/** Decisions and denies of one agent per UTC day from `sinceDay` (ISO date) on, oldest first, from the daily rollup (PK agent_id, day). */
export async function dailyActivityOf(db: Executor, agentId: string, sinceDay: string): Promise<{ day: string; decisions: number; denies: number }[]> {
  const rows = executedRows<Record<string, unknown>>(
    await db.execute(sql`select day, decisions, denies from agent_activity_daily where agent_id = ${agentId} and day >= ${sinceDay}::date order by day`),
  );
  return rows.map((row) => ({ day: isoDay(toDate(row.day)), decisions: Number(row.decisions), denies: Number(row.denies) }));
}
