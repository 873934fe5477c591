import { withApi } from "@/app/_server/with-api";
import { pendingCountFor } from "@/lib/approvals/inbox";

export const dynamic = "force-dynamic";

// GET /api/v1/approvals/count — how many pending access requests the caller can decide now
export const GET = withApi({ permission: "approvals.read" }, async (_request, ctx) => Response.json({ pending: await pendingCountFor(ctx) }, { headers: { "cache-control": "no-store" } }));
