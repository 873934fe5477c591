import { withApi } from "@/app/_server/with-api";
import { listMcpServersForGateway } from "@/lib/gateway/mcp-servers";

export const dynamic = "force-dynamic";

// GET /api/v1/gateway/upstreams — the registered MCP servers, as an MCP gateway pulls them (EP token)
export const GET = withApi({ permission: "gateway.sync" }, async (_request, ctx) => Response.json({ upstreams: await listMcpServersForGateway({ ctx }) }));
