import { and, asc, desc, eq, ilike, inArray, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "./client";
import { containsPattern } from "./like";
import { executedRows } from "./rows";
import { accessRequests, agents, approvalDeliveries, approvalWebhooks, findings, people, tasks, type AccessRequestStatus } from "./schema";

export type AccessRequestRow = typeof accessRequests.$inferSelect;
export type NewAccessRequestRow = typeof accessRequests.$inferInsert;
export type DeliveryRow = typeof approvalDeliveries.$inferSelect;
export type NewDeliveryRow = typeof approvalDeliveries.$inferInsert;
export type WebhookRow = typeof approvalWebhooks.$inferSelect;

export async function getAccessRequest(db: Executor, id: string): Promise<AccessRequestRow | undefined> {
  const [row] = await db.select().from(accessRequests).where(eq(accessRequests.id, id));
  return row;
}

export async function getAccessRequestByApprovalId(db: Executor, approvalId: string): Promise<AccessRequestRow | undefined> {
  const [row] = await db.select().from(accessRequests).where(eq(accessRequests.approvalId, approvalId));
  return row;
}

export async function findByIdempotencyKey(db: Executor, requesterKey: string, idempotencyKey: string): Promise<AccessRequestRow | undefined> {
  const [row] = await db
    .select()
    .from(accessRequests)
    .where(and(eq(accessRequests.requesterKey, requesterKey), eq(accessRequests.idempotencyKey, idempotencyKey)));
  return row;
}

/**
 * Inserts unless the (requester, Idempotency-Key) pair exists; returns the inserted row or undefined.
 * When the request names a task Steward issued, its initiator is the task record's (a person's email or an
 * agent's id), whatever the submission said: four-eyes compares approvers with it. Otherwise the
 * submission's, if any. Read in the same statement, so no round trip is added.
 */
export async function insertAccessRequest(db: Executor, row: NewAccessRequestRow): Promise<AccessRequestRow | undefined> {
  const initiator = row.taskId ? sql`coalesce((select ${tasks.initiator} from ${tasks} where ${tasks.id} = ${row.taskId}), ${row.initiator ?? null}::text)` : (row.initiator ?? null);
  const [inserted] = await db
    .insert(accessRequests)
    .values({ ...row, initiator })
    .onConflictDoNothing()
    .returning();
  return inserted;
}

/** The one status transition: only from pending, exactly once. Returns the updated row or undefined. */
export async function transitionFromPending(db: Executor, id: string, set: Partial<NewAccessRequestRow> & { status?: AccessRequestStatus }): Promise<AccessRequestRow | undefined> {
  const [row] = await db
    .update(accessRequests)
    .set(set)
    .where(and(eq(accessRequests.id, id), eq(accessRequests.status, "pending")))
    .returning();
  return row;
}

/** Marks a one-use approval used; false when it already was. */
export async function consumeApproval(db: Executor, id: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(accessRequests)
    .set({ usedAt: at })
    .where(and(eq(accessRequests.id, id), isNull(accessRequests.usedAt)))
    .returning({ id: accessRequests.id });
  return rows.length === 1;
}

/**
 * Pending requests the sweep ends, and those it escalates. `expired`: past their own expiry, or bound
 * to a task that has ended or whose tokens have all expired — no call of that task can ever carry the
 * approval, so the request is dead (the demo opens one per round and ends the round's task at once;
 * they piled up as "pending" for the whole request TTL).
 */
export async function pendingDue(db: Executor, now: Date, limit: number): Promise<{ expired: AccessRequestRow[]; toEscalate: AccessRequestRow[] }> {
  const taskOver = sql`exists (select 1 from ${tasks} where ${tasks.id} = ${accessRequests.taskId} and (${tasks.status} = 'ended' or ${tasks.tokensExpireAt} < ${now.toISOString()}::timestamptz))`;
  const [expired, toEscalate] = await Promise.all([
    db
      .select()
      .from(accessRequests)
      .where(and(eq(accessRequests.status, "pending"), or(lt(accessRequests.expiresAt, now), taskOver)))
      .orderBy(asc(accessRequests.expiresAt))
      .limit(limit),
    db
      .select()
      .from(accessRequests)
      .where(and(eq(accessRequests.status, "pending"), isNull(accessRequests.escalatedAt), lt(accessRequests.escalateAt, now)))
      .limit(limit),
  ]);
  return { expired, toEscalate };
}

/** The orders the inbox offers: `expires` (soonest expiry first: most urgent), `created` (oldest first); `-` reverses. */
export const ACCESS_REQUEST_SORTS = ["expires", "-expires", "created", "-created"] as const;
export type AccessRequestSort = (typeof ACCESS_REQUEST_SORTS)[number];

export type AccessRequestFilter = { status?: AccessRequestStatus[]; agentId?: string; q?: string; decidedBy?: string; limit: number; sort?: AccessRequestSort; before?: { createdAt: Date; id: string } };

function accessRequestOrder(sort: AccessRequestSort): SQL[] {
  const column = sort.replace(/^-/, "") === "expires" ? accessRequests.expiresAt : accessRequests.createdAt;
  return sort.startsWith("-") ? [desc(column), desc(accessRequests.id)] : [asc(column), asc(accessRequests.id)];
}

export async function listAccessRequests(db: Executor, filter: AccessRequestFilter): Promise<AccessRequestRow[]> {
  const where: SQL[] = [];
  if (filter.status?.length) where.push(inArray(accessRequests.status, filter.status));
  if (filter.agentId) where.push(eq(accessRequests.agentId, filter.agentId));
  if (filter.decidedBy) where.push(eq(accessRequests.decidedBy, filter.decidedBy));
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    where.push(or(ilike(accessRequests.id, pattern), ilike(accessRequests.agentId, pattern), ilike(sql`${accessRequests.action}->>'name'`, pattern), ilike(accessRequests.justification, pattern))!);
  }
  if (filter.before) where.push(sql`(${accessRequests.createdAt}, ${accessRequests.id}) < (${filter.before.createdAt.toISOString()}::timestamptz, ${filter.before.id})`);
  return db
    .select()
    .from(accessRequests)
    .where(where.length ? and(...where) : undefined)
    // `before` pages newest-first history, so it keeps that order.
    .orderBy(...accessRequestOrder(filter.before ? "-created" : (filter.sort ?? "-created")))
    .limit(filter.limit);
}

export async function listPending(db: Executor, limit: number): Promise<AccessRequestRow[]> {
  return db.select().from(accessRequests).where(eq(accessRequests.status, "pending")).orderBy(accessRequests.createdAt).limit(limit);
}

export async function insertDeliveries(db: Executor, rows: (typeof approvalDeliveries.$inferInsert)[]): Promise<void> {
  if (rows.length) await db.insert(approvalDeliveries).values(rows);
}

/** Claims due deliveries (skip locked, so concurrent workers never send one twice at once) and pushes their next attempt out. */
export async function claimDueDeliveries(db: Executor, now: Date, limit: number, leaseMs: number): Promise<DeliveryRow[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(approvalDeliveries)
      .where(and(eq(approvalDeliveries.status, "pending"), lte(approvalDeliveries.nextAttemptAt, now)))
      .orderBy(approvalDeliveries.nextAttemptAt)
      .limit(limit)
      .for("update", { skipLocked: true });
    if (!due.length) return [];
    await tx
      .update(approvalDeliveries)
      .set({ nextAttemptAt: new Date(now.getTime() + leaseMs) })
      .where(inArray(approvalDeliveries.id, due.map((row) => row.id)));
    return due;
  });
}

export async function updateDelivery(db: Executor, id: string, set: Partial<typeof approvalDeliveries.$inferInsert>): Promise<void> {
  await db.update(approvalDeliveries).set(set).where(eq(approvalDeliveries.id, id));
}

export async function listDeliveries(db: Executor, options: { webhookId?: string; accessRequestId?: string; limit: number }): Promise<DeliveryRow[]> {
  const where: SQL[] = [];
  if (options.webhookId) where.push(eq(approvalDeliveries.webhookId, options.webhookId));
  if (options.accessRequestId) where.push(eq(approvalDeliveries.accessRequestId, options.accessRequestId));
  return db
    .select()
    .from(approvalDeliveries)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(approvalDeliveries.createdAt))
    .limit(options.limit);
}

export async function listWebhooks(db: Executor): Promise<WebhookRow[]> {
  return db.select().from(approvalWebhooks).orderBy(approvalWebhooks.createdAt);
}

export async function getWebhook(db: Executor, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db.select().from(approvalWebhooks).where(eq(approvalWebhooks.id, id));
  return row;
}

export type DecisionUnderRequest = { enforcementPointId: string; decisionId: string; time: Date; actionName: string; outcome: string };

/**
 * The decisions recorded for one access request: those that name it (a gateway's record carries
 * context.access_request.id and, once approved, .approval_id) and those its approval let through
 * (the console PDP's reasons read "pol_… (lifted by approval apr_…)"). Bounded to the request's
 * agent(s) and its lifetime (from the denial window before it to a minute past its end), so the
 * decisions_agent_time index answers it. Oldest first, at most `limit`.
 */
export async function decisionsForAccessRequest(db: Executor, request: { id: string; approvalId: string | null; agentIds: string[]; from: Date; until: Date }, limit = 50): Promise<DecisionUnderRequest[]> {
  if (!request.agentIds.length) return [];
  const byApproval = request.approvalId ? sql` or context->'access_request'->>'approval_id' = ${request.approvalId} or reasons::text like ${containsPattern(`lifted by approval ${request.approvalId})`)}` : sql``;
  const rows = executedRows<Record<string, unknown>>(
    await db.execute(sql`
      select enforcement_point_id, decision_id, time, action_name, outcome from decisions
      where agent_id in (${sql.join(request.agentIds.map((id) => sql`${id}`), sql`, `)})
        and time >= ${request.from.toISOString()} and time <= ${request.until.toISOString()}
        and (context->'access_request'->>'id' = ${request.id}${byApproval})
      order by time limit ${limit}`),
  );
  return rows.map((row) => ({ enforcementPointId: String(row.enforcement_point_id), decisionId: String(row.decision_id), time: row.time instanceof Date ? row.time : new Date(String(row.time)), actionName: String(row.action_name), outcome: String(row.outcome) }));
}

export async function getAccessRequestByBindingJti(db: Executor, jti: string): Promise<AccessRequestRow | undefined> {
  const [row] = await db.select().from(accessRequests).where(eq(accessRequests.bindingJti, jti));
  return row;
}

/** The row locked for a decision (inside the deciding transaction). */
export async function lockAccessRequest(db: Executor, id: string): Promise<AccessRequestRow | undefined> {
  const [row] = await db.select().from(accessRequests).where(eq(accessRequests.id, id)).for("update");
  return row;
}

/** Records one group's approval on a request that needs more. */
export async function setApprovals(db: Executor, id: string, approvals: AccessRequestRow["approvals"]): Promise<AccessRequestRow | undefined> {
  const [row] = await db.update(accessRequests).set({ approvals }).where(eq(accessRequests.id, id)).returning();
  return row;
}

/** Marks a pending, not yet escalated request escalated; undefined when another process did (or it ended). */
export async function markEscalated(db: Executor, id: string, at: Date): Promise<AccessRequestRow | undefined> {
  const [row] = await db.update(accessRequests).set({ escalatedAt: at }).where(and(eq(accessRequests.id, id), eq(accessRequests.status, "pending"), isNull(accessRequests.escalatedAt))).returning();
  return row;
}

/** The person record of a console user: linked by user id, else by e-mail (lower-case). */
export async function personOfUser(db: Executor, userId: string, email: string): Promise<{ id: string; email: string } | undefined> {
  const [row] = await db
    .select({ id: people.id, email: people.email })
    .from(people)
    .where(or(eq(people.userId, userId), eq(people.email, email.toLowerCase())))
    .limit(1);
  return row;
}

export async function agentOwners(db: Executor, agentId: string): Promise<{ ownerId: string | null; backupOwnerId: string | null } | undefined> {
  const [row] = await db.select({ ownerId: agents.ownerId, backupOwnerId: agents.backupOwnerId }).from(agents).where(eq(agents.id, agentId));
  return row;
}

/** Names and owner names of agents, by id (the inbox cards). */
export async function agentNamesWithOwners(db: Executor, ids: string[]): Promise<{ id: string; name: string; ownerName: string | null }[]> {
  if (!ids.length) return [];
  return db.select({ id: agents.id, name: agents.name, ownerName: people.name }).from(agents).leftJoin(people, eq(people.id, agents.ownerId)).where(inArray(agents.id, ids));
}

export async function openFindingsOf(db: Executor, agentId: string): Promise<{ kind: string; detail: string }[]> {
  return db.select({ kind: findings.kind, detail: findings.detail }).from(findings).where(and(eq(findings.agentId, agentId), eq(findings.status, "open")));
}

/** The agent's owner and backup owner as people (id, name, e-mail). */
export async function ownersOf(db: Executor, agentId: string): Promise<{ id: string; name: string; email: string }[]> {
  const agent = await agentOwners(db, agentId);
  const ids = [agent?.ownerId, agent?.backupOwnerId].filter((value): value is string => Boolean(value));
  if (!ids.length) return [];
  return db.select({ id: people.id, name: people.name, email: people.email }).from(people).where(inArray(people.id, ids));
}

/** NOTIFY on the approvals channel, inside the changing transaction (delivered only on commit). */
export async function notifyApprovalChannel(db: Executor, channel: string, payload: string): Promise<void> {
  await db.execute(sql`select pg_notify(${channel}, ${payload})`);
}

export async function insertWebhook(db: Executor, values: typeof approvalWebhooks.$inferInsert): Promise<WebhookRow> {
  const [row] = await db.insert(approvalWebhooks).values(values).returning();
  return row!;
}

export async function deleteWebhookRow(db: Executor, id: string): Promise<void> {
  await db.delete(approvalWebhooks).where(eq(approvalWebhooks.id, id));
}
