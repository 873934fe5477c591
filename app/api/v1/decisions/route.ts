import { withApi } from "@/app/_server/with-api";
import { handleIngestRequest } from "@/lib/decisions/ingest-request";

export const dynamic = "force-dynamic";

// POST /api/v1/decisions — ingest a batch of decisions from an enforcement point
export const POST = withApi({ permission: "decisions.ingest" }, async (request, ctx) => {
  const { status, body } = await handleIngestRequest(request, ctx);
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
});
