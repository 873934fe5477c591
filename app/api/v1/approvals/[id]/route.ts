import { answerApi } from "@/app/_server/approvals-http";
import { withApi } from "@/app/_server/with-api";
import { getInboxItem } from "@/lib/approvals/inbox";

export const dynamic = "force-dynamic";

// GET /api/v1/approvals/{id} — one access request with the agent's owners, recent decisions and open findings
export const GET = withApi<{ id: string }>({ permission: "approvals.read" }, async (_request, ctx, { id }) =>
  answerApi(async () => Response.json(await getInboxItem({ ctx, id }), { headers: { "cache-control": "no-store" } })),
);
