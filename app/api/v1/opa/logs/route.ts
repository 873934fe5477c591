import { withApi } from "@/app/_server/with-api";
import { handleOpaLogRequest } from "@/lib/decisions/ingest-opa-logs";

export const dynamic = "force-dynamic";

// POST /api/v1/opa/logs — OPA decision_logs upload (gzip JSON array of events), EP token as bearer
export const POST = withApi({ permission: "decisions.ingest" }, async (request, ctx) => {
  const { status, body } = await handleOpaLogRequest(request, ctx);
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
});
