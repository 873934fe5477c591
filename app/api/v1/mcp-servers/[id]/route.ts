import { withApi } from "@/app/_server/with-api";
import { deleteMcpServer } from "@/lib/gateway/mcp-servers";

export const dynamic = "force-dynamic";

// DELETE /api/v1/mcp-servers/:id — remove a registered MCP server (audited)
export const DELETE = withApi<{ id: string }>({ permission: "mcp_servers.manage" }, async (_request, ctx, params) => {
  await deleteMcpServer({ ctx, id: params.id });
  return new Response(null, { status: 204 });
});
