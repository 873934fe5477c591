import { publicOrigin } from "@/app/_server/approvals-http";
import { answerAuthzen, readAuthzenBody } from "@/app/_server/authzen-http";
import { withApi } from "@/app/_server/with-api";
import { evaluateForGateway } from "@/lib/policies/authzen";

export const dynamic = "force-dynamic";

// POST /api/v1/gateway/evaluation — the console's PDP for an MCP gateway's requestable denial or approval re-evaluation (binding tokens signed here; not recorded: the gateway records the call)
export const POST = withApi({ permission: "gateway.sync" }, async (request, ctx) => answerAuthzen(async () => evaluateForGateway({ ctx, body: await readAuthzenBody(request), origin: publicOrigin(request).base })));
