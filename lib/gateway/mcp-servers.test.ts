import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { auditLog, gatewayStatus, mcpTools } from "@/db/schema";
import { enforcementPointContext } from "../decisions/ingest-testing";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { userContext } from "@/testing/context";
import { deleteMcpServer, listMcpServers, listMcpServersForGateway, listToolCatalog, recordGatewayReport, registerMcpServer } from "./mcp-servers";

const database = suiteDatabase();

const report = (tools: { server: string; name: string; annotations?: Record<string, unknown> }[]) => ({ policyRevision: "3", bundleAgeSeconds: 1, spool: { backlog: 12, bytes: 3400, full: false }, upstreams: [{ name: "files", transport: "http", connected: true, tools: tools.length }], tools: tools.map((tool) => ({ description: "", annotations: {}, ...tool })) });

describe("MCP server registry", () => {
  it("registers a server with an audit row in the same transaction; viewers read, only engineers manage", async () => {
    const server = await registerMcpServer({ ctx: userContext("security"), input: { name: "crm", transport: "http", url: "https://crm.internal/mcp", dataSensitivity: "confidential" } });
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.entityId, server.id));
    expect(audit?.action).toBe("mcp_server.register");
    expect((await listMcpServers({ ctx: userContext("viewer") })).map((row) => row.name)).toContain("crm");
    await expect(registerMcpServer({ ctx: userContext("viewer"), input: { name: "x", transport: "http", url: "https://x/mcp" } })).rejects.toThrow(/permission/);
    await expect(registerMcpServer({ ctx: userContext("admin"), input: { name: "crm", transport: "http", url: "https://other/mcp" } })).rejects.toThrow(/already exists/);
    await expect(registerMcpServer({ ctx: userContext("admin"), input: { name: "nocmd", transport: "stdio" } })).rejects.toThrow();
    await expect(registerMcpServer({ ctx: userContext("admin"), input: { name: "Bad Name", transport: "http", url: "https://x/mcp" } })).rejects.toThrow();
    await deleteMcpServer({ ctx: userContext("admin"), id: server.id });
    expect((await listMcpServers({ ctx: userContext("viewer") })).map((row) => row.name)).not.toContain("crm");
  });

  it("lets only an mcp-gateway enforcement point pull servers and report; a person cannot", async () => {
    const { enforcementPoint } = await registerEnforcementPoint({ ctx: userContext("admin"), input: { name: "gw-registry", kind: "mcp-gateway" } });
    const { enforcementPoint: sidecar } = await registerEnforcementPoint({ ctx: userContext("admin"), input: { name: "sidecar-registry", kind: "sidecar" } });
    const gateway = enforcementPointContext(enforcementPoint.id, "gw-registry");
    await registerMcpServer({ ctx: userContext("admin"), input: { name: "files", transport: "stdio", command: "node", args: ["server.js"] } });
    expect((await listMcpServersForGateway({ ctx: gateway })).find((row) => row.name === "files")).toMatchObject({ transport: "stdio", command: "node", args: ["server.js"] });
    await expect(listMcpServersForGateway({ ctx: userContext("admin") })).rejects.toThrow(/permission/);
    await expect(recordGatewayReport({ ctx: enforcementPointContext(sidecar.id, "sidecar-registry"), input: report([]) })).rejects.toThrow(/mcp-gateway/);
    await expect(recordGatewayReport({ ctx: userContext("admin"), input: report([]) })).rejects.toThrow(/permission/);

    await recordGatewayReport({ ctx: gateway, input: report([{ server: "files", name: "read_file" }, { server: "files", name: "delete_file", annotations: { destructiveHint: true } }]) });
    const [first] = await database.db.select().from(mcpTools).where(eq(mcpTools.name, "delete_file"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await recordGatewayReport({ ctx: gateway, input: report([{ server: "files", name: "delete_file", annotations: { destructiveHint: true, openWorldHint: true } }]) });
    const [second] = await database.db.select().from(mcpTools).where(eq(mcpTools.name, "delete_file"));
    expect(second!.firstSeenAt).toEqual(first!.firstSeenAt);
    expect(second!.lastSeenAt.getTime()).toBeGreaterThan(first!.lastSeenAt.getTime());
    expect(second!.annotations).toEqual({ destructiveHint: true, openWorldHint: true });
    const [status] = await database.db.select().from(gatewayStatus).where(eq(gatewayStatus.enforcementPointId, enforcementPoint.id));
    expect(status).toMatchObject({ policyRevision: "3", spoolBacklog: 12, spoolBytes: 3400 });
    const catalog = await listToolCatalog({ ctx: userContext("viewer") });
    expect(catalog.map((tool) => tool.name).sort()).toEqual(["delete_file", "read_file"]);
  });
});
