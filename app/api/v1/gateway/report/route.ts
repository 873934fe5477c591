import { readJson, withApi } from "@/app/_server/with-api";
import { GatewayReport } from "@/lib/gateway/schemas";
import { recordGatewayReport } from "@/lib/gateway/mcp-servers";

export const dynamic = "force-dynamic";

// POST /api/v1/gateway/report — an MCP gateway's status (revision, spool backlog, upstreams) and the tools its upstreams listed
export const POST = withApi({ permission: "gateway.sync" }, async (request, ctx) => Response.json(await recordGatewayReport({ ctx, input: await readJson(request, GatewayReport) })));
