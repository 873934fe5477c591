import { getDb } from "@/db/client";
import { markEnforcementPointSeen } from "@/db/enforcement-points";
import { entityNames } from "@/db/entity-names";
import {
  deleteMcpServerRow,
  enforcementPointKind,
  findMcpServerIdByName,
  insertMcpServerRow,
  listGatewayStatusRows,
  listMcpServerRows,
  listMcpToolRows,
  mergeReportedTools,
  toolUsageLast30Days,
  upsertGatewayStatus,
  type McpServerRow,
} from "@/db/gateway";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { GatewayReport, RegisterMcpServerInput, type ListMcpServersQuery, type ToolCatalogQuery } from "./schemas";

export type McpServerView = McpServerRow;

/** `sort`: the list's order (ListMcpServersQuery), by name when not given. */
export async function listMcpServers({ ctx, sort }: { ctx: Ctx; sort?: ListMcpServersQuery["sort"] }): Promise<McpServerView[]> {
  requirePermission(ctx.actor, "mcp_servers.read");
  return listMcpServerRows(ctx.tx ?? (await getDb()), sort);
}

/** What a gateway pulls: the registered servers (no credentials exist here to leak). */
export async function listMcpServersForGateway({ ctx }: { ctx: Ctx }): Promise<Pick<McpServerView, "name" | "transport" | "url" | "command" | "args" | "environment" | "dataSensitivity" | "toolAnnotations">[]> {
  requirePermission(ctx.actor, "gateway.sync");
  const rows = await listMcpServerRows(ctx.tx ?? (await getDb()));
  return rows.map(({ name, transport, url, command, args, environment, dataSensitivity, toolAnnotations }) => ({ name, transport, url, command, args, environment, dataSensitivity, toolAnnotations }));
}

export async function registerMcpServer({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<McpServerView> {
  requirePermission(ctx.actor, "mcp_servers.manage");
  const data = RegisterMcpServerInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    if (await findMcpServerIdByName(tx, data.name)) throw new StewardError("conflict", `An MCP server named ${data.name} already exists`, { path: "name" });
    const row = await insertMcpServerRow(tx, { id: newId("mcp"), ...data, url: data.transport === "http" ? data.url! : null, command: data.transport === "stdio" ? data.command! : null });
    await recordAudit(tx, ctx, { action: "mcp_server.register", entityType: "mcp_server", entityId: row.id, after: row });
    return row;
  });
}

export async function deleteMcpServer({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  requirePermission(ctx.actor, "mcp_servers.manage");
  await withTransaction(ctx, async (tx) => {
    const row = await deleteMcpServerRow(tx, id);
    if (!row) throw new StewardError("not_found", `No MCP server ${id}`);
    await recordAudit(tx, ctx, { action: "mcp_server.delete", entityType: "mcp_server", entityId: id, before: row });
  });
}

/** The tool catalog, in `sort` order (by server, then name, when not given), with who used each tool (distinct agents in recorded decisions, last 30 days). */
export async function listToolCatalog({ ctx, sort }: { ctx: Ctx; sort?: ToolCatalogQuery["toolSort"] }) {
  requirePermission(ctx.actor, "mcp_servers.read");
  const db = ctx.tx ?? (await getDb());
  const tools = await listMcpToolRows(db, sort);
  const byTool = new Map((await toolUsageLast30Days(db)).map((row) => [row.tool, row]));
  return tools.map((tool) => ({ ...tool, usedByAgents: byTool.get(tool.name)?.agents ?? 0, lastUsedAt: byTool.get(tool.name)?.lastUsedAt ?? null }));
}

/** A gateway reports every 5 s by default (its syncIntervalMs); a minute without a report means it stopped or cannot reach the console. */
export const GATEWAY_SILENT_AFTER_MS = 60_000;

/** Each gateway's last report, and `silent` when that report is older than GATEWAY_SILENT_AFTER_MS at `now`. */
export async function listGatewayStatus({ ctx, now = new Date() }: { ctx: Ctx; now?: Date }) {
  requirePermission(ctx.actor, "mcp_servers.read");
  const rows = await listGatewayStatusRows(ctx.tx ?? (await getDb()));
  return rows.map((row) => ({ ...row, silent: now.getTime() - row.reportedAt.getTime() > GATEWAY_SILENT_AFTER_MS }));
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
  const result = await withTransaction(ctx, async (tx) => {
    if ((await enforcementPointKind(tx, epId)) !== "mcp-gateway") throw new StewardError("forbidden", "Only enforcement points of kind mcp-gateway report gateway status");
    const status = { policyRevision: report.policyRevision, bundleAgeSeconds: report.bundleAgeSeconds, spoolBacklog: report.spool.backlog, spoolBytes: report.spool.bytes, spoolFull: report.spool.full ? 1 : 0, upstreams: report.upstreams, reportedAt: new Date() };
    await upsertGatewayStatus(tx, epId, status);
    await mergeReportedTools(tx, report.tools.map((tool) => ({ server: tool.server, name: tool.name, description: tool.description, annotations: tool.annotations, reportedBy: epId })));
    return { tools: report.tools.length };
  });
  // A report is the gateway being seen, like a decision batch, and is marked the same way: after the commit, so the
  // EP's row is never locked for the report's transaction while its decision batches mark it too.
  await markEnforcementPointSeen(ctx.tx ?? (await getDb()), epId, report.policyRevision);
  return result;
}

/** The Owner column's names: directory people by id (an id that names no one is absent). */
export async function mcpServerOwnerNames({ ctx, servers }: { ctx: Ctx; servers: readonly McpServerView[] }): Promise<Map<string, string>> {
  requirePermission(ctx.actor, "mcp_servers.read");
  const ownerIds = servers.flatMap((server) => (server.ownerId ? [server.ownerId] : []));
  return ownerIds.length ? (await entityNames(ctx.tx ?? (await getDb()), { person: ownerIds })).person : new Map();
}
