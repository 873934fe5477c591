import { withApi } from "@/app/_server/with-api";
import { listApprovalDeliveries } from "@/lib/approvals/notify";

export const dynamic = "force-dynamic";

// GET /api/v1/approvals/deliveries?webhook=&request= — the delivery log (webhooks, callbacks, tests), newest first
export const GET = withApi({ permission: "approvals.read" }, async (request, ctx) => {
  const params = new URL(request.url).searchParams;
  return Response.json({ deliveries: await listApprovalDeliveries({ ctx, webhookId: params.get("webhook") ?? undefined, accessRequestId: params.get("request") ?? undefined }) });
});
