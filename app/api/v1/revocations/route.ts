import { z } from "zod";
import { withApi } from "@/app/_server/with-api";
import { readQuery } from "@/lib/http/query";
import { getDb } from "@/db/client";
import { MAX_WAIT_SECONDS, waitForRevocations } from "@/lib/identity/revocation-feed";

export const dynamic = "force-dynamic";

const FeedQuery = z.object({
  after: z.string().regex(/^\d{1,18}$/, "after is a cursor from an earlier answer").optional(),
  wait: z.coerce.number().min(0).max(MAX_WAIT_SECONDS, `wait is at most ${MAX_WAIT_SECONDS} seconds`).optional(),
});

// GET /api/v1/revocations?after=<cursor>&wait=<s≤30> — the revocation feed for enforcement points (long-poll)
export const GET = withApi({ permission: "revocations.read" }, async (request) => {
  const query = readQuery(request, FeedQuery);
  const feed = await waitForRevocations(await getDb(), query.after === undefined ? null : Number(query.after), query.wait ?? 0, request.signal);
  return Response.json(feed, { headers: { "cache-control": "no-store", etag: `"${feed.cursor}"` } });
});
