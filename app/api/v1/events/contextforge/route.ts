import { withApi } from "@/app/_server/with-api";
import { handleContextForgeEvent } from "@/lib/decisions/ingest-contextforge";

export const dynamic = "force-dynamic";

// POST /api/v1/events/contextforge — one IBM ContextForge webhook event per request, EP token as bearer
export const POST = withApi({ permission: "decisions.ingest" }, async (request, ctx) => {
  const body = await handleContextForgeEvent(request, ctx);
  return Response.json(body, { headers: { "cache-control": "no-store" } });
});
