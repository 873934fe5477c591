import { bigint, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { DATA_SENSITIVITIES } from "./inventory";

export const MCP_TRANSPORTS = ["http", "stdio"] as const;

/** Upstream MCP servers registered in the console; MCP gateways pull them (credentials stay with the gateway). */
export const mcpServers = pgTable("mcp_servers", {
  id: text("id").primaryKey(), // mcp_…
  name: text("name").notNull().unique(),
  transport: text("transport", { enum: MCP_TRANSPORTS }).notNull(),
  url: text("url"),
  command: text("command"),
  args: jsonb("args").$type<string[]>().notNull().default([]),
  ownerId: text("owner_id"),
  environment: text("environment").notNull().default(""),
  dataSensitivity: text("data_sensitivity", { enum: DATA_SENSITIVITIES }).notNull().default("internal"),
  /** Per-tool annotation overrides, e.g. {"delete_file": {"destructiveHint": true}}. */
  toolAnnotations: jsonb("tool_annotations").$type<Record<string, Record<string, unknown>>>().notNull().default({}),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** The tool catalog: every tool a gateway saw in an upstream's tools/list answer. */
export const mcpTools = pgTable(
  "mcp_tools",
  {
    server: text("server").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    annotations: jsonb("annotations").$type<Record<string, unknown>>().notNull().default({}),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    reportedBy: text("reported_by").notNull(),
  },
  (table) => [primaryKey({ columns: [table.server, table.name] })],
);

/** The latest status report of each MCP gateway (an enforcement point of kind mcp-gateway). */
export const gatewayStatus = pgTable("gateway_status", {
  enforcementPointId: text("enforcement_point_id").primaryKey(),
  policyRevision: text("policy_revision"),
  bundleAgeSeconds: integer("bundle_age_seconds"),
  spoolBacklog: integer("spool_backlog").notNull().default(0),
  spoolBytes: bigint("spool_bytes", { mode: "number" }).notNull().default(0),
  spoolFull: integer("spool_full").notNull().default(0),
  upstreams: jsonb("upstreams").$type<{ name: string; transport: string; connected: boolean; tools: number }[]>().notNull().default([]),
  reportedAt: timestamp("reported_at", { withTimezone: true }).notNull().defaultNow(),
});
