import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { xid8 } from "./xid8";


export const DESTINATION_KINDS = ["webhook", "slack", "splunk_hec", "syslog", "otlp_logs"] as const;
export const DESTINATION_STREAMS = ["decisions", "audit", "alerts"] as const;

/**
 * Where Steward sends events. Secrets (signing secret, HEC token, URL with a key in it, OTLP headers)
 * are sealed with the console's secret key and never read back out through the API.
 *
 * Each stream has its own durable cursor, advanced only after the receiver acknowledged a batch:
 * - decisions: the position in decision_keys ordered by (xid, enforcement_point_id, decision_id);
 *   only transactions older than the oldest one still running are read, so no commit is skipped.
 * - audit: audit_log.seq (appends are serialised by the audit chain lock, so seq is commit order).
 * - alerts: alerts.seq (written by the single alert evaluator under its lock).
 */
export const destinations = pgTable("destinations", {
  id: text("id").primaryKey(), // dst_…
  name: text("name").notNull().unique(),
  kind: text("kind", { enum: DESTINATION_KINDS }).notNull(),
  /** Non-secret settings: host/port for syslog, index/sourcetype for Splunk, the URL when it holds no secret. */
  config: jsonb("config").$type<Record<string, unknown>>().notNull().default({}),
  /** AES-256-GCM sealed JSON of the secret settings. */
  sealedSecret: text("sealed_secret").notNull(),
  streams: jsonb("streams").$type<string[]>().notNull().default([]),
  /** Decision filter: { outcomes?, agentIds?, enforcementPointIds?, actions? } — empty means every decision. */
  decisionFilter: jsonb("decision_filter").$type<Record<string, string[]>>().notNull().default({}),
  /** Loopback and private networks are refused unless an administrator allowed them for this destination. */
  allowPrivateNetwork: boolean("allow_private_network").notNull().default(false),
  enabled: boolean("enabled").notNull().default(true),
  /** Events older than this are dropped from the backlog (recorded and alerted), so a dead receiver cannot pin history. */
  maxBacklogDays: integer("max_backlog_days").notNull().default(7),
  decisionCursorXid: xid8("decision_cursor_xid").notNull().default(sql`pg_snapshot_xmin(pg_current_snapshot())`),
  decisionCursorEp: text("decision_cursor_ep").notNull().default(""),
  decisionCursorId: text("decision_cursor_id").notNull().default(""),
  /** Set at creation to the newest audit row: a new destination receives what happens from then on. */
  auditCursor: bigint("audit_cursor", { mode: "number" }).notNull().default(0),
  alertCursor: bigint("alert_cursor", { mode: "number" }).notNull().default(0),
  /** Set when the receiver refused a batch with a 4xx that retrying cannot fix: delivery waits for an admin. */
  pausedReason: text("paused_reason"),
  consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
  lastDeliveredAt: timestamp("last_delivered_at", { withTimezone: true }),
  lastErrorAt: timestamp("last_error_at", { withTimezone: true }),
  lastError: text("last_error"),
  /** The process delivering for this destination until leaseUntil: one sender per destination across a fleet, without holding a transaction open over network I/O. */
  leaseOwner: text("lease_owner"),
  leaseUntil: timestamp("lease_until", { withTimezone: true }),
  droppedEvents: bigint("dropped_events", { mode: "number" }).notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One row per delivery attempt (a batch or a test), newest kept; excerpts are bounded and never hold our secrets. */
export const destinationDeliveries = pgTable(
  "destination_deliveries",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    destinationId: text("destination_id").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    stream: text("stream").notNull(), // decisions | audit | alerts | test
    batchId: text("batch_id").notNull(),
    events: integer("events").notNull(),
    outcome: text("outcome", { enum: ["delivered", "retrying", "paused", "dropped", "failed"] }).notNull(),
    status: integer("status"),
    latencyMs: integer("latency_ms"),
    responseExcerpt: text("response_excerpt").notNull().default(""),
  },
  (table) => [index("destination_deliveries_dst_idx").on(table.destinationId, table.seq)],
);

export const ALERT_RULE_KINDS = ["shadow_agent", "out_of_scope", "deny_rate", "ep_silent", "ep_rejecting", "policy_never_matches", "finding_opened", "approval_waiting"] as const;
export const SEVERITIES = ["low", "medium", "high", "critical"] as const;

export const alertRules = pgTable("alert_rules", {
  id: text("id").primaryKey(), // alr_…
  name: text("name").notNull(),
  kind: text("kind", { enum: ALERT_RULE_KINDS }).notNull(),
  /** Kind-specific thresholds, validated by lib/outbound/alert-rules.ts. */
  params: jsonb("params").$type<Record<string, unknown>>().notNull().default({}),
  severity: text("severity", { enum: SEVERITIES }).notNull(),
  destinationId: text("destination_id"),
  cooldownMinutes: integer("cooldown_minutes").notNull().default(15),
  enabled: boolean("enabled").notNull().default(true),
  /** How far this rule has looked (decisions/findings/agents after this instant are new). */
  checkedUntil: timestamp("checked_until", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;

/**
 * Fired alerts. One open alert per (rule, group key): a condition that holds again within the
 * cooldown adds to its count instead of opening another.
 */
export const alerts = pgTable(
  "alerts",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    id: text("id").notNull().unique(), // alt_…
    ruleId: text("rule_id").notNull(),
    groupKey: text("group_key").notNull(),
    severity: text("severity", { enum: SEVERITIES }).notNull(),
    title: text("title").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    status: text("status", { enum: ALERT_STATUSES }).notNull().default("open"),
    occurrences: integer("occurrences").notNull().default(1),
    firstAt: timestamp("first_at", { withTimezone: true }).notNull(),
    lastAt: timestamp("last_at", { withTimezone: true }).notNull(),
    acknowledgedBy: text("acknowledged_by"),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    resolvedBy: text("resolved_by"),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (table) => [index("alerts_rule_group_idx").on(table.ruleId, table.groupKey), index("alerts_status_idx").on(table.status, table.lastAt)],
);
