import { readQuery } from "@/lib/http/query";
import { withApi } from "@/app/_server/with-api";
import { DecisionFilter } from "@/lib/decisions/filters";
import { openDecisionStream } from "@/lib/decisions/live-stream";

export const dynamic = "force-dynamic";

// GET /api/v1/decisions/stream — live feed of committed decisions as server-sent events
export const GET = withApi({ permission: "decisions.read" }, async (request) => {
  const filter = readQuery(request, DecisionFilter);
  const body = await openDecisionStream(filter, request.signal);
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive", "x-accel-buffering": "no" } });
});
