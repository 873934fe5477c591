import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
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
  (table) => [index("people_team_idx").on(table.teamId)],
);

export const AGENT_STATUSES = ["active", "suspended", "retired", "discovered"] as const;
export const ENVIRONMENTS = ["prod", "staging", "dev"] as const;
export const CREDENTIAL_KINDS = ["task_token", "spiffe", "oauth_client", "static_api_key", "shared_secret"] as const;

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
    dataSensitivity: text("data_sensitivity", { enum: ["public", "internal", "confidential", "restricted"] }),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("agents_owner_idx").on(table.ownerId),
    index("agents_team_idx").on(table.teamId),
    index("agents_status_idx").on(table.status),
  ],
);

/** The identifiers under which an agent appears in decisions; each is unique across agents. */
export const agentIdentities = pgTable(
  "agent_identities",
  {
    kind: text("kind", { enum: ["agent_id", "spiffe_id", "client_id", "alias"] }).notNull(),
    value: text("value").notNull(),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
  },
  (table) => [uniqueIndex("agent_identities_kind_value_idx").on(table.kind, table.value), index("agent_identities_agent_idx").on(table.agentId)],
);
