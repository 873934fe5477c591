import { desc, eq, sql } from "drizzle-orm";
import type { Executor } from "./client";
import { orderFor, rankOf } from "./order";
import { executedRows } from "./rows";
import { DATA_SENSITIVITIES, enforcementPoints, gatewayStatus, mcpServers, mcpTools } from "./schema";

export type McpServerRow = typeof mcpServers.$inferSelect;
export type NewMcpServerRow = typeof mcpServers.$inferInsert;
export type McpToolRow = typeof mcpTools.$inferSelect;
/** One gateway's last status report (`spoolFull` 0/1, `bundleAgeSeconds` in seconds), with its enforcement point's name. */
export type GatewayStatusView = Awaited<ReturnType<typeof listGatewayStatusRows>>[number];
export type GatewayStatusValues = Omit<typeof gatewayStatus.$inferInsert, "enforcementPointId">;
export type ReportedTool = { server: string; name: string; description: string; annotations: Record<string, unknown>; reportedBy: string };
/** Per tool name: distinct agents that called it and the last call, over recorded decisions of the last 30 days. */
export type ToolUsage = { tool: string; agents: number; lastUsedAt: Date };

/** The registered servers' orders (a short table, read whole): `name` (default), `transport`, `environment`, `sensitivity` (public to restricted). */
const MCP_SERVER_ORDER_COLUMNS = { name: mcpServers.name, transport: mcpServers.transport, environment: sql`lower(${mcpServers.environment})`, sensitivity: rankOf(mcpServers.dataSensitivity, DATA_SENSITIVITIES) };
export type McpServerSort = keyof typeof MCP_SERVER_ORDER_COLUMNS | `-${keyof typeof MCP_SERVER_ORDER_COLUMNS}`;

/** Every registered MCP server, in `sort` order (by name when not given). */
export async function listMcpServerRows(db: Executor, sort: McpServerSort = "name"): Promise<McpServerRow[]> {
  return db.select().from(mcpServers).orderBy(...orderFor(sort, MCP_SERVER_ORDER_COLUMNS, mcpServers.id));
}

export async function findMcpServerIdByName(db: Executor, name: string): Promise<string | undefined> {
  const [row] = await db.select({ id: mcpServers.id }).from(mcpServers).where(eq(mcpServers.name, name));
  return row?.id;
}

export async function insertMcpServerRow(db: Executor, row: NewMcpServerRow): Promise<McpServerRow> {
  const [inserted] = await db.insert(mcpServers).values(row).returning();
  return inserted!;
}

/** Deletes the server; undefined when there was none with this id. */
export async function deleteMcpServerRow(db: Executor, id: string): Promise<McpServerRow | undefined> {
  const [row] = await db.delete(mcpServers).where(eq(mcpServers.id, id)).returning();
  return row;
}

/** The tool catalog's orders: `server` (default), `name`, `firstSeen`, `lastSeen`; ties by (server, name), its key. */
const MCP_TOOL_ORDER_COLUMNS = { server: mcpTools.server, name: mcpTools.name, firstSeen: mcpTools.firstSeenAt, lastSeen: mcpTools.lastSeenAt };
export type McpToolSort = keyof typeof MCP_TOOL_ORDER_COLUMNS | `-${keyof typeof MCP_TOOL_ORDER_COLUMNS}`;

/** The tool catalog in `sort` order (by server, then name, when not given). */
export async function listMcpToolRows(db: Executor, sort: McpToolSort = "server"): Promise<McpToolRow[]> {
  return db.select().from(mcpTools).orderBy(...orderFor(sort, MCP_TOOL_ORDER_COLUMNS, [mcpTools.server, mcpTools.name]));
}

export async function toolUsageLast30Days(db: Executor): Promise<ToolUsage[]> {
  const rows = executedRows<{ tool: string; agents: number; last_used: string | Date }>(
    await db.execute(
      sql`select action_name as tool, count(distinct agent_id)::int as agents, max(time) as last_used from decisions where action_kind = 'tools/call' and time > now() - interval '30 days' group by action_name`,
    ),
  );
  return rows.map((row) => ({ tool: row.tool, agents: row.agents, lastUsedAt: new Date(row.last_used) }));
}

/** Every gateway's last report, newest first. */
export async function listGatewayStatusRows(db: Executor) {
  return db
    .select({ enforcementPointId: gatewayStatus.enforcementPointId, name: enforcementPoints.name, policyRevision: gatewayStatus.policyRevision, bundleAgeSeconds: gatewayStatus.bundleAgeSeconds, spoolBacklog: gatewayStatus.spoolBacklog, spoolBytes: gatewayStatus.spoolBytes, spoolFull: gatewayStatus.spoolFull, upstreams: gatewayStatus.upstreams, reportedAt: gatewayStatus.reportedAt })
    .from(gatewayStatus)
    .innerJoin(enforcementPoints, eq(enforcementPoints.id, gatewayStatus.enforcementPointId))
    .orderBy(desc(gatewayStatus.reportedAt));
}

/** The enforcement point's kind (only `mcp-gateway` ones report status); undefined when there is none. */
export async function enforcementPointKind(db: Executor, id: string): Promise<string | undefined> {
  const [row] = await db.select({ kind: enforcementPoints.kind }).from(enforcementPoints).where(eq(enforcementPoints.id, id));
  return row?.kind;
}

/** Replaces the enforcement point's status row (one per gateway). */
export async function upsertGatewayStatus(db: Executor, enforcementPointId: string, status: GatewayStatusValues): Promise<void> {
  await db.insert(gatewayStatus).values({ enforcementPointId, ...status }).onConflictDoUpdate({ target: gatewayStatus.enforcementPointId, set: status });
}

/** Merges reported tools into the catalog: first seen kept; description, annotations, last seen and reporter moved. */
export async function mergeReportedTools(db: Executor, tools: ReportedTool[]): Promise<void> {
  if (!tools.length) return;
  await db
    .insert(mcpTools)
    .values(tools)
    .onConflictDoUpdate({ target: [mcpTools.server, mcpTools.name], set: { description: sql`excluded.description`, annotations: sql`excluded.annotations`, lastSeenAt: sql`now()`, reportedBy: sql`excluded.reported_by` } });
}
