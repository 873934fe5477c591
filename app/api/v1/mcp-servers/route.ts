import { readJson, withApi } from "@/app/_server/with-api";
import { listMcpServers, registerMcpServer } from "@/lib/gateway/mcp-servers";
import { ListMcpServersQuery, RegisterMcpServerInput } from "@/lib/gateway/schemas";
import { readQuery } from "@/lib/http/query";

export const dynamic = "force-dynamic";

// GET /api/v1/mcp-servers?sort= — the registered upstream MCP servers, by name unless sorted otherwise
export const GET = withApi({ permission: "mcp_servers.read" }, async (request, ctx) => Response.json({ mcpServers: await listMcpServers({ ctx, sort: readQuery(request, ListMcpServersQuery).sort }) }));

// POST /api/v1/mcp-servers — register one (audited); gateways pull it with their bundle
export const POST = withApi({ permission: "mcp_servers.manage" }, async (request, ctx) => {
  const input = await readJson(request, RegisterMcpServerInput);
  return Response.json({ mcpServer: await registerMcpServer({ ctx, input }) }, { status: 201 });
});
