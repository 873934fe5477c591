import { and, desc, eq, sql } from "drizzle-orm";
import type { DatabaseHandle, Executor } from "./client";
import { rawQuery } from "./raw-sql";
import { orderFor, rankOf } from "./order";
import { ALERT_STATUSES, SEVERITIES, alertRules, alerts, destinationDeliveries, destinations } from "./schema";
import type { AlertEventRow, AuditEventRow, DecisionEventRow } from "@/lib/outbound/events";

export type DestinationRow = typeof destinations.$inferSelect;
export type DeliveryRow = typeof destinationDeliveries.$inferSelect;
export type AlertRuleRow = typeof alertRules.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;

const ISO_US = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export const listDestinationRows = (db: Executor) => db.select().from(destinations).orderBy(destinations.name);
export const getDestinationRow = async (db: Executor, id: string) => (await db.select().from(destinations).where(eq(destinations.id, id)))[0] ?? null;
export const getDestinationRowByName = async (db: Executor, name: string) => (await db.select().from(destinations).where(eq(destinations.name, name)))[0] ?? null;

export async function insertDestinationRow(db: Executor, row: typeof destinations.$inferInsert): Promise<DestinationRow> {
  // A new destination starts at the newest audit row: it receives what happens from now on.
  const [inserted] = await db.insert(destinations).values({ ...row, auditCursor: sql`coalesce((select max(seq) from audit_log), 0)`, alertCursor: sql`coalesce((select max(seq) from alerts), 0)` }).returning();
  return inserted!;
}

export async function updateDestinationRow(db: Executor, id: string, patch: Partial<typeof destinations.$inferInsert>): Promise<DestinationRow | null> {
  const [row] = await db.update(destinations).set({ ...patch, updatedAt: new Date() }).where(eq(destinations.id, id)).returning();
  return row ?? null;
}

export const deleteDestinationRow = (db: Executor, id: string) => db.delete(destinations).where(eq(destinations.id, id));

/** Destinations due for delivery (enabled, not paused, backoff elapsed) whose lease this process took: one sender each across a fleet. */
export function leaseDueDestinations(db: Executor, owner: string, leaseMs: number): Promise<DestinationRow[]> {
  return db
    .update(destinations)
    .set({ leaseOwner: owner, leaseUntil: sql`now() + (${leaseMs}::int * interval '1 millisecond')` })
    .where(sql`${destinations.enabled} and ${destinations.pausedReason} is null and (${destinations.nextAttemptAt} is null or ${destinations.nextAttemptAt} <= now()) and (${destinations.leaseUntil} is null or ${destinations.leaseUntil} < now() or ${destinations.leaseOwner} = ${owner})`)
    .returning();
}

export async function releaseLeases(db: Executor, owner: string): Promise<void> {
  await db.update(destinations).set({ leaseOwner: null, leaseUntil: null }).where(eq(destinations.leaseOwner, owner));
}

export type DecisionCursor = { xid: string; enforcementPointId: string; decisionId: string };

/**
 * Decisions after the cursor, in (xid, EP, id) order, only from transactions older than the oldest
 * still running: a batch that commits later with a smaller xid can never be skipped.
 */
export async function readDecisionsAfter(handle: DatabaseHandle, cursor: DecisionCursor, limit: number): Promise<{ cursor: DecisionCursor; row: DecisionEventRow | null }[]> {
  const rows = await rawQuery<Record<string, unknown>>(
    handle,
    // The keys are limited first, then joined: the join never runs over more than one batch.
    `select k.xid::text as xid, k.enforcement_point_id as ep, k.decision_id as id, d.decision_id as present,
            ${ISO_US("d.time")} as time, ${ISO_US("d.received_at")} as received_at, d.agent_id, d.agent_ref, d.action_name,
            d.resource_type, d.resource_id, d.destination, d.outcome, d.reasons, d.policy_revision, d.task_id, d.trace_id,
            d.span_id, d.delegation, d.latency_ms
       from (select xid, enforcement_point_id, decision_id, time from decision_keys
              where xid >= $1::xid8 and (xid, enforcement_point_id, decision_id) > ($1::xid8, $2, $3)
                and xid < pg_snapshot_xmin(pg_current_snapshot())
              order by xid, enforcement_point_id, decision_id
              limit $4) k
       left join decisions d on d.enforcement_point_id = k.enforcement_point_id and d.decision_id = k.decision_id and d.time = k.time
      order by k.xid, k.enforcement_point_id, k.decision_id`,
    [cursor.xid, cursor.enforcementPointId, cursor.decisionId, limit],
  );
  return rows.map((r) => ({
    cursor: { xid: String(r.xid), enforcementPointId: String(r.ep), decisionId: String(r.id) },
    row:
      r.present === null
        ? null
        : {
            enforcementPointId: String(r.ep),
            decisionId: String(r.id),
            time: String(r.time),
            receivedAt: String(r.received_at),
            agentId: String(r.agent_id),
            agentRef: String(r.agent_ref),
            actionName: String(r.action_name),
            resourceType: String(r.resource_type),
            resourceId: String(r.resource_id),
            destination: (r.destination as string | null) ?? null,
            outcome: String(r.outcome),
            reasons: parseJson<string[]>(r.reasons) ?? [],
            policyRevision: (r.policy_revision as string | null) ?? null,
            taskId: (r.task_id as string | null) ?? null,
            traceId: (r.trace_id as string | null) ?? null,
            spanId: (r.span_id as string | null) ?? null,
            delegation: parseJson<string[]>(r.delegation),
            latencyMs: r.latency_ms === null || r.latency_ms === undefined ? null : Number(r.latency_ms),
          },
  }));
}

const parseJson = <T,>(value: unknown): T | null => (value === null || value === undefined ? null : typeof value === "string" ? (JSON.parse(value) as T) : (value as T));

/** How many decisions wait behind the cursor, counted up to `cap` (a bounded count, for the health view). */
export async function countDecisionsAfter(handle: DatabaseHandle, cursor: DecisionCursor, cap: number): Promise<number> {
  const [row] = await rawQuery<{ n: number | string }>(
    handle,
    `select count(*) as n from (select 1 from decision_keys k where k.xid >= $1::xid8 and (k.xid, k.enforcement_point_id, k.decision_id) > ($1::xid8, $2, $3) limit $4) pending`,
    [cursor.xid, cursor.enforcementPointId, cursor.decisionId, cap],
  );
  return Number(row?.n ?? 0);
}

/** Audit rows after a sequence number (appends are serialised by the chain lock, so seq is commit order). */
export async function readAuditAfter(handle: DatabaseHandle, seq: number, limit: number): Promise<AuditEventRow[]> {
  const rows = await rawQuery<Record<string, unknown>>(
    handle,
    `select seq, id, ${ISO_US("at")} as at, actor_type, actor_id, actor_label, via, ip, action, entity_type, entity_id, hash
       from audit_log where seq > $1 order by seq limit $2`,
    [seq, limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    id: String(r.id),
    at: String(r.at),
    actorType: String(r.actor_type),
    actorId: (r.actor_id as string | null) ?? null,
    actorLabel: String(r.actor_label),
    via: String(r.via),
    ip: (r.ip as string | null) ?? null,
    action: String(r.action),
    entityType: String(r.entity_type),
    entityId: (r.entity_id as string | null) ?? null,
    hash: String(r.hash),
  }));
}

/** Alerts after a sequence number that go to this destination: all when it takes the alerts stream, else those of rules that name it. */
export async function readAlertsAfter(handle: DatabaseHandle, destinationId: string, allAlerts: boolean, seq: number, limit: number): Promise<AlertEventRow[]> {
  const rows = await rawQuery<Record<string, unknown>>(
    handle,
    `select a.seq, a.id, a.rule_id, r.name as rule_name, r.kind, a.severity, a.title, a.detail, ${ISO_US("a.first_at")} as first_at
       from alerts a join alert_rules r on r.id = a.rule_id
      where a.seq > $1 and ($2 or r.destination_id = $3)
      order by a.seq limit $4`,
    [seq, allAlerts, destinationId, limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    id: String(r.id),
    ruleId: String(r.rule_id),
    ruleName: String(r.rule_name),
    kind: String(r.kind),
    severity: String(r.severity),
    title: String(r.title),
    detail: parseJson<Record<string, unknown>>(r.detail) ?? {},
    firstAt: String(r.first_at),
  }));
}

export async function recordDelivery(db: Executor, row: typeof destinationDeliveries.$inferInsert): Promise<void> {
  await db.insert(destinationDeliveries).values(row);
}

export const listDeliveries = (db: Executor, destinationId: string, limit: number) =>
  db.select().from(destinationDeliveries).where(eq(destinationDeliveries.destinationId, destinationId)).orderBy(desc(destinationDeliveries.seq)).limit(limit);

/** Keeps the newest `keep` delivery rows per destination. */
export async function pruneDeliveries(db: Executor, destinationId: string, keep: number): Promise<void> {
  await db.execute(sql`delete from destination_deliveries where destination_id = ${destinationId} and seq < (select coalesce(min(seq), 0) from (select seq from destination_deliveries where destination_id = ${destinationId} order by seq desc limit ${keep}) newest)`);
}

/** The alert rules' orders (a short table, read whole): `name` (default), `kind`, `severity` (low to critical), `cooldown`, `state` (enabled first). */
const ALERT_RULE_ORDER_COLUMNS = { name: alertRules.name, kind: alertRules.kind, severity: rankOf(alertRules.severity, SEVERITIES), cooldown: alertRules.cooldownMinutes, state: sql`(not ${alertRules.enabled})` };
export type AlertRuleSort = keyof typeof ALERT_RULE_ORDER_COLUMNS | `-${keyof typeof ALERT_RULE_ORDER_COLUMNS}`;
export const listAlertRuleRows = (db: Executor, sort: AlertRuleSort = "name") => db.select().from(alertRules).orderBy(...orderFor(sort, ALERT_RULE_ORDER_COLUMNS, alertRules.id));
export const getAlertRuleRow = async (db: Executor, id: string) => (await db.select().from(alertRules).where(eq(alertRules.id, id)))[0] ?? null;
export const insertAlertRuleRow = async (db: Executor, row: typeof alertRules.$inferInsert) => (await db.insert(alertRules).values(row).returning())[0]!;
export const updateAlertRuleRow = async (db: Executor, id: string, patch: Partial<typeof alertRules.$inferInsert>) => (await db.update(alertRules).set({ ...patch, updatedAt: new Date() }).where(eq(alertRules.id, id)).returning())[0] ?? null;
export const deleteAlertRuleRow = (db: Executor, id: string) => db.delete(alertRules).where(eq(alertRules.id, id));

/**
 * The alert list's orders: `severity` (low to critical), `title`, `status` (open, acknowledged, resolved),
 * `occurrences`, `first` and `last` seen (the default, `-last`, walks alerts_status_idx for one status).
 */
const ALERT_ORDER_COLUMNS = { severity: rankOf(alerts.severity, SEVERITIES), title: sql`lower(${alerts.title})`, status: rankOf(alerts.status, ALERT_STATUSES), occurrences: alerts.occurrences, first: alerts.firstAt, last: alerts.lastAt };
export type AlertSort = keyof typeof ALERT_ORDER_COLUMNS | `-${keyof typeof ALERT_ORDER_COLUMNS}`;
export const listAlertRows = (db: Executor, status: AlertRow["status"] | null, limit: number, sort: AlertSort = "-last") =>
  db.select().from(alerts).where(status ? eq(alerts.status, status) : undefined).orderBy(...orderFor(sort, ALERT_ORDER_COLUMNS, alerts.id)).limit(limit);
export const getAlertRow = async (db: Executor, id: string) => (await db.select().from(alerts).where(eq(alerts.id, id)))[0] ?? null;
export const updateAlertRow = async (db: Executor, id: string, patch: Partial<typeof alerts.$inferInsert>) => (await db.update(alerts).set(patch).where(eq(alerts.id, id)).returning())[0] ?? null;

/** The newest alert of a rule for one group (open, or closed within the cooldown), for grouping repeats. */
export async function latestAlertFor(db: Executor, ruleId: string, groupKey: string): Promise<AlertRow | null> {
  return (await db.select().from(alerts).where(and(eq(alerts.ruleId, ruleId), eq(alerts.groupKey, groupKey))).orderBy(desc(alerts.seq)).limit(1))[0] ?? null;
}

export const insertAlertRow = async (db: Executor, row: typeof alerts.$inferInsert) => (await db.insert(alerts).values(row).returning())[0]!;

export type CursorUpdate = Partial<Pick<typeof destinations.$inferInsert, "decisionCursorXid" | "decisionCursorEp" | "decisionCursorId" | "auditCursor" | "alertCursor">>;

/** Moves cursors after an acknowledged batch — only while `owner` still holds the lease (null: no lease needed). */
export async function advanceDestinationCursor(db: Executor, id: string, owner: string | null, update: CursorUpdate, dropped: number): Promise<void> {
  await db
    .update(destinations)
    .set({ ...update, consecutiveFailures: 0, nextAttemptAt: null, ...(owner ? { lastDeliveredAt: new Date() } : {}), ...(dropped ? { droppedEvents: sql`${destinations.droppedEvents} + ${dropped}` } : {}) })
    .where(owner ? sql`${destinations.id} = ${id} and ${destinations.leaseOwner} = ${owner}` : eq(destinations.id, id));
}

export async function setDestinationBackoff(db: Executor, id: string, owner: string, state: { failures: number; nextAttemptAt: Date; error: string }): Promise<void> {
  await db
    .update(destinations)
    .set({ consecutiveFailures: state.failures, nextAttemptAt: state.nextAttemptAt, lastErrorAt: new Date(), lastError: state.error.slice(0, 1000) })
    .where(sql`${destinations.id} = ${id} and ${destinations.leaseOwner} = ${owner}`);
}

export async function pauseDestination(db: Executor, id: string, owner: string, reason: string): Promise<void> {
  await db
    .update(destinations)
    .set({ pausedReason: reason.slice(0, 1000), lastErrorAt: new Date(), lastError: reason.slice(0, 1000) })
    .where(sql`${destinations.id} = ${id} and ${destinations.leaseOwner} = ${owner}`);
}

/** Open and acknowledged alerts per severity (the Overview's alert card). */
export async function countUnresolvedAlerts(db: Executor): Promise<Record<string, number>> {
  const rows = await db.select({ severity: alerts.severity, n: sql<number>`count(*)::int` }).from(alerts).where(sql`${alerts.status} <> 'resolved'`).groupBy(alerts.severity);
  return Object.fromEntries(rows.map((row) => [row.severity, Number(row.n)]));
}

/** Serialises alert evaluations across processes (transaction-scoped), so alerts.seq is commit order for the delivery cursor. */
export async function lockAlertEvaluation(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ALERT_LOCK_KEY})`);
}
const ALERT_LOCK_KEY = 7_363_010;
