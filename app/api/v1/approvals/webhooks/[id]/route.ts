import { withApi } from "@/app/_server/with-api";
import { deleteWebhook } from "@/lib/approvals/notify";

export const dynamic = "force-dynamic";

// DELETE /api/v1/approvals/webhooks/{id} — remove a webhook
export const DELETE = withApi<{ id: string }>({ permission: "approvals.manage_webhooks" }, async (_request, ctx, { id }) => {
  await deleteWebhook({ ctx, id });
  return Response.json({ deleted: id });
});
