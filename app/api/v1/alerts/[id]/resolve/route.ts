import { withApi } from "@/app/_server/with-api";
import { transitionAlert } from "@/lib/outbound/alerts";

export const dynamic = "force-dynamic";

// POST /api/v1/alerts/{id}/resolve — close the alert (a condition that holds again after the cooldown opens a new one)
export const POST = withApi<{ id: string }>({ permission: "alerts.manage" }, async (_request, ctx, { id }) => Response.json(await transitionAlert({ ctx, id, to: "resolved" })));
