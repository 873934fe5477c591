import { readJson, withApi } from "@/app/_server/with-api";
import { deleteAlertRule, updateAlertRule } from "@/lib/outbound/alerts";
import { UpdateAlertRuleInput } from "@/lib/outbound/schemas";

export const dynamic = "force-dynamic";

// PATCH /api/v1/alert-rules/{id} — change only the fields named
export const PATCH = withApi<{ id: string }>({ permission: "alerts.manage" }, async (request, ctx, { id }) => {
  const input = await readJson(request, UpdateAlertRuleInput);
  return Response.json(await updateAlertRule({ ctx, id, input }));
});

// DELETE /api/v1/alert-rules/{id} — remove a rule (its alerts stay)
export const DELETE = withApi<{ id: string }>({ permission: "alerts.manage" }, async (_request, ctx, { id }) => {
  await deleteAlertRule({ ctx, id });
  return new Response(null, { status: 204 });
});
