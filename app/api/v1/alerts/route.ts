import { withApi } from "@/app/_server/with-api";
import { listAlerts } from "@/lib/outbound/alerts";
import { readQuery } from "@/lib/http/query";
import { AlertListQuery } from "@/lib/outbound/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/alerts?status=open|acknowledged|resolved&limit=100&sort= — alerts, most recently seen first by default
export const GET = withApi({ permission: "alerts.read" }, async (request, ctx) => Response.json({ alerts: await listAlerts({ ctx, query: readQuery(request, AlertListQuery) }) }));
