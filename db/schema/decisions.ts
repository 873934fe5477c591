import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { xid8 } from "./xid8";

export const ENFORCEMENT_POINT_KINDS = ["mcp-gateway", "api-gateway", "policy-engine", "sidecar", "other"] as const;
export const OUTCOMES = ["allow", "deny", "approval_required", "error"] as const;

export const enforcementPoints = pgTable("enforcement_points", {
  id: text("id").primaryKey(), // ep_…
  name: text("name").notNull().unique(),
  kind: text("kind", { enum: ENFORCEMENT_POINT_KINDS }).notNull(),
  environment: text("environment").notNull().default(""),
  description: text("description").notNull().default(""),
  enabled: boolean("enabled").notNull().default(true),
  reportedPolicyRevision: text("reported_policy_revision"),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
  /** Where agent, action, resource and verdict live in this EP's OPA decision-log events. */
  opaMapping: jsonb("opa_mapping").$type<Record<string, string>>().notNull().default({}),
  /**
   * The audiences (RFC 8707 resource URIs) this EP serves, as an administrator registered them: a
   * secret is released to it only for a task token issued for one of them (lib/identity/secret-store.ts).
   */
  audiences: jsonb("audiences").$type<string[]>().notNull().default([]),
  lastRejectedAt: timestamp("last_rejected_at", { withTimezone: true }),
  lastRejectedReason: text("last_rejected_reason"),
  /** OTLP log records received that described no authorization or tool call: counted, not stored. */
  skippedRecords: bigint("skipped_records", { mode: "number" }).notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Recorded decisions. The migration creates this table range-partitioned by day on `time`
 * (see the custom migration); drizzle only needs the columns to build queries.
 */
export const decisions = pgTable(
  "decisions",
  {
    enforcementPointId: text("enforcement_point_id").notNull(),
    decisionId: text("decision_id").notNull(),
    time: timestamp("time", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    /** The resolved inventory agent (agt_…); discovered agents are created on ingest. */
    agentId: text("agent_id").notNull(),
    agentRef: text("agent_ref").notNull(), // the agent.id as the EP sent it
    spiffeId: text("spiffe_id"),
    clientId: text("client_id"),
    actionName: text("action_name").notNull(),
    actionKind: text("action_kind"),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id").notNull(),
    resourceProperties: jsonb("resource_properties"),
    destination: text("destination"),
    outcome: text("outcome", { enum: OUTCOMES }).notNull(),
    reasons: jsonb("reasons").$type<string[]>().notNull().default([]),
    policyRevision: text("policy_revision"),
    taskId: text("task_id"),
    traceId: text("trace_id"),
    spanId: text("span_id"),
    parentSpanId: text("parent_span_id"),
    /** Acting agents' ids, outermost first. */
    delegation: jsonb("delegation").$type<string[]>(),
    /** The AuthZEN-shaped request that was evaluated, kept for replay. */
    request: jsonb("request"),
    latencyMs: doublePrecision("latency_ms"),
    context: jsonb("context"),
    contentHash: text("content_hash").notNull(),
    /**
     * Facts a control judges, recorded when the decision arrives (null on decisions recorded before
     * they were: reports then judge those against the inventory as it is). Later changes to the
     * agent, the enforcement point or the catalog never change them. See docs/frameworks.md.
     */
    /** The action was in the agent's declared actions at ingest. */
    inDeclaredScope: boolean("in_declared_scope"),
    /** The action was destructive (reported flag from the tool catalog / entity flags, else the verbs). */
    destructive: boolean("destructive"),
    /** The enforcement point's environment differed from the agent's at ingest (null when either had none, or before ingest judged it). */
    crossEnvironment: boolean("cross_environment"),
    /** The agent was retired or suspended at ingest. */
    agentOffboarded: boolean("agent_offboarded"),
  },
  (table) => [
    primaryKey({ columns: [table.enforcementPointId, table.decisionId, table.time] }),
    index("decisions_time_idx").on(table.time),
    index("decisions_agent_time_idx").on(table.agentId, table.time),
    index("decisions_outcome_time_idx").on(table.outcome, table.time),
    index("decisions_trace_idx").on(table.traceId),
    index("decisions_task_idx").on(table.taskId),
    index("decisions_ep_time_idx").on(table.enforcementPointId, table.time),
  ],
);

/**
 * Ingest tokens of an enforcement point. Rotation keeps the old token alive until `expiresAt`
 * (the grace period); revocation ends every token at once. Only the SHA-256 is stored.
 */
export const enforcementPointTokens = pgTable(
  "enforcement_point_tokens",
  {
    id: text("id").primaryKey(), // ept_…
    enforcementPointId: text("enforcement_point_id")
      .notNull()
      .references(() => enforcementPoints.id, { onDelete: "cascade" }),
    prefix: text("prefix").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [index("enforcement_point_tokens_ep_idx").on(table.enforcementPointId)],
);

/**
 * One row per (EP, decision id) ever accepted: the partitioned `decisions` table cannot enforce
 * uniqueness across days, so retries and conflicting re-uses of an id are recognised here.
 */
export const decisionKeys = pgTable(
  "decision_keys",
  {
    enforcementPointId: text("enforcement_point_id").notNull(),
    decisionId: text("decision_id").notNull(),
    contentHash: text("content_hash").notNull(),
    time: timestamp("time", { withTimezone: true }).notNull(),
    /** The claiming transaction: outbound delivery reads keys in commit-safe order (see db/schema/outbound.ts). */
    xid: xid8("xid").notNull().default(sql`pg_current_xact_id()`),
  },
  (table) => [
    primaryKey({ columns: [table.enforcementPointId, table.decisionId] }),
    index("decision_keys_xid_idx").on(table.xid, table.enforcementPointId, table.decisionId),
    // Retention deletes keys past the cutoff (steward_drop_decision_partitions_before) every hour: a BRIN
    // index (keys arrive in about time order; a few blocks per billion rows) spares it a full-table scan.
    index("decision_keys_time_brin").using("brin", table.time),
  ],
);

/** Items that were received but could not be recorded (invalid, or an id re-used with other content). */
export const decisionQuarantine = pgTable(
  "decision_quarantine",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    enforcementPointId: text("enforcement_point_id").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    /** The item's id if it had a readable one. */
    decisionId: text("decision_id"),
    /** invalid, conflict (an id re-used with other content), or rejected (a request refused whole: raw is its first 64 KiB). */
    reason: text("reason", { enum: ["invalid", "conflict", "rejected"] }).notNull(),
    path: text("path").notNull(),
    message: text("message").notNull(),
    /** The item exactly as received (JSON text), so nothing is lost. */
    raw: text("raw").notNull(),
    /** SHA-256 of raw + message: a retried batch does not quarantine the same item twice. */
    rawHash: text("raw_hash").notNull(),
    batchIndex: integer("batch_index").notNull(),
  },
  (table) => [uniqueIndex("decision_quarantine_ep_hash_idx").on(table.enforcementPointId, table.rawHash), index("decision_quarantine_received_idx").on(table.receivedAt)],
);
