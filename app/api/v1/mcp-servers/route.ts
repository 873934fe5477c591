import { readJson, withApi } from "@/app/_server/with-api";
import { listMcpServers, registerMcpServer } from "@/lib/gateway/mcp-servers";
import { RegisterMcpServerInput } from "@/lib/gateway/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/mcp-servers — the registered upstream MCP servers
export const GET = withApi({ permission: "mcp_servers.read" }, async (_request, ctx) => Response.json({ mcpServers: await listMcpServers({ ctx }) }));

// POST /api/v1/mcp-servers — register one (audited); gateways pull it with their bundle
export const POST = withApi({ permission: "mcp_servers.manage" }, async (request, ctx) => {
  const input = await readJson(request, RegisterMcpServerInput);
  return Response.json({ mcpServer: await registerMcpServer({ ctx, input }) }, { status: 201 });
});
