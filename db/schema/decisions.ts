import { boolean, doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

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
  },
  (table) => [
    primaryKey({ columns: [table.enforcementPointId, table.decisionId, table.time] }),
    index("decisions_time_idx").on(table.time),
    index("decisions_agent_time_idx").on(table.agentId, table.time),
    index("decisions_outcome_time_idx").on(table.outcome, table.time),
    index("decisions_trace_idx").on(table.traceId),
  ],
);
