import { answerApi } from "@/app/_server/approvals-http";
import { withApi } from "@/app/_server/with-api";
import { InboxQuery, listInbox } from "@/lib/approvals/inbox";
import { readQuery } from "@/lib/http/query";

export const dynamic = "force-dynamic";

// GET /api/v1/approvals?status=pending&agent=&q=&decidedBy=&limit= — the inbox (mine first when pending) and history
export const GET = withApi({ permission: "approvals.read" }, async (request, ctx) =>
  answerApi(async () => Response.json(await listInbox({ ctx, query: readQuery(request, InboxQuery) }), { headers: { "cache-control": "no-store" } })),
);
