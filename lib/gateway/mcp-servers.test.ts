import { describe, expect, it } from "vitest";
import { z } from "zod";
import { eq, like } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { auditLog, enforcementPoints, gatewayStatus, mcpTools } from "@/db/schema";
import { enforcementPointContext } from "../decisions/ingest-testing";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { createPerson } from "../people/people";
import { userContext } from "@/testing/context";
import { deleteMcpServer, listGatewayStatus, listMcpServers, mcpServerOwnerNames, listMcpServersForGateway, listToolCatalog, recordGatewayReport, registerMcpServer } from "./mcp-servers";
import { ListMcpServersQuery, ToolCatalogQuery } from "./schemas";
import { readPageQuery, readQuery } from "../http/query";

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
    // The Owner column names the directory person; a server without one has no entry.
    const owner = await createPerson({ ctx: userContext("security"), input: { name: "Mara Server-Owner", email: `mara-${server.id}@example.test` } });
    const owned = await registerMcpServer({ ctx: userContext("security"), input: { name: `owned-${Date.now().toString(36)}`, transport: "http", url: "https://owned.internal/mcp", ownerId: owner.id } });
    const names = await mcpServerOwnerNames({ ctx: userContext("viewer"), servers: [owned, server] });
    expect([...names]).toEqual([[owner.id, "Mara Server-Owner"]]);
    await deleteMcpServer({ ctx: userContext("admin"), id: owned.id });
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
    // The report is the gateway being seen: the EP list's "last seen" and revision move with it, decisions or not.
    const [seen] = await database.db.select().from(enforcementPoints).where(eq(enforcementPoints.id, enforcementPoint.id));
    expect(seen!.lastSeenAt).not.toBeNull();
    expect(seen!.reportedPolicyRevision).toBe("3");
    // A minute without a report marks the gateway silent (stopped, or cut off from the console).
    const statusAt = async (now: Date) => (await listGatewayStatus({ ctx: userContext("viewer"), now })).find((row) => row.enforcementPointId === enforcementPoint.id)!;
    expect((await statusAt(new Date(status!.reportedAt.getTime() + 5_000))).silent).toBe(false);
    expect((await statusAt(new Date(status!.reportedAt.getTime() + 61_000))).silent).toBe(true);
    const catalog = await listToolCatalog({ ctx: userContext("viewer") });
    expect(catalog.map((tool) => tool.name).sort()).toEqual(["delete_file", "read_file"]);
  });
});

describe("the MCP servers page's server-side orders", () => {
  it("registered servers sort by name (default), transport, environment or sensitivity (by rank), either way, ties by id; an unknown order is refused at the API", async () => {
    const admin = userContext("admin");
    const tag = `s${Date.now().toString(36)}`;
    const made = [
      await registerMcpServer({ ctx: admin, input: { name: `${tag}-b`, transport: "http", url: "https://b.internal/mcp", environment: "prod", dataSensitivity: "restricted" } }),
      await registerMcpServer({ ctx: admin, input: { name: `${tag}-a`, transport: "stdio", command: "files-mcp", environment: "prod", dataSensitivity: "public" } }),
      await registerMcpServer({ ctx: admin, input: { name: `${tag}-c`, transport: "http", url: "https://c.internal/mcp", environment: "Dev", dataSensitivity: "confidential" } }),
    ].map((server) => server.id);
    const [b, a, c] = made;
    const order = async (sort?: ListMcpServersQuery["sort"]) => (await listMcpServers({ ctx: userContext("viewer"), sort })).map((server) => server.id).filter((id) => made.includes(id));
    expect(await order()).toEqual([a, b, c]);
    expect(await order("-name")).toEqual([c, b, a]);
    expect(await order("sensitivity")).toEqual([a, c, b]); // public, confidential, restricted
    expect(await order("-sensitivity")).toEqual([b, c, a]);
    // Ties (two http servers, two in prod) fall to the id, in the order's direction.
    const byId = (...ids: (string | undefined)[]) => ids.map(String).sort();
    expect(await order("transport")).toEqual([...byId(b, c), a]);
    expect(await order("-transport")).toEqual([a, ...byId(b, c).reverse()]);
    expect(await order("environment")).toEqual([c, ...byId(a, b)]); // Dev before prod, case-insensitive
    expect(await order("-environment")).toEqual([...byId(a, b).reverse(), c]);
    expect(() => readQuery(new URLSearchParams({ sort: "owner" }), ListMcpServersQuery)).toThrow(/sort/);
  });

  it("the tool catalog sorts by server then name (default), name, first or last seen, either way, ties by (server, name); a bad toolSort alone falls back on the page", async () => {
    const tag = `t${Date.now().toString(36)}`;
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));
    const tools = [
      { server: `${tag}-files`, name: "write", firstSeenAt: at(1), lastSeenAt: at(50) },
      { server: `${tag}-files`, name: "read", firstSeenAt: at(2), lastSeenAt: at(40) },
      { server: `${tag}-crm`, name: "write", firstSeenAt: at(2), lastSeenAt: at(60) },
    ];
    await database.db.insert(mcpTools).values(tools.map((tool) => ({ ...tool, reportedBy: "ep_test" })));
    const key = (tool: { server: string; name: string }) => `${tool.server}/${tool.name}`;
    const [write, read, crm] = tools.map(key);
    const order = async (sort?: ToolCatalogQuery["toolSort"]) => (await listToolCatalog({ ctx: userContext("viewer"), sort })).map(key).filter((id) => id.startsWith(tag));
    expect(await order()).toEqual([crm, read, write]);
    expect(await order("-server")).toEqual([write, read, crm]);
    expect(await order("name")).toEqual([read, crm, write]); // the two "write"s by server
    expect(await order("-name")).toEqual([write, crm, read]);
    expect(await order("firstSeen")).toEqual([write, crm, read]); // crm and read were first seen together: by server, then name
    expect(await order("-firstSeen")).toEqual([read, crm, write]);
    expect(await order("-lastSeen")).toEqual([crm, write, read]);
    const page = readPageQuery({ sort: "-name", toolSort: "usedBy" }, z.object({ ...ListMcpServersQuery.shape, ...ToolCatalogQuery.shape }));
    expect(page).toEqual({ sort: "-name", toolSort: "server" });
    // The registry test above reads the whole catalog: leave it as found.
    await database.db.delete(mcpTools).where(like(mcpTools.server, `${tag}-%`));
  });
});
