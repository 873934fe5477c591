import { readJson, withApi } from "@/app/_server/with-api";
import { createWebhook, CreateWebhookInput, listApprovalWebhooks } from "@/lib/approvals/notify";

export const dynamic = "force-dynamic";

// GET /api/v1/approvals/webhooks — approval notification webhooks (never their secrets)
export const GET = withApi({ permission: "approvals.read" }, async (_request, ctx) => Response.json({ webhooks: await listApprovalWebhooks({ ctx }) }));

// POST /api/v1/approvals/webhooks — register a webhook; its Standard Webhooks secret is in this response only
export const POST = withApi({ permission: "approvals.manage_webhooks" }, async (request, ctx) => {
  const created = await createWebhook({ ctx, input: await readJson(request, CreateWebhookInput) });
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});
