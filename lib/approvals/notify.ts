import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import { getDb, type Executor } from "@/db/client";
import { claimDueDeliveries, deleteWebhookRow, getWebhook, insertDeliveries, insertWebhook, listDeliveries, listWebhooks, updateDelivery, type AccessRequestRow, type DeliveryRow, type NewDeliveryRow, type WebhookRow } from "@/db/approvals";
import { WEBHOOK_GROUPS, WEBHOOK_PRESETS } from "@/db/enums";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { getConfig } from "../config";
import { withTransaction, type Ctx } from "../context";
import { notFound, StewardError } from "../errors";
import { newId } from "../ids";

/**
 * Signed notifications, all through one outbox (approval_deliveries) written in the transaction of
 * the change they announce, so nothing committed goes unannounced:
 *  - approver webhooks per group (Slack-compatible incoming-webhook payload, or generic JSON);
 *  - the PEP's per-request callback (the profile's callback completion).
 * Every delivery is signed by the Standard Webhooks scheme (webhook-id, webhook-timestamp,
 * webhook-signature: v1,base64(HMAC-SHA256)) and retried with exponential backoff until a 2xx.
 */

// ---- secrets -------------------------------------------------------------------------------

function keyFor(purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", getConfig().authSecret, "steward", purpose, 32));
}

/** AES-256-GCM under a key derived from AUTH_SECRET: the webhook secret must be recoverable to sign. */
export function encryptSecret(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor("steward approval webhook secrets v1"), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export function decryptSecret(stored: string): string {
  const [version, iv, tag, body] = stored.split(".");
  if (version !== "v1" || !iv || !tag || !body) throw new Error("unreadable webhook secret");
  const decipher = createDecipheriv("aes-256-gcm", keyFor("steward approval webhook secrets v1"), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

/**
 * The Standard Webhooks secret a PEP verifies its callbacks with: derived per task, so nothing is
 * stored, and returned to the submitter in the access-request response.
 */
export function callbackSecret(taskId: string): string {
  return `whsec_${createHmac("sha256", keyFor("steward approval callback secrets v1")).update(taskId).digest("base64")}`;
}

// ---- payloads ------------------------------------------------------------------------------

export type ApprovalEvent = "access_request.created" | "access_request.escalated" | "access_request.approved" | "access_request.denied" | "access_request.expired" | "access_request.cancelled" | "test";

function summary(row: AccessRequestRow) {
  const action = row.action as { name?: string };
  return {
    id: row.id,
    status: row.status,
    agent_id: row.agentId,
    action: action.name ?? "",
    resource: row.resource,
    policies: row.policies,
    approvers: row.requiredGroups,
    justification: row.justification,
    expires_at: row.expiresAt.toISOString(),
  };
}

function webhookPayload(preset: WebhookRow["preset"], event: ApprovalEvent, row: AccessRequestRow | null, consoleUrl: string | null): unknown {
  const link = row && consoleUrl ? `${consoleUrl.replace(/\/$/, "")}/approvals?request=${row.id}` : null;
  if (preset === "slack") {
    const text = row
      ? `*${event.replace("access_request.", "Access request ")}*: agent \`${row.agentId ?? "unknown"}\` wants \`${(row.action as { name?: string }).name ?? ""}\` (policy ${row.policies.join(", ")}).${row.justification ? ` Justification: ${row.justification}` : ""}${link ? ` <${link}|Open in Steward>` : ""}`
      : "Steward test notification: this webhook is reachable and signed.";
    return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
  }
  return { type: event, timestamp: new Date().toISOString(), data: row ? { ...summary(row), ...(link ? { url: link } : {}) } : { message: "Steward test notification" } };
}

/** The profile's callback body: notification-only (no enforceable result; the PEP re-reads the task). */
function callbackPayload(row: AccessRequestRow, statusEndpoint: string) {
  return { ...(row.callbackState ? { state: row.callbackState } : {}), task: { id: row.id, status: row.status, status_endpoint: statusEndpoint } };
}

// ---- enqueue -------------------------------------------------------------------------------

const GROUP_EVENTS: Record<string, (group: string, row: AccessRequestRow) => boolean> = {
  "access_request.created": (group, row) => group === "all" || row.requiredGroups.includes(group as "owner" | "security"),
  "access_request.escalated": (group) => group === "all" || group === "security",
};

/**
 * In the caller's transaction: one delivery per enabled webhook interested in the event, and the
 * PEP callback on a terminal status.
 */
export async function enqueueNotifications(tx: Executor, event: ApprovalEvent, row: AccessRequestRow, options: { consoleUrl: string | null; statusEndpoint: string | null; webhooks?: WebhookRow[] }): Promise<void> {
  const deliveries: NewDeliveryRow[] = [];
  const wants = GROUP_EVENTS[event];
  if (wants) {
    for (const hook of options.webhooks ?? (await listWebhooks(tx))) {
      if (!hook.enabled || !wants(hook.approverGroup, row)) continue;
      deliveries.push({ id: newId("dlv"), kind: "webhook", webhookId: hook.id, accessRequestId: row.id, event, url: hook.url, payload: webhookPayload(hook.preset, event, row, options.consoleUrl) });
    }
  }
  if (row.callbackUrl && row.status !== "pending" && options.statusEndpoint) {
    deliveries.push({ id: newId("dlv"), kind: "callback", accessRequestId: row.id, event, url: row.callbackUrl, payload: callbackPayload(row, options.statusEndpoint) });
  }
  await insertDeliveries(tx, deliveries);
}

// ---- delivery worker -------------------------------------------------------------------------

const DELIVERY_TIMEOUT_MS = 10_000;
/** Backoff after attempt n (1-based): 1 s, 2 s, 4 s … capped at 10 minutes. */
export const backoffMs = (attempt: number) => Math.min(600_000, 1000 * 2 ** (attempt - 1));

async function signingSecret(db: Executor, delivery: DeliveryRow): Promise<string | null> {
  if (delivery.kind === "callback") return delivery.accessRequestId ? callbackSecret(delivery.accessRequestId) : null;
  const hook = delivery.webhookId ? await getWebhook(db, delivery.webhookId) : undefined;
  return hook ? decryptSecret(hook.secretEncrypted) : null;
}

/** One attempt: POST the signed body; a 2xx marks it delivered, anything else schedules a retry (or gives up). */
export async function attemptDelivery(db: Executor, delivery: DeliveryRow, now = new Date()): Promise<"delivered" | "retry" | "failed"> {
  const attempts = delivery.attempts + 1;
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const secret = await signingSecret(db, delivery);
    if (!secret) throw new Error("the webhook no longer exists");
    const body = JSON.stringify(delivery.payload);
    const signature = new Webhook(secret).sign(delivery.id, now, body);
    const response = await fetch(delivery.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Steward-Webhooks/1", "webhook-id": delivery.id, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": signature },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    statusCode = response.status;
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) {
      await updateDelivery(db, delivery.id, { status: "delivered", attempts, lastStatusCode: statusCode, lastError: null, deliveredAt: new Date() });
      return "delivered";
    }
    error = `HTTP ${response.status}`;
  } catch (caught) {
    error = (caught as Error).message.slice(0, 500);
  }
  const failed = attempts >= delivery.maxAttempts;
  await updateDelivery(db, delivery.id, { status: failed ? "failed" : "pending", attempts, lastStatusCode: statusCode, lastError: error, nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)) });
  return failed ? "failed" : "retry";
}

/** Sends every delivery due at `now` once; returns how many were attempted. */
export async function deliverDue(now = new Date(), db?: Executor): Promise<number> {
  const executor = db ?? (await getDb());
  const due = await claimDueDeliveries(executor, now, 50, 60_000);
  await Promise.all(due.map((delivery) => attemptDelivery(executor, delivery, now)));
  return due.length;
}

// ---- webhook management --------------------------------------------------------------------

export const CreateWebhookInput = z.object({
  name: z.string().trim().min(1).max(100),
  approverGroup: z.enum(WEBHOOK_GROUPS).describe("Which approvers it notifies: owner, security, or all"),
  preset: z.enum(WEBHOOK_PRESETS).describe("slack: Slack-compatible incoming-webhook body ({text, blocks}); generic: {type, timestamp, data}"),
  url: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//i.test(value), "Use an http(s) URL"),
});

export type WebhookView = { id: string; name: string; approverGroup: string; preset: string; url: string; enabled: boolean; createdAt: string };
const toView = (row: WebhookRow): WebhookView => ({ id: row.id, name: row.name, approverGroup: row.approverGroup, preset: row.preset, url: row.url, enabled: row.enabled, createdAt: row.createdAt.toISOString() });

/** Registers a webhook; its signing secret (whsec_…) is returned once and stored encrypted. */
export async function createWebhook({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ webhook: WebhookView; secret: string }> {
  requirePermission(ctx.actor, "approvals.manage_webhooks");
  const parsed = CreateWebhookInput.parse(input);
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  return withTransaction(ctx, async (tx) => {
    const row = await insertWebhook(tx, { id: newId("awh"), ...parsed, secretEncrypted: encryptSecret(secret) });
    await recordAudit(tx, ctx, { action: "approval_webhook.create", entityType: "approval_webhook", entityId: row!.id, after: toView(row!) });
    return { webhook: toView(row!), secret };
  });
}

export async function deleteWebhook({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  requirePermission(ctx.actor, "approvals.manage_webhooks");
  await withTransaction(ctx, async (tx) => {
    const row = await getWebhook(tx, id);
    if (!row) throw notFound("Webhook", id);
    await deleteWebhookRow(tx, id);
    await recordAudit(tx, ctx, { action: "approval_webhook.delete", entityType: "approval_webhook", entityId: id, before: toView(row) });
  });
}

export async function listApprovalWebhooks({ ctx }: { ctx: Ctx }): Promise<WebhookView[]> {
  requirePermission(ctx.actor, "approvals.read");
  return (await listWebhooks(ctx.tx ?? (await getDb()))).map(toView);
}

/** "Send test": queues a signed test delivery to the webhook and returns it. */
export async function sendTestWebhook({ ctx, id, consoleUrl }: { ctx: Ctx; id: string; consoleUrl: string | null }): Promise<{ deliveryId: string }> {
  requirePermission(ctx.actor, "approvals.manage_webhooks");
  return withTransaction(ctx, async (tx) => {
    const hook = await getWebhook(tx, id);
    if (!hook) throw notFound("Webhook", id);
    if (!hook.enabled) throw new StewardError("conflict", "The webhook is disabled");
    const deliveryId = newId("dlv");
    await insertDeliveries(tx, [{ id: deliveryId, kind: "test", webhookId: hook.id, event: "test", url: hook.url, payload: webhookPayload(hook.preset, "test", null, consoleUrl), maxAttempts: 3 }]);
    await recordAudit(tx, ctx, { action: "approval_webhook.test", entityType: "approval_webhook", entityId: id });
    return { deliveryId };
  });
}

export type DeliveryView = { id: string; kind: string; webhookId: string | null; accessRequestId: string | null; event: string; url: string; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null; nextAttemptAt: string; deliveredAt: string | null; createdAt: string };

export async function listApprovalDeliveries({ ctx, webhookId, accessRequestId }: { ctx: Ctx; webhookId?: string; accessRequestId?: string }): Promise<DeliveryView[]> {
  requirePermission(ctx.actor, "approvals.read");
  const rows = await listDeliveries(ctx.tx ?? (await getDb()), { webhookId, accessRequestId, limit: 200 });
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    webhookId: row.webhookId,
    accessRequestId: row.accessRequestId,
    event: row.event,
    url: row.url,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  }));
}
