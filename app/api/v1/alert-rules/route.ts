import { readJson, withApi } from "@/app/_server/with-api";
import { createAlertRule, listAlertRules } from "@/lib/outbound/alerts";
import { readQuery } from "@/lib/http/query";
import { CreateAlertRuleInput, ListAlertRulesQuery } from "@/lib/outbound/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/alert-rules?sort= — every alert rule, by name unless sorted otherwise
export const GET = withApi({ permission: "alerts.read" }, async (request, ctx) => Response.json({ rules: await listAlertRules({ ctx, sort: readQuery(request, ListAlertRulesQuery).sort }) }));

// POST /api/v1/alert-rules — add a rule; it judges what happens from now on
export const POST = withApi({ permission: "alerts.manage" }, async (request, ctx) => {
  const input = await readJson(request, CreateAlertRuleInput);
  return Response.json(await createAlertRule({ ctx, input }), { status: 201 });
});
