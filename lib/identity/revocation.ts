import type { Executor, Tx } from "@/db/client";
import { getDb } from "@/db/client";
import { agentStatusById } from "@/db/identity/credentials";
import { appendRevocationEvents, type RevocationEntry } from "@/db/identity/revocations";
import { lockTaskRow, markTaskEnded, revokeTaskTokenRow, revokeTaskTokensOfAgent, revokeTaskTokensOfTask, taskTokenRevokedAt } from "@/db/identity/task-tokens";
import { recordAudit } from "../audit/record-audit";
import type { RequestContext } from "../auth/actor";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { notFound, StewardError } from "../errors";
import { REVOCATION_CHANNEL, REVOCATION_LOCK_KEY } from "./constants";
import { announceRevocationsLocally } from "./revocation-feed";
import { verifyTaskToken } from "./task-token";

/**
 * Revocation: one token (RFC 7009), a whole task (ended by its agent or by a person), or every
 * token of an agent. Each appends to the revocation feed in the same transaction, under an
 * advisory lock so feed sequence numbers become visible in order, and wakes the feed's waiters
 * (pg_notify for other processes, an in-process signal for this one) at commit.
 */
export async function appendRevocations(tx: Executor, entries: RevocationEntry[]): Promise<void> {
  if (!entries.length) return;
  await appendRevocationEvents(tx, entries, REVOCATION_LOCK_KEY, REVOCATION_CHANNEL);
}

/**
 * RFC 7009: revoke the presented token. Possession of a genuine Steward token is the authority to
 * revoke it; an unknown, foreign or already expired token is answered the same way (200), as the
 * RFC asks, so the endpoint reveals nothing. Returns whether a live token was revoked.
 */
export async function revokeTokenByValue({ token, issuer, now = new Date() }: { token: string; issuer: string; now?: Date }): Promise<boolean> {
  const check = await verifyTaskToken(token, issuer, { now, allowExpired: true });
  if (!check.ok || check.claims.exp * 1000 <= now.getTime()) return false;
  const db = await getDb();
  const revoked = await db.transaction(async (tx) => {
    const row = await revokeTaskTokenRow(tx, check.claims.jti, now, "revoked by its holder (RFC 7009)");
    if (!row) return false;
    await appendRevocations(tx, [{ kind: "token", ref: row.jti, expiresAt: row.expiresAt }]);
    return true;
  });
  if (revoked) announceRevocationsLocally();
  return revoked;
}

async function endTaskIn(tx: Tx, ctx: RequestContext, taskId: string, endedBy: string, now: Date) {
  const task = await lockTaskRow(tx, taskId);
  if (!task) throw notFound("Task", taskId);
  if (task.status === "ended") return { task, revokedTokens: 0 };
  const ended = await markTaskEnded(tx, taskId, now, endedBy);
  const revoked = await revokeTaskTokensOfTask(tx, taskId, now, "task ended");
  const latest = revoked.reduce((max, row) => Math.max(max, row.expiresAt.getTime()), task.tokensExpireAt.getTime());
  await appendRevocations(tx, [{ kind: "task", ref: taskId, expiresAt: new Date(latest) }]);
  await recordAudit(tx, ctx, { action: "task.end", entityType: "task", entityId: taskId, before: { status: task.status }, after: { status: "ended", endedBy, revokedTokens: revoked.length } });
  return { task: ended, revokedTokens: revoked.length };
}

/** A person ends a task from the console or the API (permission `tasks.end`). */
export async function endTask({ ctx, input, now = new Date() }: { ctx: Ctx; input: { taskId: string }; now?: Date }) {
  requirePermission(ctx.actor, "tasks.end");
  const result = await withTransaction(ctx, (tx) => endTaskIn(tx, ctx, input.taskId, ctx.actor.type === "user" ? ctx.actor.email : "system", now));
  announceRevocationsLocally();
  return result;
}

/** The agent ends its own task by presenting one of the task's live tokens. */
export async function endTaskWithToken({ token, issuer, taskId, requestId, now = new Date() }: { token: string; issuer: string; taskId: string; requestId: string; now?: Date }) {
  const check = await verifyTaskToken(token, issuer, { now });
  if (!check.ok) throw new StewardError("unauthenticated", `The task token is not valid: ${check.reason}`);
  if (check.claims.task_id !== taskId) throw new StewardError("forbidden", "The token belongs to another task");
  const db = await getDb();
  const revokedAt = await taskTokenRevokedAt(db, check.claims.jti);
  if (revokedAt !== null) throw new StewardError("unauthenticated", "The task token has been revoked");
  const ctx: RequestContext = { actor: { type: "system", reason: `task token of ${check.claims.sub}` }, requestId, ip: null };
  const result = await db.transaction((tx) => endTaskIn(tx, ctx, taskId, check.claims.sub, now));
  announceRevocationsLocally();
  return result;
}

/** Revokes every live token of an agent without changing its status (suspending it does the same, by trigger). */
export async function revokeAgentTokens({ ctx, input, now = new Date() }: { ctx: Ctx; input: { agentId: string }; now?: Date }) {
  requirePermission(ctx.actor, "tasks.end");
  const result = await withTransaction(ctx, async (tx) => {
    if (!(await agentStatusById(tx, input.agentId))) throw notFound("Agent", input.agentId);
    const revoked = await revokeTaskTokensOfAgent(tx, input.agentId, now, "agent's tokens revoked");
    const latest = revoked.reduce((max, row) => Math.max(max, row.expiresAt.getTime()), now.getTime());
    await appendRevocations(tx, [{ kind: "agent", ref: input.agentId, expiresAt: new Date(latest) }]);
    await recordAudit(tx, ctx, { action: "agent.revoke_tokens", entityType: "agent", entityId: input.agentId, after: { revokedTokens: revoked.length } });
    return { revokedTokens: revoked.length };
  });
  announceRevocationsLocally();
  return result;
}
