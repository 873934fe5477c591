import { withApi } from "@/app/_server/with-api";
import { handleOpaLogRequest } from "@/lib/decisions/ingest-opa-logs";

export const dynamic = "force-dynamic";

// POST /api/v1/opa/logs/{partition} — OPA decision_logs upload with a partition name (ignored; the EP token identifies the sender)
export const POST = withApi<{ partition: string }>({ permission: "decisions.ingest" }, async (request, ctx) => {
  const { status, body } = await handleOpaLogRequest(request, ctx);
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
});
