import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Executor } from "../client";
import type { RawQuery } from "../raw-sql";
import { pgBoolean } from "../rows";
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

/** What issuance decided on about the agent; the issuing statement re-checks it (see issueRootTaskTokenIfCurrent). */
export type AgentAsJudged = { id: string; declaredActions: string[]; updatedAt: Date; identity: { kind: "spiffe_id" | "client_id"; value: string } | null };

/**
 * issueRootTaskToken on a raw transaction (the one that records the issuance decision too), and only
 * if the agent is still as issuance judged it: active, the same declared scope, unchanged since
 * (`updated_at`, compared to the millisecond a JS Date keeps) and, when it presented an identity
 * read from a cache, still the holder of it. The check, the credential's single-use claim, the task
 * and the token are one statement: nothing is written unless the check passes and the claim is new.
 * `current` false: the agent changed (read it again); `issued` false with `current`: a replay.
 * jsonb values go in as text (`::text::jsonb`): the raw client would JSON-encode a jsonb-typed parameter again.
 */
export async function issueRootTaskTokenIfCurrent(
  query: RawQuery,
  agent: AgentAsJudged,
  use: { issuer: string; jti: string; expiresAt: Date },
  task: { id: string; purpose: string; initiatorType: "agent" | "person"; initiator: string; tokensExpireAt: Date; createdAt: Date },
  token: { jti: string; clientId: string; audience: string; scope: string[]; authMethod: string; presentedIdentity: string; trustDomain: string | null; kid: string; issuedAt: Date; expiresAt: Date },
): Promise<{ current: boolean; issued: boolean }> {
  const [row] = await query<{ current: boolean; issued: boolean }>(
    `with judged as (
       select 1 from agents a
        where a.id = $1 and a.status = 'active' and a.declared_actions = $2::text::jsonb
          and a.updated_at >= $3::timestamptz and a.updated_at < $3::timestamptz + interval '1 millisecond'
          and ($4::text is null or exists (select 1 from agent_identities i where i.kind = $4::text and i.value = $5::text and i.agent_id = a.id))
     ), claim as (
       insert into used_assertions (issuer, jti, expires_at) select $6, $7, $8::timestamptz where exists (select 1 from judged)
       on conflict do nothing returning 1
     ), task as (
       insert into tasks (id, purpose, initiator_type, initiator, root_agent_id, status, tokens_expire_at, created_at)
       select $9, $10, $11, $12, $1, 'live', $13::timestamptz, $14::timestamptz where exists (select 1 from claim)
       returning id
     ), token as (
       insert into task_tokens (jti, task_id, agent_id, client_id, audience, scope, parent_jti, depth, act, auth_method, presented_identity, trust_domain, kid, issued_at, expires_at)
       select $15, task.id, $1, $16, $17, $18::text::jsonb, null, 0, null, $19, $20, $21, $22, $23::timestamptz, $24::timestamptz from task
       returning jti
     )
     select exists (select 1 from judged) as current, exists (select 1 from token) as issued`,
    [
      agent.id,
      JSON.stringify(agent.declaredActions),
      agent.updatedAt.toISOString(),
      agent.identity?.kind ?? null,
      agent.identity?.value ?? null,
      use.issuer,
      use.jti,
      use.expiresAt.toISOString(),
      task.id,
      task.purpose,
      task.initiatorType,
      task.initiator,
      task.tokensExpireAt.toISOString(),
      task.createdAt.toISOString(),
      token.jti,
      token.clientId,
      token.audience,
      JSON.stringify(token.scope),
      token.authMethod,
      token.presentedIdentity,
      token.trustDomain,
      token.kid,
      token.issuedAt.toISOString(),
      token.expiresAt.toISOString(),
    ],
  );
  return { current: pgBoolean(row?.current), issued: pgBoolean(row?.issued) };
}
