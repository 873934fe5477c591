import { readQuery } from "@/lib/http/query";
import { withApi } from "@/app/_server/with-api";
import { ExploreQuery, exploreDecisions } from "@/lib/decisions/explore-decisions";
import { handleIngestRequest } from "@/lib/decisions/ingest-request";

export const dynamic = "force-dynamic";

// POST /api/v1/decisions — ingest a batch of decisions from an enforcement point
export const POST = withApi({ permission: "decisions.ingest" }, async (request, ctx) => {
  const { status, body } = await handleIngestRequest(request, ctx);
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
});

// GET /api/v1/decisions — past decisions by time range and filters, newest first, keyset-paginated
export const GET = withApi({ permission: "decisions.read" }, async (request, ctx) => {
  const query = readQuery(request, ExploreQuery);
  const page = await exploreDecisions({ ctx, query });
  return Response.json({ decisions: page.rows, next: page.next });
});
