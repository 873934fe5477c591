import { sql } from "drizzle-orm";
import { bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./users";

export const teams = pgTable("teams", {
  id: text("id").primaryKey(), // team_…
  name: text("name").notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Accountable humans: console users or directory people who own agents. */
export const people = pgTable(
  "people",
  {
    id: text("id").primaryKey(), // per_…
    externalId: text("external_id").unique(),
    name: text("name").notNull(),
    email: text("email").notNull().unique(), // lower-case
    teamId: text("team_id").references(() => teams.id),
    userId: text("user_id").references(() => users.id),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // people_name_idx: the directory's default order (by name) pages by index; email is unique (indexed).
  (table) => [index("people_team_idx").on(table.teamId), index("people_name_idx").on(table.name, table.id)],
);

export const AGENT_STATUSES = ["active", "suspended", "retired", "discovered"] as const;
export const ENVIRONMENTS = ["prod", "staging", "dev"] as const;
export const CREDENTIAL_KINDS = ["task_token", "spiffe", "oauth_client", "static_api_key", "shared_secret"] as const;
export const DATA_SENSITIVITIES = ["public", "internal", "confidential", "restricted"] as const;
export const RISK_TIERS = ["low", "medium", "high", "critical"] as const;
export const IDENTITY_KINDS = ["agent_id", "spiffe_id", "client_id", "alias"] as const;

export const agents = pgTable(
  "agents",
  {
    id: text("id").primaryKey(), // agt_…
    externalId: text("external_id").unique(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    environment: text("environment", { enum: ENVIRONMENTS }),
    status: text("status", { enum: AGENT_STATUSES }).notNull().default("discovered"),
    ownerId: text("owner_id").references(() => people.id),
    backupOwnerId: text("backup_owner_id").references(() => people.id),
    teamId: text("team_id").references(() => teams.id),
    modelProvider: text("model_provider").notNull().default(""),
    framework: text("framework").notNull().default(""),
    /** Declared scope: the actions/tools and resource types the agent is meant to use. */
    declaredActions: jsonb("declared_actions").$type<string[]>().notNull().default([]),
    declaredResourceTypes: jsonb("declared_resource_types").$type<string[]>().notNull().default([]),
    credentialKind: text("credential_kind", { enum: CREDENTIAL_KINDS }),
    credentialMaxLifetimeSeconds: integer("credential_max_lifetime_seconds"),
    credentialLastRotatedAt: timestamp("credential_last_rotated_at", { withTimezone: true }),
    dataSensitivity: text("data_sensitivity", { enum: DATA_SENSITIVITIES }),
    /** Computed from posture, scope, sensitivity and observed behaviour; reasons say why. */
    riskTier: text("risk_tier", { enum: RISK_TIERS }).notNull().default("low"),
    riskReasons: jsonb("risk_reasons").$type<string[]>().notNull().default([]),
    /** A security engineer's override wins over the computed tier; the justification is mandatory. */
    riskOverrideTier: text("risk_override_tier", { enum: RISK_TIERS }),
    riskOverrideJustification: text("risk_override_justification"),
    /** Set when offboarding could not find a backup owner: the agent waits in its team's queue. */
    inTeamQueue: boolean("in_team_queue").notNull().default(false),
    /** 0 low … 3 critical, of the effective tier (override first), so the list can sort by an index. */
    riskRank: integer("risk_rank").generatedAlwaysAs(
      sql`case coalesce(risk_override_tier, risk_tier) when 'critical' then 3 when 'high' then 2 when 'medium' then 1 else 0 end`,
    ),
    lastAttestedAt: timestamp("last_attested_at", { withTimezone: true }),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("agents_owner_idx").on(table.ownerId),
    index("agents_team_idx").on(table.teamId),
    index("agents_status_idx").on(table.status),
    index("agents_backup_owner_idx").on(table.backupOwnerId),
    index("agents_name_idx").on(table.name),
    // One index per list sort order; each is walked forwards or backwards, stopping after a page.
    index("agents_sort_name_idx").on(sql`lower(${table.name})`, table.id),
    index("agents_sort_risk_idx").on(sql`${table.riskRank} desc`, sql`lower(${table.name})`, table.id),
    index("agents_sort_last_seen_idx").on(sql`${table.lastSeenAt} desc nulls last`, sql`${table.id} desc`),
    index("agents_sort_created_idx").on(table.createdAt, table.id),
  ],
);

/**
 * The inventory over time: one row per change of what a report judges about an agent (name, status,
 * environment, owner, backup owner, team, declared scope, credential posture), written by triggers on
 * `agents` in the same transaction as the change — whichever path changes the agent (console, API,
 * import, discovery at ingest, offboarding, attestation). Reports read the row in force at the period's
 * end (`valid_from <= end`, latest first), so later edits or retirements do not move a past period.
 * Agents that existed before this table were backfilled once with their state at migration time,
 * valid from their creation. Rows are never updated or deleted.
 */
export const agentHistory = pgTable(
  "agent_history",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    agentId: text("agent_id").notNull(),
    /** Transaction time of the change (PostgreSQL `now()`), the same clock as the audit rows. */
    validFrom: timestamp("valid_from", { withTimezone: true }).notNull().defaultNow(),
    name: text("name").notNull(),
    status: text("status", { enum: AGENT_STATUSES }).notNull(),
    environment: text("environment", { enum: ENVIRONMENTS }),
    ownerId: text("owner_id"),
    backupOwnerId: text("backup_owner_id"),
    teamId: text("team_id"),
    declaredActions: jsonb("declared_actions").$type<string[]>().notNull(),
    declaredResourceTypes: jsonb("declared_resource_types").$type<string[]>().notNull(),
    credentialKind: text("credential_kind", { enum: CREDENTIAL_KINDS }),
    credentialMaxLifetimeSeconds: integer("credential_max_lifetime_seconds"),
  },
  (table) => [index("agent_history_agent_valid_from_idx").on(table.agentId, sql`${table.validFrom} desc`, sql`${table.id} desc`)],
);

/** The identifiers under which an agent appears in decisions; each is unique across agents. */
export const agentIdentities = pgTable(
  "agent_identities",
  {
    kind: text("kind", { enum: IDENTITY_KINDS }).notNull(),
    value: text("value").notNull(),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
  },
  (table) => [uniqueIndex("agent_identities_kind_value_idx").on(table.kind, table.value), index("agent_identities_agent_idx").on(table.agentId)],
);

export const FINDING_KINDS = [
  "orphaned",
  "stale",
  "discovered",
  "out_of_scope",
  "standing_privilege",
  "no_backup_owner",
  "attestation_overdue",
  "wide_scope",
  "delegation_depth_exceeded",
  "unexpected_trust_domain",
  "standing_credential_in_use",
] as const;
/** Raised by the token service when it sees the event (lib/identity); a person resolves them, the refresh never does. */
export const EVENT_FINDING_KINDS = ["wide_scope", "delegation_depth_exceeded", "unexpected_trust_domain", "standing_credential_in_use"] as const;
export const FINDING_STATUSES = ["open", "resolved", "accepted"] as const;

/** One row per agent and kind; refreshFindings opens, re-opens and auto-resolves them. */
export const findings = pgTable(
  "findings",
  {
    id: text("id").primaryKey(), // fnd_…
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: FINDING_KINDS }).notNull(),
    status: text("status", { enum: FINDING_STATUSES }).notNull().default("open"),
    detail: text("detail").notNull().default(""),
    firstDetectedAt: timestamp("first_detected_at", { withTimezone: true }).notNull().defaultNow(),
    lastDetectedAt: timestamp("last_detected_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    justification: text("justification"),
    acceptedUntil: timestamp("accepted_until", { withTimezone: true }),
    decidedBy: text("decided_by"),
  },
  (table) => [
    uniqueIndex("findings_agent_kind_idx").on(table.agentId, table.kind),
    index("findings_status_kind_idx").on(table.status, table.kind),
    // The agent list reads each row's open findings, and filters by an open kind.
    index("findings_open_agent_idx").on(table.agentId, table.kind).where(sql`status = 'open'`),
  ],
);

/** Open findings per kind per day, written by each refresh, for the dashboard's trend. */
export const findingSnapshots = pgTable(
  "finding_snapshots",
  {
    day: date("day").notNull(),
    kind: text("kind", { enum: FINDING_KINDS }).notNull(),
    openCount: integer("open_count").notNull(),
  },
  (table) => [primaryKey({ columns: [table.day, table.kind] })],
);

/**
 * What each agent has been seen doing: one row per agent and action with the first and last time.
 * Maintained by re-reading only the open days of decisions; min/max make a re-run idempotent.
 */
export const agentActionSeen = pgTable(
  "agent_action_seen",
  {
    agentId: text("agent_id").notNull(),
    actionName: text("action_name").notNull(),
    firstAt: timestamp("first_at", { withTimezone: true }).notNull(),
    lastAt: timestamp("last_at", { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.agentId, table.actionName] }), index("agent_action_seen_last_idx").on(table.lastAt)],
);

/** Decisions and denies per agent and day; open days are deleted and recomputed on each refresh. */
export const agentActivityDaily = pgTable(
  "agent_activity_daily",
  {
    agentId: text("agent_id").notNull(),
    day: date("day").notNull(),
    decisions: bigint("decisions", { mode: "number" }).notNull(),
    denies: bigint("denies", { mode: "number" }).notNull(),
    lastAt: timestamp("last_at", { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.agentId, table.day] }), index("agent_activity_daily_day_idx").on(table.day)],
);

/** Delegation edges from decisions: `delegator_ref` (as enforcement points name it) handed work to `agent_id`. */
export const agentDelegationDaily = pgTable(
  "agent_delegation_daily",
  {
    delegatorRef: text("delegator_ref").notNull(),
    agentId: text("agent_id").notNull(),
    day: date("day").notNull(),
    decisions: bigint("decisions", { mode: "number" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.delegatorRef, table.agentId, table.day] }), index("agent_delegation_daily_day_idx").on(table.day)],
);

/**
 * Decisions per day grouped by every decision property the framework evidence reads (agent, action,
 * outcome, enforcement point, workload identity, delegation depth). Only facts of the decisions
 * themselves: what depends on agents, enforcement points or settings is joined at report time, so a
 * rolled-up day stays right whatever changes in the console. Reports trust a day only once it is
 * closed (see `trustedEvidenceDays`).
 */
export const decisionEvidenceDaily = pgTable(
  "decision_evidence_daily",
  {
    day: date("day").notNull(),
    agentId: text("agent_id").notNull(),
    actionName: text("action_name").notNull(),
    outcome: text("outcome").notNull(),
    enforcementPointId: text("enforcement_point_id").notNull(),
    /** client_id, else spiffe_id, as the enforcement point reported it. */
    identity: text("identity"),
    depth: integer("depth").notNull(),
    /** The facts recorded with each decision at ingest (null: recorded before they were; judged at report time). */
    inDeclaredScope: boolean("in_declared_scope"),
    destructive: boolean("destructive"),
    crossEnvironment: boolean("cross_environment"),
    agentOffboarded: boolean("agent_offboarded"),
    decisions: bigint("decisions", { mode: "number" }).notNull(),
  },
  (table) => [index("decision_evidence_daily_day_agent_idx").on(table.day, table.agentId)],
);

/**
 * Days that received decisions after they had closed (late arrivals), written in the ingest
 * transaction; the next activity refresh recomputes those days and removes the rows it handled.
 */
export const decisionDaysChanged = pgTable("decision_days_changed", { day: date("day").notNull() }, (table) => [index("decision_days_changed_day_idx").on(table.day)]);

/** How far the activity rollup has got: days on or after `openFrom` are recomputed next time. */
export const activityRollupState = pgTable("activity_rollup_state", {
  id: integer("id").primaryKey(), // always 1
  openFrom: date("open_from"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  /** `decision_outcome_hourly` counts the decisions with a time before this (as of the last refresh); later ones are read live. */
  outcomesUntil: timestamp("outcomes_until", { withTimezone: true }),
});

/**
 * Decisions per UTC hour and outcome, for the Overview's counts and charts (written by the activity
 * refresh, like the other rollups; only times before `activity_rollup_state.outcomes_until`).
 */
export const decisionOutcomeHourly = pgTable(
  "decision_outcome_hourly",
  {
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    outcome: text("outcome").notNull(),
    decisions: bigint("decisions", { mode: "number" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.hour, table.outcome] })],
);

export const attestationCampaigns = pgTable("attestation_campaigns", {
  id: text("id").primaryKey(), // atc_…
  name: text("name").notNull(),
  startedBy: text("started_by").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
  closedAt: timestamp("closed_at", { withTimezone: true }),
});

export const ATTESTATION_OUTCOMES = ["confirmed", "narrowed", "transferred", "retired"] as const;

/** One owner's answer for one agent; campaign_id is null for an attestation outside a campaign. */
export const attestations = pgTable(
  "attestations",
  {
    id: text("id").primaryKey(), // att_…
    campaignId: text("campaign_id").references(() => attestationCampaigns.id),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    ownerId: text("owner_id").references(() => people.id),
    outcome: text("outcome", { enum: ATTESTATION_OUTCOMES }),
    note: text("note").notNull().default(""),
    attestedAt: timestamp("attested_at", { withTimezone: true }),
    attestedBy: text("attested_by"),
  },
  (table) => [index("attestations_campaign_idx").on(table.campaignId), index("attestations_agent_idx").on(table.agentId)],
);
