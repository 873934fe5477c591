import { containsPattern } from "./like";
import { and, asc, desc, eq, gte, ilike, lt, or, sql, type SQL } from "drizzle-orm";
import type { DecisionFilter } from "@/lib/decisions/filters";
import type { DecisionSummary } from "@/lib/decisions/schemas";
import type { DatabaseHandle, Executor } from "./client";
import { rawQuery } from "./raw-sql";
import { decisionQuarantine, decisions } from "./schema";

export const SUMMARY_COLUMNS = `enforcement_point_id, decision_id, time, received_at, agent_id, agent_ref, action_name, action_kind, resource_type, resource_id, outcome, reasons, trace_id, task_id, span_id, parent_span_id`;

type SummaryRecord = {
  enforcement_point_id: string;
  decision_id: string;
  time: Date | string;
  received_at: Date | string;
  agent_id: string;
  agent_ref: string;
  action_name: string;
  action_kind: string | null;
  resource_type: string;
  resource_id: string;
  outcome: DecisionSummary["outcome"];
  reasons: string[] | string;
  trace_id: string | null;
  task_id: string | null;
  span_id: string | null;
  parent_span_id: string | null;
};

export function toSummary(row: SummaryRecord): DecisionSummary {
  return {
    enforcementPointId: row.enforcement_point_id,
    decisionId: row.decision_id,
    time: new Date(row.time).toISOString(),
    receivedAt: new Date(row.received_at).toISOString(),
    agentId: row.agent_id,
    agentRef: row.agent_ref,
    actionName: row.action_name,
    actionKind: row.action_kind,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    reasons: typeof row.reasons === "string" ? (JSON.parse(row.reasons) as string[]) : row.reasons,
    traceId: row.trace_id,
    taskId: row.task_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
  };
}

/** One committed batch, found by its EP, transaction timestamp and time span (all rows of a batch share received_at). */
export async function listBatchSummaries(handle: DatabaseHandle, batch: { enforcementPointId: string; receivedAt: string; firstTime: string; lastTime: string }): Promise<DecisionSummary[]> {
  const rows = await rawQuery<SummaryRecord>(
    handle,
    `select ${SUMMARY_COLUMNS} from decisions where enforcement_point_id = $1 and received_at = $2::timestamptz and time between $3::timestamptz and $4::timestamptz order by time`,
    [batch.enforcementPointId, batch.receivedAt, batch.firstTime, batch.lastTime],
  );
  return rows.map(toSummary);
}

export type DecisionRecord = typeof decisions.$inferSelect;
export type DecisionQuery = { filter: DecisionFilter; from: Date; to: Date };
export type DecisionCursor = { time: string; ep: string; id: string };

function conditions({ filter, from, to }: DecisionQuery): SQL[] {
  const where: SQL[] = [gte(decisions.time, from), lt(decisions.time, to)];
  if (filter.outcome) where.push(eq(decisions.outcome, filter.outcome));
  if (filter.ep) where.push(eq(decisions.enforcementPointId, filter.ep));
  if (filter.agent) where.push(or(eq(decisions.agentId, filter.agent), ilike(decisions.agentRef, containsPattern(filter.agent)))!);
  if (filter.action) where.push(ilike(decisions.actionName, containsPattern(filter.action)));
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    where.push(
      or(
        ilike(decisions.agentRef, pattern),
        ilike(decisions.actionName, pattern),
        ilike(decisions.resourceId, pattern),
        ilike(decisions.resourceType, pattern),
        eq(decisions.decisionId, filter.q),
        eq(decisions.traceId, filter.q),
        eq(decisions.taskId, filter.q),
      )!,
    );
  }
  return where;
}


/** Newest first, keyset-paginated on (time, enforcement point, id): page N costs the same as page 1. */
/**
 * One page of decisions in time order — newest first (`-time`, default) or oldest first (`time`) —
 * keyset-paged on (time, enforcement point, id) in that direction: the same index walk either way.
 */
export async function listDecisionPage(db: Executor, query: DecisionQuery & { cursor?: DecisionCursor; limit: number; sort?: "time" | "-time" }): Promise<{ rows: DecisionRecord[]; next: DecisionCursor | null }> {
  const where = conditions(query);
  const oldestFirst = query.sort === "time";
  if (query.cursor) {
    const key = sql`(${decisions.time}, ${decisions.enforcementPointId}, ${decisions.decisionId})`;
    const after = sql`(${query.cursor.time}::timestamptz, ${query.cursor.ep}, ${query.cursor.id})`;
    where.push(oldestFirst ? sql`${key} > ${after}` : sql`${key} < ${after}`);
  }
  const direction = oldestFirst ? asc : desc;
  const rows = await db
    .select()
    .from(decisions)
    .where(and(...where))
    .orderBy(direction(decisions.time), direction(decisions.enforcementPointId), direction(decisions.decisionId))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > query.limit && last ? { time: last.time.toISOString(), ep: last.enforcementPointId, id: last.decisionId } : null };
}

/** Decisions per time bucket and outcome, for the chart. */
export async function countDecisionsByBucket(db: Executor, query: DecisionQuery, bucketSeconds: number): Promise<{ bucket: Date; outcome: string; count: number }[]> {
  const seconds = sql.raw(String(Math.max(1, Math.floor(bucketSeconds))));
  const bucket = sql<string>`to_timestamp(floor(extract(epoch from ${decisions.time}) / ${seconds}) * ${seconds})`;
  const rows = await db
    .select({ bucket, outcome: decisions.outcome, count: sql<number>`count(*)::int` })
    .from(decisions)
    .where(and(...conditions(query)))
    .groupBy(bucket, decisions.outcome)
    .orderBy(bucket);
  return rows.map((row) => ({ bucket: new Date(row.bucket), outcome: row.outcome, count: Number(row.count) }));
}

export async function getDecisionRecord(db: Executor, key: { ep: string; id: string; time?: Date }): Promise<DecisionRecord | undefined> {
  const where = [eq(decisions.enforcementPointId, key.ep), eq(decisions.decisionId, key.id)];
  // With the time, only one partition is read.
  if (key.time) where.push(eq(decisions.time, key.time));
  const [row] = await db.select().from(decisions).where(and(...where)).limit(1);
  return row;
}

/** Every decision of one trace or task, oldest first (bounded: a runaway trace does not load everything). */
export async function listTraceRecords(db: Executor, key: { traceId?: string; taskId?: string }, limit = 2000): Promise<DecisionRecord[]> {
  const where = key.traceId ? eq(decisions.traceId, key.traceId) : eq(decisions.taskId, key.taskId ?? "");
  return db.select().from(decisions).where(where).orderBy(asc(decisions.time)).limit(limit);
}

export async function listQuarantine(db: Executor, options: { ep?: string; limit: number; beforeSeq?: number }) {
  const where: SQL[] = [];
  if (options.ep) where.push(eq(decisionQuarantine.enforcementPointId, options.ep));
  if (options.beforeSeq) where.push(lt(decisionQuarantine.seq, options.beforeSeq));
  return db
    .select()
    .from(decisionQuarantine)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(decisionQuarantine.seq))
    .limit(options.limit);
}
