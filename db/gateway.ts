import { asc, desc, eq, sql } from "drizzle-orm";
import type { Executor } from "./client";
import { executedRows } from "./rows";
import { enforcementPoints, gatewayStatus, mcpServers, mcpTools } from "./schema";

export type McpServerRow = typeof mcpServers.$inferSelect;
export type NewMcpServerRow = typeof mcpServers.$inferInsert;
export type McpToolRow = typeof mcpTools.$inferSelect;
/** One gateway's last status report (`spoolFull` 0/1, `bundleAgeSeconds` in seconds), with its enforcement point's name. */
export type GatewayStatusView = Awaited<ReturnType<typeof listGatewayStatusRows>>[number];
export type GatewayStatusValues = Omit<typeof gatewayStatus.$inferInsert, "enforcementPointId">;
export type ReportedTool = { server: string; name: string; description: string; annotations: Record<string, unknown>; reportedBy: string };
/** Per tool name: distinct agents that called it and the last call, over recorded decisions of the last 30 days. */
export type ToolUsage = { tool: string; agents: number; lastUsedAt: Date };

/** Every registered MCP server, by name. */
export async function listMcpServerRows(db: Executor): Promise<McpServerRow[]> {
  return db.select().from(mcpServers).orderBy(asc(mcpServers.name));
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

/** The tool catalog by server, then name. */
export async function listMcpToolRows(db: Executor): Promise<McpToolRow[]> {
  return db.select().from(mcpTools).orderBy(asc(mcpTools.server), asc(mcpTools.name));
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
