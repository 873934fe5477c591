import { answerProblem, publicOrigin } from "@/app/_server/approvals-http";
import { withApi } from "@/app/_server/with-api";
import { cancelAccessRequest } from "@/lib/approvals/access-requests";

export const dynamic = "force-dynamic";

// POST /access/v1/requests/{id}/cancel — the requester cancels a pending access request
export const POST = withApi<{ id: string }>({ permission: "approvals.request" }, async (request, ctx, { id }) =>
  answerProblem(async () => Response.json(await cancelAccessRequest({ ctx, id, origin: publicOrigin(request) }), { headers: { "cache-control": "no-store" } })),
);
