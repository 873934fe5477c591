import { and, desc, eq, gt, inArray, lt, or, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { orderFor } from "../order";
import { agents, decisions, taskTokens, tasks } from "../schema";
import type { TaskRow } from "./task-tokens";

/** Read queries of the Tasks pages, `GET /api/v1/tasks` and the agent page's observed posture (lib/identity/tasks-view.ts). */
export type TaskTokenRow = typeof taskTokens.$inferSelect;

const tokenCount = sql<number>`(select count(*)::int from task_tokens t where t.task_id = ${tasks.id})`;
/**
 * The task list's orders: `purpose` and `agent` (the root agent's name; case-insensitive, an unknown agent
 * last), `tokens` (issued in the task), `created` and `expires` (when its tokens expire); `-` reverses. The
 * default, newest first, walks tasks_created_idx (the id tiebreak is an incremental sort over its ties).
 */
const TASK_ORDER_COLUMNS = { purpose: sql`lower(${tasks.purpose})`, agent: sql`lower(${agents.name})`, tokens: tokenCount, created: tasks.createdAt, expires: tasks.tokensExpireAt };
export type TaskSort = keyof typeof TASK_ORDER_COLUMNS | `-${keyof typeof TASK_ORDER_COLUMNS}`;

/** Tasks in `sort` order (newest first when not given) with their root agent's name and token count; `agentId` matches the root agent or any token holder. */
export async function listTaskRows(db: Executor, filter: { status: "live" | "ended" | "all"; agentId?: string; limit: number; sort?: TaskSort }, now: Date): Promise<{ task: TaskRow; agentName: string | null; tokens: number }[]> {
  const rows = await db
    .select({ task: tasks, agentName: agents.name, tokens: tokenCount })
    .from(tasks)
    .leftJoin(agents, eq(agents.id, tasks.rootAgentId))
    .where(
      and(
        filter.status === "live" ? and(eq(tasks.status, "live"), gt(tasks.tokensExpireAt, now)) : filter.status === "ended" ? or(eq(tasks.status, "ended"), lt(tasks.tokensExpireAt, now)) : undefined,
        filter.agentId ? or(eq(tasks.rootAgentId, filter.agentId), inArray(tasks.id, db.select({ id: taskTokens.taskId }).from(taskTokens).where(eq(taskTokens.agentId, filter.agentId)))) : undefined,
      ),
    )
    .orderBy(...orderFor(filter.sort ?? "-created", TASK_ORDER_COLUMNS, tasks.id))
    .limit(filter.limit);
  return rows.map((row) => ({ ...row, tokens: Number(row.tokens) }));
}

/** One task with its root agent's name and token count, or null. */
export async function getTaskWithCount(db: Executor, taskId: string): Promise<{ task: TaskRow; agentName: string | null; tokens: number } | null> {
  const [row] = await db.select({ task: tasks, agentName: agents.name }).from(tasks).leftJoin(agents, eq(agents.id, tasks.rootAgentId)).where(eq(tasks.id, taskId));
  if (!row) return null;
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(taskTokens).where(eq(taskTokens.taskId, taskId));
  return { ...row, tokens: Number(count?.n ?? 0) };
}

/** The task's tokens in issue order, each with its agent's name. */
export const listTaskTokenRows = (db: Executor, taskId: string): Promise<{ token: TaskTokenRow; agentName: string | null }[]> =>
  db.select({ token: taskTokens, agentName: agents.name }).from(taskTokens).leftJoin(agents, eq(agents.id, taskTokens.agentId)).where(eq(taskTokens.taskId, taskId)).orderBy(taskTokens.issuedAt);

/** Decisions recorded with the task id since `since`, newest first. */
export const listTaskDecisions = (db: Executor, taskId: string, since: Date, limit = 200) =>
  db
    .select({ time: decisions.time, agentId: decisions.agentId, agentRef: decisions.agentRef, actionName: decisions.actionName, actionKind: decisions.actionKind, outcome: decisions.outcome, reasons: decisions.reasons, enforcementPointId: decisions.enforcementPointId, decisionId: decisions.decisionId })
    .from(decisions)
    .where(and(eq(decisions.taskId, taskId), gt(decisions.time, since)))
    .orderBy(desc(decisions.time))
    .limit(limit);

/** Task tokens issued to the agent since `since`: count, longest lifetime (s), last issue, widest scope (entries). */
export async function agentTokenStats(db: Executor, agentId: string, since: Date): Promise<{ tokens: number; longestSeconds: number | null; lastIssuedAt: Date | null; widest: number | null }> {
  const [stats] = await db
    .select({
      tokens: sql<number>`count(*)::int`,
      longestSeconds: sql<number | null>`max(extract(epoch from ${taskTokens.expiresAt} - ${taskTokens.issuedAt}))::int`,
      lastIssuedAt: sql<string | null>`max(${taskTokens.issuedAt})`,
      widest: sql<number | null>`max(jsonb_array_length(${taskTokens.scope}))::int`,
    })
    .from(taskTokens)
    .where(and(eq(taskTokens.agentId, agentId), gt(taskTokens.issuedAt, since)));
  const number = (value: number | null | undefined) => (value === null || value === undefined ? null : Number(value));
  return { tokens: Number(stats?.tokens ?? 0), longestSeconds: number(stats?.longestSeconds), lastIssuedAt: stats?.lastIssuedAt ? new Date(stats.lastIssuedAt) : null, widest: number(stats?.widest) };
}

/** The identities the agent presented for tokens since `since`, with how and when last. */
export async function agentPresentedIdentities(db: Executor, agentId: string, since: Date): Promise<{ identity: string; authMethod: string; trustDomain: string | null; last: Date }[]> {
  const rows = await db
    .select({ identity: taskTokens.presentedIdentity, authMethod: taskTokens.authMethod, trustDomain: taskTokens.trustDomain, last: sql<string>`max(${taskTokens.issuedAt})` })
    .from(taskTokens)
    .where(and(eq(taskTokens.agentId, agentId), gt(taskTokens.issuedAt, since)))
    .groupBy(taskTokens.presentedIdentity, taskTokens.authMethod, taskTokens.trustDomain);
  return rows.map((row) => ({ ...row, last: new Date(row.last) }));
}

/**
 * Enforcement decisions (not token issuance) about the agent since `since`: all of them, and those
 * carrying no Steward task token (no task id, or one naming no Steward task).
 */
export async function countEnforcementDecisions(db: Executor, agentId: string, since: Date): Promise<{ all: number; withoutTaskToken: number }> {
  const [acted] = await db
    .select({
      all: sql<number>`count(*)::int`,
      withoutTaskToken: sql<number>`(count(*) filter (where ${decisions.taskId} is null or not exists (select 1 from ${tasks} where ${tasks.id} = ${decisions.taskId})))::int`,
    })
    .from(decisions)
    .where(and(eq(decisions.agentId, agentId), gt(decisions.time, since), sql`coalesce(${decisions.actionKind}, '') <> 'token_issuance'`));
  return { all: Number(acted?.all ?? 0), withoutTaskToken: Number(acted?.withoutTaskToken ?? 0) };
}
