import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const ACCESS_REQUEST_STATUSES = ["pending", "approved", "denied", "expired", "cancelled"] as const;
export type AccessRequestStatus = (typeof ACCESS_REQUEST_STATUSES)[number];
export const APPROVER_GROUPS = ["owner", "security"] as const;
export type ApproverGroup = (typeof APPROVER_GROUPS)[number];

/**
 * Access requests (AuthZEN Access Request and Approval Profile): a requestable denial someone asked
 * to lift. Status moves pending → approved | denied | expired | cancelled exactly once (the
 * transition is a conditional UPDATE … WHERE status = 'pending'). The bound request (subject,
 * action, resource, authorization-relevant context) is what the binding token signed; re-evaluation
 * compares the new request's binding hash against `binding_hash`.
 */
export const accessRequests = pgTable(
  "access_requests",
  {
    id: text("id").primaryKey(), // arq_… (random, unguessable)
    status: text("status", { enum: ACCESS_REQUEST_STATUSES }).notNull().default("pending"),
    /** Who submitted it: "ep:<enforcement point id>" or "usr:<user id>" (idempotency is per requester). */
    requesterKey: text("requester_key").notNull(),
    requesterLabel: text("requester_label").notNull(),
    idempotencyKey: text("idempotency_key"),
    /** SHA-256 of the canonical submission body, to refuse a reused key with another body. */
    submissionHash: text("submission_hash").notNull(),
    bindingJti: text("binding_jti").notNull(),
    bindingHash: text("binding_hash").notNull(),
    evaluationId: text("evaluation_id"),
    subject: jsonb("subject").notNull(),
    action: jsonb("action").notNull(),
    resource: jsonb("resource").notNull(),
    /** The authorization-relevant context that was bound (arguments included). */
    boundContext: jsonb("bound_context").notNull(),
    agentId: text("agent_id"),
    taskId: text("task_id"),
    taskPurpose: text("task_purpose"),
    /** Who started the task (person id or e-mail), as the PDP bound it; refused as approver under four-eyes. */
    initiator: text("initiator"),
    delegation: jsonb("delegation").$type<string[]>().notNull().default([]),
    policyRevision: integer("policy_revision"),
    /** The requestable forbid policies that determined the denial. */
    policies: jsonb("policies").$type<string[]>().notNull(),
    /** Approver groups that must each approve (one person per group; "owner+security" → both). */
    requiredGroups: jsonb("required_groups").$type<ApproverGroup[]>().notNull(),
    fourEyes: boolean("four_eyes").notNull().default(false),
    /** Seconds an approval stays valid for repeated identical calls (@approval_ttl); null → one use. */
    reuseSeconds: integer("reuse_seconds"),
    justification: text("justification").notNull().default(""),
    callbackUrl: text("callback_url"),
    callbackState: text("callback_state"),
    /** Approvals given so far: [{ group, userId, label, at, comment }]. */
    approvals: jsonb("approvals").$type<{ group: ApproverGroup; userId: string; label: string; at: string; comment: string }[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    escalateAt: timestamp("escalate_at", { withTimezone: true }),
    /**
     * Until when the submitting PEP holds the agent's call open waiting for the decision (the
     * submission's optional `held_until`, at most `expires_at`); null when it holds nothing. Set once,
     * at submission: the first held call's deadline (docs/approvals.md, "held_until").
     */
    heldUntil: timestamp("held_until", { withTimezone: true }),
    escalatedAt: timestamp("escalated_at", { withTimezone: true }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decidedBy: text("decided_by"),
    decidedByLabel: text("decided_by_label"),
    comment: text("comment"),
    /** apr_… once approved: what the PEP puts at context.approval.id. */
    approvalId: text("approval_id").unique(),
    approvedUntil: timestamp("approved_until", { withTimezone: true }),
    /** Set when a one-use approval let a re-evaluation pass. */
    usedAt: timestamp("used_at", { withTimezone: true }),
    /** The decision record of the re-evaluation that used it. */
    usedByDecision: text("used_by_decision"),
  },
  (table) => [
    uniqueIndex("access_requests_idempotency_idx").on(table.requesterKey, table.idempotencyKey).where(sql`idempotency_key is not null`),
    index("access_requests_pending_idx").on(table.createdAt).where(sql`status = 'pending'`),
    index("access_requests_agent_idx").on(table.agentId, table.createdAt),
    index("access_requests_created_idx").on(table.createdAt, table.id),
    // The inbox's default order (soonest expiry first) and the expiry sweep.
    index("access_requests_expires_idx").on(table.expiresAt, table.id),
    // A binding token (its jti) opens at most one access request: a replayed token finds that one.
    uniqueIndex("access_requests_binding_jti_idx").on(table.bindingJti),
  ],
);

export const WEBHOOK_PRESETS = ["slack", "generic"] as const;
export const WEBHOOK_GROUPS = ["owner", "security", "all"] as const;

/** Notification targets per approver group; the signing secret is stored encrypted (AES-GCM). */
export const approvalWebhooks = pgTable("approval_webhooks", {
  id: text("id").primaryKey(), // awh_…
  name: text("name").notNull(),
  approverGroup: text("approver_group", { enum: WEBHOOK_GROUPS }).notNull(),
  preset: text("preset", { enum: WEBHOOK_PRESETS }).notNull(),
  url: text("url").notNull(),
  secretEncrypted: text("secret_encrypted").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const DELIVERY_KINDS = ["webhook", "callback", "test"] as const;
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

/**
 * Outbox of signed notifications (approver webhooks and PEP callbacks), written in the same
 * transaction as the change they announce and delivered with retries until a 2xx.
 */
export const approvalDeliveries = pgTable(
  "approval_deliveries",
  {
    id: text("id").primaryKey(), // dlv_… (also the Standard Webhooks webhook-id)
    kind: text("kind", { enum: DELIVERY_KINDS }).notNull(),
    webhookId: text("webhook_id"),
    accessRequestId: text("access_request_id"),
    event: text("event").notNull(),
    url: text("url").notNull(),
    payload: jsonb("payload").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(8),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("approval_deliveries_due_idx").on(table.nextAttemptAt).where(sql`status = 'pending'`),
    index("approval_deliveries_webhook_idx").on(table.webhookId, table.createdAt),
    index("approval_deliveries_request_idx").on(table.accessRequestId),
  ],
);
