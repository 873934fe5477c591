import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { executedRows } from "../rows";
import { agents, taskTokens, tasks } from "../schema";

/**
 * Queries behind the token service (lib/identity/token-exchange.ts, introspection.ts,
 * revocation.ts): tasks and the task tokens issued in them.
 */
export type TaskRow = typeof tasks.$inferSelect;
export type TaskTokenInsert = typeof taskTokens.$inferInsert;

/** A token's revocation, its task's status and its agent's status (null for a deleted agent); null for an unknown jti. */
export async function taskTokenLiveness(db: Executor, jti: string): Promise<{ revokedAt: Date | null; depth: number; taskStatus: string; agentStatus: string | null } | null> {
  const [row] = await db
    .select({ revokedAt: taskTokens.revokedAt, depth: taskTokens.depth, taskStatus: tasks.status, agentStatus: agents.status })
    .from(taskTokens)
    .innerJoin(tasks, eq(tasks.id, taskTokens.taskId))
    .leftJoin(agents, eq(agents.id, taskTokens.agentId))
    .where(eq(taskTokens.jti, jti));
  return row ?? null;
}

/** What issuance needs of the agent: status, declared scope, last change; null when it does not exist. */
export async function agentForIssuance(db: Executor, agentId: string): Promise<{ status: string; declaredActions: string[]; updatedAt: Date } | null> {
  const [row] = await db.select({ status: agents.status, declaredActions: agents.declaredActions, updatedAt: agents.updatedAt }).from(agents).where(eq(agents.id, agentId));
  return row ?? null;
}

export async function getTaskRow(db: Executor, taskId: string): Promise<TaskRow | null> {
  const [row] = await db.select().from(tasks).where(eq(tasks.id, taskId));
  return row ?? null;
}

export async function insertTaskRow(db: Executor, values: typeof tasks.$inferInsert): Promise<void> {
  await db.insert(tasks).values(values);
}

/** Pushes a live task's tokensExpireAt out to at least `expiresAt`; false when the task is not live. */
export async function extendLiveTask(db: Executor, taskId: string, expiresAt: Date): Promise<boolean> {
  const [live] = await db
    .update(tasks)
    .set({ tokensExpireAt: sql`greatest(${tasks.tokensExpireAt}, ${expiresAt.toISOString()}::timestamptz)` })
    .where(and(eq(tasks.id, taskId), eq(tasks.status, "live")))
    .returning({ id: tasks.id });
  return !!live;
}

export async function insertTaskTokenRow(db: Executor, values: TaskTokenInsert): Promise<void> {
  await db.insert(taskTokens).values(values);
}

/** The token's revocation time, read with a share lock (a concurrent revocation commits first or waits); undefined for an unknown jti. */
export async function taskTokenRevokedAtForShare(db: Executor, jti: string): Promise<Date | null | undefined> {
  const [row] = await db.select({ revokedAt: taskTokens.revokedAt }).from(taskTokens).where(eq(taskTokens.jti, jti)).for("share");
  return row ? row.revokedAt : undefined;
}

/** The token's revocation time; undefined for an unknown jti. */
export async function taskTokenRevokedAt(db: Executor, jti: string): Promise<Date | null | undefined> {
  const [row] = await db.select({ revokedAt: taskTokens.revokedAt }).from(taskTokens).where(eq(taskTokens.jti, jti));
  return row ? row.revokedAt : undefined;
}

type Revoked = { jti: string; expiresAt: Date };

/** Revokes one unrevoked token; null when unknown or already revoked. */
export async function revokeTaskTokenRow(db: Executor, jti: string, at: Date, reason: string): Promise<Revoked | null> {
  const [row] = await db
    .update(taskTokens)
    .set({ revokedAt: at, revokedReason: reason })
    .where(and(eq(taskTokens.jti, jti), isNull(taskTokens.revokedAt)))
    .returning({ jti: taskTokens.jti, expiresAt: taskTokens.expiresAt });
  return row ?? null;
}

/** The task row locked for update, or null. */
export async function lockTaskRow(db: Executor, taskId: string): Promise<TaskRow | null> {
  const [row] = await db.select().from(tasks).where(eq(tasks.id, taskId)).for("update");
  return row ?? null;
}

export async function markTaskEnded(db: Executor, taskId: string, at: Date, endedBy: string): Promise<TaskRow> {
  const [row] = await db.update(tasks).set({ status: "ended", endedAt: at, endedBy }).where(eq(tasks.id, taskId)).returning();
  return row!;
}

/** Revokes every unrevoked token of the task. */
export function revokeTaskTokensOfTask(db: Executor, taskId: string, at: Date, reason: string): Promise<Revoked[]> {
  return db
    .update(taskTokens)
    .set({ revokedAt: at, revokedReason: reason })
    .where(and(eq(taskTokens.taskId, taskId), isNull(taskTokens.revokedAt)))
    .returning({ jti: taskTokens.jti, expiresAt: taskTokens.expiresAt });
}

/** Revokes every unrevoked, unexpired token of the agent. */
export function revokeTaskTokensOfAgent(db: Executor, agentId: string, at: Date, reason: string): Promise<Revoked[]> {
  return db
    .update(taskTokens)
    .set({ revokedAt: at, revokedReason: reason })
    .where(and(eq(taskTokens.agentId, agentId), isNull(taskTokens.revokedAt), gt(taskTokens.expiresAt, at)))
    .returning({ jti: taskTokens.jti, expiresAt: taskTokens.expiresAt });
}

/**
 * Issues the first token of a new task in one statement (one round trip, no explicit transaction):
 * claims the presented credential's single use, creates the task and stores the token. When the
 * credential was already used (a replay, or a concurrent exchange that claimed it first) nothing is
 * written and the answer is false. The statement is atomic; the token's foreign key to the task is
 * checked at its end, after both inserts.
 */
export async function issueRootTaskToken(db: Executor, use: { issuer: string; jti: string; expiresAt: Date }, task: { id: string; purpose: string; initiatorType: "agent" | "person"; initiator: string; rootAgentId: string; tokensExpireAt: Date; createdAt: Date }, token: Omit<TaskTokenInsert, "taskId" | "parentJti" | "depth" | "act" | "revokedAt" | "revokedReason">): Promise<boolean> {
  const iso = (date: Date) => date.toISOString();
  const rows = executedRows<{ jti: string }>(
    await db.execute(sql`
      with claim as (
        insert into used_assertions (issuer, jti, expires_at) values (${use.issuer}, ${use.jti}, ${iso(use.expiresAt)}::timestamptz)
        on conflict do nothing returning 1
      ), task as (
        insert into tasks (id, purpose, initiator_type, initiator, root_agent_id, status, tokens_expire_at, created_at)
        select ${task.id}, ${task.purpose}, ${task.initiatorType}, ${task.initiator}, ${task.rootAgentId}, 'live', ${iso(task.tokensExpireAt)}::timestamptz, ${iso(task.createdAt)}::timestamptz
         where exists (select 1 from claim)
        returning id
      )
      insert into task_tokens (jti, task_id, agent_id, client_id, audience, scope, parent_jti, depth, act, auth_method, presented_identity, trust_domain, kid, issued_at, expires_at)
      select ${token.jti}, task.id, ${token.agentId}, ${token.clientId}, ${token.audience}, ${JSON.stringify(token.scope)}::jsonb, null, 0, null, ${token.authMethod}, ${token.presentedIdentity}, ${token.trustDomain ?? null}, ${token.kid}, ${iso(token.issuedAt)}::timestamptz, ${iso(token.expiresAt)}::timestamptz
        from task
      returning jti`),
  );
  return rows.length === 1;
}
