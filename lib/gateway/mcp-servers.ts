import { asc, desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { enforcementPoints, gatewayStatus, mcpServers, mcpTools } from "@/db/schema";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { GatewayReport, RegisterMcpServerInput } from "./schemas";

export type McpServerView = typeof mcpServers.$inferSelect;

export async function listMcpServers({ ctx }: { ctx: Ctx }): Promise<McpServerView[]> {
  requirePermission(ctx.actor, "mcp_servers.read");
  return (ctx.tx ?? (await getDb())).select().from(mcpServers).orderBy(asc(mcpServers.name));
}

/** What a gateway pulls: the registered servers (no credentials exist here to leak). */
export async function listMcpServersForGateway({ ctx }: { ctx: Ctx }): Promise<Pick<McpServerView, "name" | "transport" | "url" | "command" | "args" | "environment" | "dataSensitivity" | "toolAnnotations">[]> {
  requirePermission(ctx.actor, "gateway.sync");
  const rows = await (ctx.tx ?? (await getDb())).select().from(mcpServers).orderBy(asc(mcpServers.name));
  return rows.map(({ name, transport, url, command, args, environment, dataSensitivity, toolAnnotations }) => ({ name, transport, url, command, args, environment, dataSensitivity, toolAnnotations }));
}

export async function registerMcpServer({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<McpServerView> {
  requirePermission(ctx.actor, "mcp_servers.manage");
  const data = RegisterMcpServerInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const [existing] = await tx.select({ id: mcpServers.id }).from(mcpServers).where(eq(mcpServers.name, data.name));
    if (existing) throw new StewardError("conflict", `An MCP server named ${data.name} already exists`, { path: "name" });
    const [row] = await tx
      .insert(mcpServers)
      .values({ id: newId("mcp"), ...data, url: data.transport === "http" ? data.url! : null, command: data.transport === "stdio" ? data.command! : null })
      .returning();
    await recordAudit(tx, ctx, { action: "mcp_server.register", entityType: "mcp_server", entityId: row!.id, after: row! });
    return row!;
  });
}

export async function deleteMcpServer({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  requirePermission(ctx.actor, "mcp_servers.manage");
  await withTransaction(ctx, async (tx) => {
    const [row] = await tx.delete(mcpServers).where(eq(mcpServers.id, id)).returning();
    if (!row) throw new StewardError("not_found", `No MCP server ${id}`);
    await recordAudit(tx, ctx, { action: "mcp_server.delete", entityType: "mcp_server", entityId: id, before: row });
  });
}

/** The tool catalog with who used each tool (distinct agents in recorded decisions, last 30 days). */
export async function listToolCatalog({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "mcp_servers.read");
  const db = ctx.tx ?? (await getDb());
  const tools = await db.select().from(mcpTools).orderBy(asc(mcpTools.server), asc(mcpTools.name));
  const usage = await db.execute(
    sql`select action_name as tool, count(distinct agent_id)::int as agents, max(time) as last_used from decisions where action_kind = 'tools/call' and time > now() - interval '30 days' group by action_name`,
  );
  const rows = (Array.isArray(usage) ? usage : (usage as { rows: unknown[] }).rows) as { tool: string; agents: number; last_used: string | Date }[];
  const byTool = new Map(rows.map((row) => [row.tool, row]));
  return tools.map((tool) => ({ ...tool, usedByAgents: byTool.get(tool.name)?.agents ?? 0, lastUsedAt: byTool.get(tool.name)?.last_used ? new Date(byTool.get(tool.name)!.last_used) : null }));
}

export async function listGatewayStatus({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "mcp_servers.read");
  const db = ctx.tx ?? (await getDb());
  return db
    .select({ enforcementPointId: gatewayStatus.enforcementPointId, name: enforcementPoints.name, policyRevision: gatewayStatus.policyRevision, bundleAgeSeconds: gatewayStatus.bundleAgeSeconds, spoolBacklog: gatewayStatus.spoolBacklog, spoolBytes: gatewayStatus.spoolBytes, spoolFull: gatewayStatus.spoolFull, upstreams: gatewayStatus.upstreams, reportedAt: gatewayStatus.reportedAt })
    .from(gatewayStatus)
    .innerJoin(enforcementPoints, eq(enforcementPoints.id, gatewayStatus.enforcementPointId))
    .orderBy(desc(gatewayStatus.reportedAt));
}

/**
 * Stores an MCP gateway's status report and merges the tools it saw into the catalog (first seen
 * kept, last seen moved). Only enforcement points of kind mcp-gateway may report.
 */
export async function recordGatewayReport({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ tools: number }> {
  requirePermission(ctx.actor, "gateway.sync");
  if (ctx.actor.type !== "enforcement_point") throw new StewardError("forbidden", "Only an MCP gateway reports its status");
  const epId = ctx.actor.enforcementPointId;
  const report = GatewayReport.parse(input);
  return withTransaction(ctx, async (tx) => {
    const [ep] = await tx.select({ kind: enforcementPoints.kind }).from(enforcementPoints).where(eq(enforcementPoints.id, epId));
    if (ep?.kind !== "mcp-gateway") throw new StewardError("forbidden", "Only enforcement points of kind mcp-gateway report gateway status");
    const status = { policyRevision: report.policyRevision, bundleAgeSeconds: report.bundleAgeSeconds, spoolBacklog: report.spool.backlog, spoolBytes: report.spool.bytes, spoolFull: report.spool.full ? 1 : 0, upstreams: report.upstreams, reportedAt: new Date() };
    await tx.insert(gatewayStatus).values({ enforcementPointId: epId, ...status }).onConflictDoUpdate({ target: gatewayStatus.enforcementPointId, set: status });
    if (report.tools.length) {
      await tx
        .insert(mcpTools)
        .values(report.tools.map((tool) => ({ server: tool.server, name: tool.name, description: tool.description, annotations: tool.annotations, reportedBy: epId })))
        .onConflictDoUpdate({ target: [mcpTools.server, mcpTools.name], set: { description: sql`excluded.description`, annotations: sql`excluded.annotations`, lastSeenAt: sql`now()`, reportedBy: sql`excluded.reported_by` } });
    }
    return { tools: report.tools.length };
  });
}
