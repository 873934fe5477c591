import { createHash, randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { z } from "zod";
import { getDb, type Executor, type Tx } from "@/db/client";
import { agentOwners, findByIdempotencyKey, getAccessRequest, getAccessRequestByBindingJti, insertAccessRequest, listWebhooks, lockAccessRequest, markEscalated, pendingDue, personOfUser, setApprovals, transitionFromPending, type AccessRequestRow } from "@/db/approvals";
import type { ApproverGroup } from "@/db/enums";
import { canonicalJson } from "../audit/canonical-json";
import { recordAudit } from "../audit/record-audit";
import { systemContext, type Actor, type RequestContext } from "../auth/actor";
import { requirePermission } from "../auth/require-permission";
import { getConfig } from "../config";
import { withTransaction, type Ctx } from "../context";
import { AuthzenAction, AuthzenEntity } from "../policies/request-mapping";
import { getCachedSettings } from "../settings/settings";
import { bindingHash, verifyBindingToken, type BindingClaims } from "./binding";
import { announce, notifyInTransaction, subscribeToTask } from "./events";
import { callbackSecret, enqueueNotifications, type ApprovalEvent } from "./notify";

/**
 * Access requests per the OpenID AuthZEN Access Request and Approval Profile (Draft 1): a PEP that
 * got a requestable denial POSTs the denial's binding token back with the same subject, action,
 * resource and context; the answer is a task handle whose status moves pending → approved | denied
 * | expired | cancelled exactly once. Status by GET (Retry-After), long-poll (?wait=seconds) or a
 * signed callback. Errors are the profile's application/problem+json types.
 */

export const PROBLEM = "urn:openid:authzen:access-request:error:";
export class AccessRequestProblem extends Error {
  constructor(
    readonly type: "not_requestable" | "expired_denial" | "invalid_denial_binding" | "duplicate_request" | "unknown_task" | "task_expired" | "invalid_task_state" | "invalid_request" | "forbidden",
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
  }
  toResponse(): Response {
    return new Response(JSON.stringify({ type: `${PROBLEM}${this.type}`, title: this.title, status: this.status, detail: this.detail }), {
      status: this.status,
      headers: { "content-type": "application/problem+json", "cache-control": "no-store" },
    });
  }
}

export const AccessRequestSubmission = z.object({
  subject: AuthzenEntity,
  action: AuthzenAction,
  resource: AuthzenEntity,
  context: z.record(z.string(), z.unknown()).optional(),
  denial: z.object({
    binding_token: z.string().min(1).max(16_384),
    expires_at: z.string().optional(),
    evaluation_id: z.string().max(200).optional(),
    evaluated_at: z.string().optional(),
    reason: z.string().max(200).optional(),
    template: z.string().max(200).optional(),
  }),
  justification: z.string().max(2000).optional().describe("Why the agent needs this call (also read from context.business_justification)"),
  requested_access: z.record(z.string(), z.unknown()).optional(),
  callback: z
    .object({
      endpoint: z.string().url().max(2000),
      state: z.string().max(1024).optional(),
      events: z.array(z.string()).max(10).optional(),
    })
    .optional(),
  client: z.record(z.string(), z.unknown()).optional(),
  held_until: z.iso
    .datetime({ offset: true, message: "Use an RFC 3339 time, e.g. 2026-01-31T12:00:45Z" })
    .optional()
    .describe(
      "Steward extension, optional: until when the PEP holds the agent's call open waiting for the decision (RFC 3339). Must be in the future; a time past the request's expires_at is stored as expires_at. Shown to approvers so they know whether approving still answers the waiting call or only its next attempt. Not part of the Idempotency-Key comparison.",
    ),
});
export type AccessRequestSubmission = z.infer<typeof AccessRequestSubmission>;

/** Where links point: the console's public origin (AUTH_URL) or the request's origin. */
export type Origin = { base: string };
const statusEndpoint = (origin: Origin, id: string) => `${origin.base.replace(/\/$/, "")}/access/v1/requests/${id}`;

/** A one-use approval must be used (re-evaluated) within this window. */
export const ONE_USE_WINDOW_SECONDS = 900;

export type TaskHandle = {
  task: { id: string; status: string; status_endpoint: string; expires_at: string; held_until?: string; links: Record<string, string>; progress?: { awaiting: string[]; current_step: number; total_steps: number } };
  result?: { mode: "reevaluate"; approval: { id: string; approved_at: string; approved_until: string } };
  callback?: { secret: string };
};

export function taskHandle(row: AccessRequestRow, origin: Origin): TaskHandle {
  const endpoint = statusEndpoint(origin, row.id);
  const done = new Set(row.approvals.map((item) => item.group));
  const handle: TaskHandle = {
    task: {
      id: row.id,
      status: row.status,
      status_endpoint: endpoint,
      expires_at: row.expiresAt.toISOString(),
      ...(row.heldUntil ? { held_until: row.heldUntil.toISOString() } : {}),
      links: { cancel: `${endpoint}/cancel`, review: `${origin.base.replace(/\/$/, "")}/approvals?request=${row.id}` },
    },
  };
  if (row.status === "pending") handle.task.progress = { awaiting: row.requiredGroups.filter((group) => !done.has(group)), current_step: done.size + 1, total_steps: row.requiredGroups.length };
  if (row.status === "approved" && row.approvalId && row.approvedUntil && row.decidedAt) {
    handle.result = { mode: "reevaluate", approval: { id: row.approvalId, approved_at: row.decidedAt.toISOString(), approved_until: row.approvedUntil.toISOString() } };
  }
  return handle;
}

const requesterKeyOf = (actor: Actor): string => (actor.type === "enforcement_point" ? `ep:${actor.enforcementPointId}` : actor.type === "user" ? `usr:${actor.userId}` : `sys:${actor.reason}`);
const requesterLabelOf = (actor: Actor): string => (actor.type === "enforcement_point" ? `enforcement point ${actor.name}` : actor.type === "user" ? actor.email : `system (${actor.reason})`);

// ---- callback URL hygiene (the profile: no internal destinations unless explicitly allowed) ----

function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || host.endsWith(".local")) return true;
  const version = isIP(host);
  if (version === 4) {
    const [a, b] = host.split(".").map(Number) as [number, number];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (version === 6) return host === "::1" || host === "::" || host.startsWith("fc") || host.startsWith("fd") || host.startsWith("fe80") || host.startsWith("::ffff:");
  return false;
}

/** https anywhere public; http or an internal host only when its origin is in STEWARD_APPROVAL_CALLBACK_ALLOW. */
export function checkCallbackUrl(value: string, allow: string[]): void {
  const url = new URL(value);
  const allowed = allow.includes(url.origin);
  if (allowed) return;
  if (url.protocol !== "https:") throw new AccessRequestProblem("invalid_request", 400, "Callback refused", "callback.endpoint must be https (or an origin allowed by STEWARD_APPROVAL_CALLBACK_ALLOW)");
  if (isInternalHost(url.hostname)) throw new AccessRequestProblem("invalid_request", 400, "Callback refused", "callback.endpoint points to an internal address; allow its origin in STEWARD_APPROVAL_CALLBACK_ALLOW to use it");
}

// ---- submit --------------------------------------------------------------------------------

function parseSubmission(body: unknown): AccessRequestSubmission {
  const parsed = AccessRequestSubmission.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join(".");
  if (path.startsWith("denial")) throw new AccessRequestProblem("invalid_denial_binding", 400, "No denial binding", `${path}: ${issue.message}; send denial.binding_token from the requestable denial`);
  throw new AccessRequestProblem("invalid_request", 400, "Invalid access request", `${path || "body"}: ${issue.message}`);
}

/**
 * The submission's hold deadline, checked against the request's own expiry: refused (400 naming
 * held_until) when it is not in the future — the PEP's call no longer waits, so there is nothing to
 * show — and clamped to the expiry when later (a PEP cannot know the console's request TTL, and no
 * approval can be given after the expiry anyway).
 */
export function heldUntilOf(submission: AccessRequestSubmission, now: Date, expiresAt: Date): Date | null {
  if (submission.held_until === undefined) return null;
  const heldUntil = new Date(submission.held_until);
  if (heldUntil.getTime() <= now.getTime()) throw new AccessRequestProblem("invalid_request", 400, "Invalid access request", `held_until: must be a time in the future (got ${submission.held_until}, now is ${now.toISOString()})`);
  return heldUntil > expiresAt ? expiresAt : heldUntil;
}

const stringOf = (value: unknown): string | null => (typeof value === "string" && value ? value.slice(0, 500) : null);

/** The binding token is Steward's, unexpired, and the submission hashes to what it binds. */
async function validateBinding(submission: AccessRequestSubmission, now: Date): Promise<{ claims: BindingClaims; context: Record<string, unknown>; boundContext: Record<string, unknown> }> {
  const secret = getConfig().authSecret;
  const verified = await verifyBindingToken(secret, submission.denial.binding_token, now);
  if (!verified.ok) {
    if (verified.reason === "expired") throw new AccessRequestProblem("expired_denial", 410, "The requestable denial expired", "Evaluate again for a fresh requestable denial");
    throw new AccessRequestProblem("invalid_denial_binding", 400, "Invalid binding token", "denial.binding_token is not a binding token issued by this PDP");
  }
  const claims = verified.claims;
  if (submission.denial.expires_at !== undefined && submission.denial.expires_at !== claims.denial_expires_at) {
    throw new AccessRequestProblem("invalid_denial_binding", 400, "Denial expiry mismatch", "denial.expires_at differs from the requestable denial's expires_at");
  }
  const context = submission.context ?? {};
  const missing = claims.binding_context_members.filter((member) => !(member in context));
  if (missing.length) throw new AccessRequestProblem("invalid_denial_binding", 400, "Context does not match the denial", `context lacks bound member(s) ${missing.join(", ")}`);
  const boundContext = Object.fromEntries(claims.binding_context_members.map((member) => [member, context[member]]));
  if (bindingHash(submission, boundContext) !== claims.binding_hash) {
    throw new AccessRequestProblem("invalid_denial_binding", 400, "Request does not match the denial", "subject, action, resource or context differ from the denied evaluation the binding token was issued for");
  }
  return { claims, context, boundContext };
}

/**
 * Creates (or, for a repeated Idempotency-Key or binding token with an equivalent body, returns)
 * the access request. Verifies the binding token's signature, audience and expiry, and that the
 * submitted subject, action, resource and bound context members hash to what the PDP signed.
 */
export async function submitAccessRequest({ ctx, body, idempotencyKey, origin, now = new Date() }: { ctx: Ctx; body: unknown; idempotencyKey: string | null; origin: Origin; now?: Date }): Promise<{ handle: TaskHandle; created: boolean }> {
  requirePermission(ctx.actor, "approvals.request");
  if (idempotencyKey !== null && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) throw new AccessRequestProblem("invalid_request", 400, "Invalid Idempotency-Key", "Idempotency-Key must be 1–255 printable characters");
  const submission = parseSubmission(body);
  const requesterKey = requesterKeyOf(ctx.actor);
  // held_until is left out: a PEP retrying a submission (same Idempotency-Key) computes a new deadline.
  const { held_until: _heldUntil, ...hashed } = submission;
  const submissionHash = createHash("sha256").update(canonicalJson(hashed)).digest("hex");
  const db = ctx.tx ?? (await getDb());
  const withSecret = (row: AccessRequestRow) => ({ ...taskHandle(row, origin), ...(row.callbackUrl ? { callback: { secret: callbackSecret(row.id) } } : {}) });

  // A repeated Idempotency-Key answers with its task. Looked up only when needed — the submission
  // fails validation (e.g. its binding token expired since) or its insert conflicts (below) —
  // rather than before every create: one query less on the hot path, same answers.
  const replayed = async () => {
    if (!idempotencyKey) return null;
    const existing = await findByIdempotencyKey(db, requesterKey, idempotencyKey);
    if (!existing) return null;
    if (existing.submissionHash !== submissionHash) throw new AccessRequestProblem("duplicate_request", 409, "Idempotency-Key reused", "This Idempotency-Key was used with a different submission body");
    return { handle: withSecret(existing), created: false };
  };

  // Cached (cleared on every settings change): a read per create was one of its two transactions.
  const settings = await getCachedSettings();
  const expiresAt = new Date(now.getTime() + settings.approvalRequestMinutes * 60_000);
  let validated: { claims: BindingClaims; context: Record<string, unknown>; boundContext: Record<string, unknown> };
  let heldUntil: Date | null;
  try {
    validated = await validateBinding(submission, now);
    if (submission.callback) checkCallbackUrl(submission.callback.endpoint, getConfig().approvalCallbackAllow);
    heldUntil = heldUntilOf(submission, now, expiresAt);
  } catch (error) {
    const replay = error instanceof AccessRequestProblem ? await replayed() : null;
    if (replay) return replay;
    throw error;
  }
  const { claims, context, boundContext } = validated;
  const groups = claims.approval.groups as ApproverGroup[];
  const escalateAt = groups.includes("owner") && !groups.includes("security") ? new Date(now.getTime() + settings.approvalEscalationMinutes * 60_000) : null;
  const justification = (submission.justification ?? stringOf(context.business_justification) ?? "").slice(0, 2000);

  const id = `arq_${randomBytes(16).toString("base64url")}`;
  const outcome = await withTransaction(ctx, async (tx) => {
    // One round trip for the three statements (postgres.js pipelines what is issued together on the
    // transaction's connection): the insert, the webhooks to notify, and the cross-process NOTIFY
    // (sent on commit; after a conflict it only wakes listeners that find nothing new).
    const [row, webhooks] = await Promise.all([
      insertAccessRequest(tx, {
        id,
        requesterKey,
        requesterLabel: requesterLabelOf(ctx.actor),
        idempotencyKey,
        submissionHash,
        bindingJti: claims.jti,
        bindingHash: claims.binding_hash,
        evaluationId: claims.evaluation_id,
        subject: submission.subject,
        action: submission.action,
        resource: submission.resource,
        boundContext,
        agentId: claims.agent_id,
        taskId: stringOf(boundContext.task_id),
        taskPurpose: stringOf(boundContext.task_purpose),
        initiator: stringOf(boundContext.initiator ?? boundContext.task_initiator),
        delegation: Array.isArray(boundContext.delegation) ? boundContext.delegation.filter((item): item is string => typeof item === "string") : [],
        policyRevision: claims.policy_revision,
        policies: claims.policies,
        requiredGroups: groups,
        fourEyes: claims.approval.fourEyes,
        reuseSeconds: claims.approval.reuseSeconds,
        justification,
        callbackUrl: submission.callback?.endpoint ?? null,
        callbackState: submission.callback?.state ?? null,
        expiresAt,
        heldUntil,
        escalateAt: escalateAt && escalateAt < expiresAt ? escalateAt : null,
      }),
      listWebhooks(tx),
      notifyInTransaction(tx, { id, status: "pending" }),
    ]);
    // A replayed binding token or Idempotency-Key conflicts here (unique indexes) and is answered below.
    if (!row) return null;
    await enqueueNotifications(tx, "access_request.created", row, { consoleUrl: origin.base, statusEndpoint: statusEndpoint(origin, row.id), webhooks });
    // No audit-chain row for a submission: like a decision an enforcement point reports, it is
    // the PEP's record (the row keeps requester, time and submission hash), and the chain's lock
    // would serialise every PEP's requests. What people do with it (approve, deny, cancel) and
    // what the system does (expire, escalate) is audited.
    return row;
  });
  if (!outcome) {
    // Lost a race with the same Idempotency-Key or token: answer with the request that won.
    const winner = (idempotencyKey && (await findByIdempotencyKey(db, requesterKey, idempotencyKey))) || (await getAccessRequestByBindingJti(db, claims.jti));
    if (winner && winner.requesterKey === requesterKey && winner.submissionHash === submissionHash) return { handle: withSecret(winner), created: false };
    throw new AccessRequestProblem("duplicate_request", 409, "Duplicate access request", "An access request for this denial or Idempotency-Key exists with another submission; poll its task instead");
  }
  announce({ id: outcome.id, status: outcome.status });
  return { handle: withSecret(outcome), created: true };
}

// ---- status, long-poll, cancel ---------------------------------------------------------------

/** Enforcement points see only their own requests; people need approvals.read. */
function visibleTo(actor: Actor, row: AccessRequestRow): boolean {
  if (actor.type === "system") return true;
  if (actor.type === "enforcement_point") return row.requesterKey === requesterKeyOf(actor);
  return row.requesterKey === requesterKeyOf(actor) || actor.role === "admin" || actor.role === "security" || actor.role === "risk" || actor.role === "viewer";
}

/**
 * Turns an overdue pending request into expired (a deny) in its own transaction; returns the row as it now is.
 * `taskOver`: the sweep found its task ended (or all its tokens expired), so it expires before its own expiry.
 */
async function expireIfDue(row: AccessRequestRow, now: Date, ctx: RequestContext = systemContext("approval-expiry"), taskOver = false): Promise<AccessRequestRow> {
  if (row.status !== "pending" || (row.expiresAt > now && !taskOver)) return row;
  const db = await getDb();
  const changed = await db.transaction(async (tx) => finish(tx, ctx, row.id, "expired", { decidedAt: now, decidedByLabel: taskOver && row.expiresAt > now ? "task ended" : "expiry" }, null));
  return changed ?? (await getAccessRequest(db, row.id)) ?? row;
}

/** The single terminal transition, with audit, callback/notification outbox and NOTIFY in the same transaction. */
async function finish(tx: Tx, ctx: RequestContext, id: string, status: "approved" | "denied" | "expired" | "cancelled", set: Partial<AccessRequestRow>, origin: Origin | null): Promise<AccessRequestRow | undefined> {
  const row = await transitionFromPending(tx, id, { ...set, status });
  if (!row) return undefined;
  const action = ({ approved: "access_request.approve", denied: "access_request.deny", expired: "access_request.expire", cancelled: "access_request.cancel" } as const)[status];
  const base = origin ?? (getConfig().publicUrl ? { base: getConfig().publicUrl! } : null);
  await enqueueNotifications(tx, `access_request.${status}` as ApprovalEvent, row, { consoleUrl: base?.base ?? null, statusEndpoint: base ? statusEndpoint(base, id) : `/access/v1/requests/${id}` });
  await notifyInTransaction(tx, { id, status });
  await recordAudit(tx, ctx, { action, entityType: "access_request", entityId: id, before: { status: "pending" }, after: { status, approvalId: row.approvalId, approvedUntil: row.approvedUntil, comment: row.comment } });
  return row;
}

export const MAX_WAIT_SECONDS = 30;

/**
 * The task status; with `waitSeconds` > 0 a long-poll that answers as soon as the status changes
 * (or the wait ends). `retryAfter` is the Retry-After for a still-pending answer.
 */
export async function getTaskStatus({ ctx, id, waitSeconds = 0, origin, signal }: { ctx: Ctx; id: string; waitSeconds?: number; origin: Origin; signal?: AbortSignal }): Promise<{ handle: TaskHandle; retryAfter: number | null }> {
  requirePermission(ctx.actor, "approvals.request");
  const db = ctx.tx ?? (await getDb());
  const wait = Math.max(0, Math.min(MAX_WAIT_SECONDS, waitSeconds));
  const subscription = wait > 0 ? await subscribeToTask(id) : null;
  try {
    let row = await getAccessRequest(db, id);
    if (!row || !visibleTo(ctx.actor, row)) throw new AccessRequestProblem("unknown_task", 404, "Unknown task", `No access request ${id} is visible to you`);
    const deadline = Date.now() + wait * 1000;
    row = await expireIfDue(row, new Date());
    while (row.status === "pending" && subscription && Date.now() < deadline && !signal?.aborted) {
      // Wake at the change, the deadline, or the request's own expiry, whichever is first.
      const until = Math.min(deadline, row.expiresAt.getTime() + 5);
      await subscription.changed(Math.max(1, until - Date.now()), signal);
      row = await expireIfDue((await getAccessRequest(db, id)) ?? row, new Date());
    }
    return { handle: taskHandle(row, origin), retryAfter: row.status === "pending" ? 5 : null };
  } finally {
    subscription?.close();
  }
}

/** Cancellation by the requester (or a security engineer / admin). */
export async function cancelAccessRequest({ ctx, id, origin }: { ctx: Ctx; id: string; origin: Origin }): Promise<TaskHandle> {
  requirePermission(ctx.actor, "approvals.request");
  const db = ctx.tx ?? (await getDb());
  const row = await getAccessRequest(db, id);
  const actor = ctx.actor;
  if (!row || !visibleTo(actor, row) || (actor.type === "user" && row.requesterKey !== requesterKeyOf(actor) && actor.role !== "admin" && actor.role !== "security")) {
    throw new AccessRequestProblem("unknown_task", 404, "Unknown task", `No access request ${id} is visible to you`);
  }
  const changed = await withTransaction(ctx, (tx) => finish(tx, ctx, id, "cancelled", { decidedAt: new Date(), decidedBy: actor.type === "user" ? actor.userId : null, decidedByLabel: requesterLabelOf(actor) }, origin));
  if (!changed) {
    const now = (await getAccessRequest(db, id))!;
    throw new AccessRequestProblem("invalid_task_state", 409, "Not pending", `The access request is already ${now.status}`);
  }
  announce({ id, status: "cancelled" });
  return taskHandle(changed, origin);
}

// ---- approvers -----------------------------------------------------------------------------

export type Eligibility = { groups: ApproverGroup[]; refusal: string | null };

/**
 * Which groups this person may approve for on this request, or why not at all:
 *  - owner: the agent's owner or backup owner (and, once escalated, security engineers too);
 *  - security: security engineers and administrators;
 *  - never an enforcement point or the agent itself, never the subject or the submitter of the
 *    request, and under four-eyes never the person who initiated the task.
 */
export async function eligibility(db: Executor, actor: Actor, row: AccessRequestRow): Promise<Eligibility> {
  if (actor.type !== "user") return { groups: [], refusal: "Only a person can approve: an agent or enforcement point never decides its own request" };
  const person = await personOfUser(db, actor.userId, actor.email);
  const identities = new Set([actor.userId, actor.email.toLowerCase(), ...(person ? [person.id, person.email.toLowerCase()] : [])]);
  const subject = row.subject as { id: string };
  if (identities.has(subject.id.toLowerCase()) || identities.has(subject.id)) return { groups: [], refusal: "You are the subject of this request and cannot approve it yourself" };
  if (row.requesterKey === `usr:${actor.userId}`) return { groups: [], refusal: "You submitted this request, so someone else must decide it" };
  if (row.fourEyes && row.initiator && (identities.has(row.initiator) || identities.has(row.initiator.toLowerCase()))) {
    return { groups: [], refusal: "Four-eyes: you initiated this task, so someone else must approve it" };
  }
  const groups: ApproverGroup[] = [];
  const isSecurity = actor.role === "security" || actor.role === "admin";
  let isOwner = false;
  if (row.agentId && person) {
    const agent = await agentOwners(db, row.agentId);
    isOwner = Boolean(agent && (agent.ownerId === person.id || agent.backupOwnerId === person.id));
  }
  if (row.requiredGroups.includes("owner") && (isOwner || (isSecurity && row.escalatedAt))) groups.push("owner");
  if (row.requiredGroups.includes("security") && isSecurity) groups.push("security");
  return { groups, refusal: groups.length ? null : "You are not an approver of this request (owner, backup owner or security engineer, as its policy requires)" };
}

export const DecideInput = z.object({ comment: z.string().trim().max(2000).default("") });

/**
 * Approve or deny. An approval fills one required group per person; when every group has
 * approved, the task becomes approved with an approval id the PEP re-evaluates with. A deny by any
 * eligible approver ends it. Both are audited in the same transaction as the change.
 */
export async function decideAccessRequest({ ctx, id, decision, input, origin, now = new Date() }: { ctx: Ctx; id: string; decision: "approve" | "deny"; input: unknown; origin: Origin | null; now?: Date }): Promise<AccessRequestRow> {
  requirePermission(ctx.actor, "approvals.decide");
  const { comment } = DecideInput.parse(input ?? {});
  const actor = ctx.actor;
  const db = ctx.tx ?? (await getDb());
  const initial = await getAccessRequest(db, id);
  if (!initial) throw new AccessRequestProblem("unknown_task", 404, "Unknown access request", `No access request ${id}`);
  await expireIfDue(initial, now, ctx);
  const result = await withTransaction(ctx, async (tx) => {
    const row = await lockAccessRequest(tx, id);
    if (!row || row.status !== "pending") throw new AccessRequestProblem("invalid_task_state", 409, "Not pending", `The access request is already ${row?.status ?? "gone"}`);
    const { groups, refusal } = await eligibility(tx, actor, row);
    if (refusal) throw new AccessRequestProblem("forbidden", 403, "Not an approver", refusal);
    const user = actor as Extract<Actor, { type: "user" }>;
    if (decision === "deny") {
      return finish(tx, ctx, id, "denied", { decidedAt: now, decidedBy: user.userId, decidedByLabel: user.email, comment }, origin);
    }
    if (row.approvals.some((item) => item.userId === user.userId)) throw new AccessRequestProblem("forbidden", 403, "Already approved", "You already approved this request; another approver must approve the remaining group");
    const done = new Set(row.approvals.map((item) => item.group));
    const group = groups.find((candidate) => !done.has(candidate));
    if (!group) throw new AccessRequestProblem("forbidden", 403, "Nothing left for you", "The groups you may approve for have approved already");
    const approvals = [...row.approvals, { group, userId: user.userId, label: user.email, at: now.toISOString(), comment }];
    if (!row.requiredGroups.every((required) => approvals.some((item) => item.group === required))) {
      const updated = await setApprovals(tx, id, approvals);
      await recordAudit(tx, ctx, { action: "access_request.approve", entityType: "access_request", entityId: id, after: { status: "pending", approvedFor: group, comment } });
      await notifyInTransaction(tx, { id, status: "pending" });
      return updated;
    }
    const validSeconds = row.reuseSeconds ?? ONE_USE_WINDOW_SECONDS;
    return finish(
      tx,
      ctx,
      id,
      "approved",
      { approvals, decidedAt: now, decidedBy: user.userId, decidedByLabel: user.email, comment, approvalId: `apr_${randomBytes(16).toString("base64url")}`, approvedUntil: new Date(now.getTime() + validSeconds * 1000) },
      origin,
    );
  });
  if (!result) throw new AccessRequestProblem("invalid_task_state", 409, "Not pending", "The access request is no longer pending");
  announce({ id, status: result.status });
  return result;
}

// ---- upkeep ----------------------------------------------------------------------------------

/** At most this many requests are expired, and this many escalated, per sweep. */
export const SWEEP_LIMIT = 500;

/**
 * Expires overdue requests and escalates unanswered owner requests to security; returns the counts.
 * Run by the job queue's `approval-upkeep` drain (lib/jobs/drains.ts); each transition is a
 * conditional update, so a sweep beside another never expires or escalates a request twice.
 */
export async function sweepAccessRequests(now = new Date()): Promise<{ expired: number; escalated: number }> {
  const db = await getDb();
  const { expired, toEscalate } = await pendingDue(db, now, SWEEP_LIMIT);
  let expiredCount = 0;
  for (const row of expired) {
    // pendingDue only returns a not-yet-overdue pending row when its task is over.
    const after = await expireIfDue(row, now, undefined, true);
    if (after.status === "expired") {
      expiredCount++;
      announce({ id: row.id, status: "expired" });
    }
  }
  let escalated = 0;
  const ctx = systemContext("approval-escalation");
  for (const row of toEscalate) {
    const changed = await db.transaction(async (tx) => {
      const updated = await markEscalated(tx, row.id, now);
      if (!updated) return null;
      await recordAudit(tx, ctx, { action: "access_request.escalate", entityType: "access_request", entityId: row.id, after: { escalatedTo: "security" } });
      const base = getConfig().publicUrl;
      await enqueueNotifications(tx, "access_request.escalated", updated, { consoleUrl: base ?? null, statusEndpoint: null });
      await notifyInTransaction(tx, { id: row.id, status: "pending" });
      return updated;
    });
    if (changed) {
      escalated++;
      announce({ id: row.id, status: "pending" });
    }
  }
  return { expired: expiredCount, escalated };
}
