import { z } from "zod";
import { withApi } from "@/app/_server/with-api";
import { readQuery } from "@/lib/http/query";
import { listApprovalDeliveries } from "@/lib/approvals/notify";

export const dynamic = "force-dynamic";

const DeliveriesQuery = z.object({ webhook: z.string().min(1).max(64).optional(), request: z.string().min(1).max(64).optional() });

// GET /api/v1/approvals/deliveries?webhook=&request= — the delivery log (webhooks, callbacks, tests), newest first
export const GET = withApi({ permission: "approvals.read" }, async (request, ctx) => {
  const query = readQuery(request, DeliveriesQuery);
  return Response.json({ deliveries: await listApprovalDeliveries({ ctx, webhookId: query.webhook, accessRequestId: query.request }) });
});
