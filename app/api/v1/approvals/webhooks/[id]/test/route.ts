import { publicOrigin } from "@/app/_server/approvals-http";
import { withApi } from "@/app/_server/with-api";
import { sendTestWebhook } from "@/lib/approvals/notify";

export const dynamic = "force-dynamic";

// POST /api/v1/approvals/webhooks/{id}/test — queue a signed test delivery; watch it in the delivery log
export const POST = withApi<{ id: string }>({ permission: "approvals.manage_webhooks" }, async (request, ctx, { id }) =>
  Response.json(await sendTestWebhook({ ctx, id, consoleUrl: publicOrigin(request).base }), { status: 202 }),
);
