import { answerApi } from "@/app/_server/approvals-http";
import { withApi } from "@/app/_server/with-api";
import { listInbox } from "@/lib/approvals/inbox";

export const dynamic = "force-dynamic";

// GET /api/v1/approvals?status=pending&agent=&q=&decidedBy=&limit= — the inbox (mine first when pending) and history
export const GET = withApi({ permission: "approvals.read" }, async (request, ctx) =>
  answerApi(async () => Response.json(await listInbox({ ctx, query: Object.fromEntries(new URL(request.url).searchParams) }), { headers: { "cache-control": "no-store" } })),
);
