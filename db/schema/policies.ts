import { bigint, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The policy studio. The draft is the working copy (policies, tests, and one workspace row holding
 * the Cedar schema and admin-added entities); publishing freezes all of it into an immutable
 * version row, so schema and entities are versioned together with the policies.
 */
export const policies = pgTable("policies", {
  id: text("id").primaryKey(), // pol_… — also the Cedar policy id, so determining policies name it
  description: text("description").notNull().default(""),
  owner: text("owner").notNull().default(""),
  /** Framework item ids this policy serves as evidence for, e.g. "ASI02", "NHI7:2025". */
  frameworkTags: jsonb("framework_tags").$type<string[]>().notNull().default([]),
  source: text("source").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text("updated_by"),
});

export const policyTests = pgTable("policy_tests", {
  id: text("id").primaryKey(), // ptst_…
  name: text("name").notNull(),
  /** { principal, action, resource, context } with Cedar entity uids. */
  request: jsonb("request").notNull(),
  /** Cedar entity JSON the test adds to the admin-added entities. */
  entities: jsonb("entities").notNull().default([]),
  expectedDecision: text("expected_decision", { enum: ["allow", "deny"] }).notNull(),
  /** When set, the determining policies must be exactly these. */
  expectedPolicies: jsonb("expected_policies").$type<string[] | null>(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** The draft's single workspace row (id "draft"): schema, admin entities, who edited since the last publish. */
export const policyWorkspace = pgTable("policy_workspace", {
  id: text("id").primaryKey(),
  schemaText: text("schema_text").notNull(),
  entities: jsonb("entities").notNull().default([]),
  /** User ids who changed the draft since the last publish; none of them may approve it. */
  editorIds: jsonb("editor_ids").$type<string[]>().notNull().default([]),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Immutable published versions. Rows are only ever inserted. */
export const policyVersions = pgTable(
  "policy_versions",
  {
    id: text("id").primaryKey(), // pv_…
    revision: integer("revision").notNull().unique(),
    message: text("message").notNull(),
    authorId: text("author_id"),
    authorLabel: text("author_label").notNull(),
    contentHash: text("content_hash").notNull(),
    /** The frozen policy set: { policies, schemaText, entities, tests }. */
    content: jsonb("content").notNull(),
    /** Set when this version re-publishes an older one (rollback). */
    rolledBackFrom: integer("rolled_back_from"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("policy_versions_created_idx").on(table.createdAt)],
);

/** Four-eyes approvals, each bound to the exact draft content it approved. */
export const policyApprovals = pgTable(
  "policy_approvals",
  {
    id: text("id").primaryKey(), // pap_…
    contentHash: text("content_hash").notNull(),
    approvedBy: text("approved_by").notNull(),
    approvedByLabel: text("approved_by_label").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("policy_approvals_hash_idx").on(table.contentHash)],
);

export const REPLAY_STATUSES = ["queued", "running", "done", "cancelled", "failed"] as const;

/** Impact-analysis jobs: the runner updates the row after each chunk; the page polls it. */
export const policyReplays = pgTable("policy_replays", {
  id: text("id").primaryKey(), // rpl_…
  status: text("status", { enum: REPLAY_STATUSES }).notNull().default("queued"),
  cancelRequested: integer("cancel_requested").notNull().default(0),
  /** What was replayed: { limit, agentId?, enforcementPointId?, from?, to? } and the draft hash. */
  params: jsonb("params").notNull(),
  total: bigint("total", { mode: "number" }).notNull().default(0),
  processed: bigint("processed", { mode: "number" }).notNull().default(0),
  /** { allowToDeny, denyToAllow, unchanged, notComparable, errors, byAgentAction: [...] , examples: [...] } */
  result: jsonb("result"),
  error: text("error"),
  startedBy: text("started_by"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});
