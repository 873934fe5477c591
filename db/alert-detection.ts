import { sql } from "drizzle-orm";
import type { Executor } from "./client";
import { queryRows } from "./rows";

/**
 * The conditions alert rules watch, each a bounded query over an indexed range. `since`/`until`
 * delimit what is new since the rule last looked; rate rules look at a trailing window instead.
 */

export const newShadowAgents = (db: Executor, since: Date, until: Date) =>
  queryRows<{ id: string; name: string; first_seen_at: string }>(
    db,
    sql`select id, name, first_seen_at::text from agents where status = 'discovered' and first_seen_at > ${since.toISOString()} and first_seen_at <= ${until.toISOString()} order by first_seen_at limit 500`,
  );

/** How far back an out-of-scope decision's own time may lie behind its arrival and still be seen. */
export const LATE_ARRIVAL_WINDOW_MS = 60 * 60_000;

/** Attempts by inventoried (not discovered) agents at actions outside their declared scope, that arrived in (since, until]. */
export const newOutOfScopeAttempts = (db: Executor, since: Date, until: Date) =>
  queryRows<{ agent_id: string; agent_name: string; action_name: string; attempts: number; allowed: number }>(
    db,
    sql`select d.agent_id, a.name as agent_name, d.action_name, count(*)::int as attempts, count(*) filter (where d.outcome = 'allow')::int as allowed
          from decisions d join agents a on a.id = d.agent_id
         where d.time > ${new Date(since.getTime() - LATE_ARRIVAL_WINDOW_MS).toISOString()} and d.time <= ${until.toISOString()}
           and d.received_at > ${since.toISOString()} and d.received_at <= ${until.toISOString()}
           and a.status <> 'discovered' and not (a.declared_actions ? d.action_name)
         group by d.agent_id, a.name, d.action_name
         order by attempts desc limit 500`,
  );

export const denyRates = (db: Executor, from: Date, until: Date, minDecisions: number) =>
  queryRows<{ agent_id: string; agent_name: string | null; decisions: number; denies: number }>(
    db,
    sql`select d.agent_id, a.name as agent_name, count(*)::int as decisions, count(*) filter (where d.outcome = 'deny')::int as denies
          from decisions d left join agents a on a.id = d.agent_id
         where d.time > ${from.toISOString()} and d.time <= ${until.toISOString()}
         group by d.agent_id, a.name
        having count(*) >= ${minDecisions}`,
  );

export const silentEnforcementPoints = (db: Executor, silentSince: Date) =>
  queryRows<{ id: string; name: string; last_seen_at: string }>(
    db,
    sql`select id, name, last_seen_at::text from enforcement_points where enabled and last_seen_at is not null and last_seen_at < ${silentSince.toISOString()} order by name`,
  );

export const newlyRejectingEnforcementPoints = (db: Executor, since: Date, until: Date) =>
  queryRows<{ id: string; name: string; last_rejected_at: string; last_rejected_reason: string | null }>(
    db,
    sql`select id, name, last_rejected_at::text, last_rejected_reason from enforcement_points where last_rejected_at > ${since.toISOString()} and last_rejected_at <= ${until.toISOString()}`,
  );

export const latestPublishedVersion = async (db: Executor) =>
  (await queryRows<{ revision: number; created_at: string; content: unknown }>(db, sql`select revision, created_at::text, content from policy_versions order by revision desc limit 1`))[0] ?? null;

/** Of the given policy ids, those that determined no recorded decision since `from`. */
export const policiesWithoutMatches = async (db: Executor, policyIds: string[], from: Date) =>
  (
    await queryRows<{ id: string }>(
      db,
      sql`select p.id from unnest(${sql.raw("array[")}${sql.join(policyIds.map((id) => sql`${id}`), sql`, `)}${sql.raw("]::text[]")}) as p(id)
           where not exists (select 1 from decisions d where d.time >= ${from.toISOString()} and d.reasons ? p.id)`,
    )
  ).map((row) => row.id);

export const newlyOpenedFindings = (db: Executor, kinds: string[], since: Date, until: Date) =>
  queryRows<{ id: string; agent_id: string; agent_name: string; kind: string; detail: string }>(
    db,
    sql`select f.id, f.agent_id, a.name as agent_name, f.kind, f.detail from findings f join agents a on a.id = f.agent_id
         where f.status = 'open' and f.first_detected_at > ${since.toISOString()} and f.first_detected_at <= ${until.toISOString()}
           and f.kind in (${sql.join(kinds.map((kind) => sql`${kind}`), sql`, `)})
         order by f.first_detected_at limit 500`,
  );

/**
 * Access requests still pending at `now` (not decided, not yet expired) that were created at or
 * before `createdBy`. The partial index on pending requests' created_at bounds the scan.
 */
export const accessRequestsWaiting = (db: Executor, createdBy: Date, now: Date) =>
  queryRows<{ id: string; agent_id: string | null; agent_name: string | null; requester_label: string; action_name: string; created_at: string; expires_at: string }>(
    db,
    sql`select r.id, r.agent_id, a.name as agent_name, r.requester_label, coalesce(r.action->>'name', '') as action_name, r.created_at::text, r.expires_at::text
          from access_requests r left join agents a on a.id = r.agent_id
         where r.status = 'pending' and r.created_at <= ${createdBy.toISOString()} and r.expires_at > ${now.toISOString()}
         order by r.created_at limit 500`,
  );
