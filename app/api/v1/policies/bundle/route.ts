import { z } from "zod";
import { withApi } from "@/app/_server/with-api";
import { StewardError } from "@/lib/errors";
import { BUNDLE_MAX_WAIT_SECONDS, etagMatches, waitForPolicyBundle } from "@/lib/policies/versions";

export const dynamic = "force-dynamic";

const WaitQuery = z.coerce.number().int("wait must be whole seconds").min(0).max(BUNDLE_MAX_WAIT_SECONDS, `wait is at most ${BUNDLE_MAX_WAIT_SECONDS} seconds`);

// GET /api/v1/policies/bundle[?wait=<s ≤ 30>] — the published policy set, schema, entities, inventory snapshot and PDP
// options for enforcement points (ETag / 304). With `wait` and a current If-None-Match, holds until something changes or
// the wait ends (then 304).
export const GET = withApi({ permission: "policies.bundle" }, async (request, ctx) => {
  const rawWait = request.nextUrl.searchParams.get("wait");
  const parsedWait = rawWait === null ? { success: true as const, data: 0 } : WaitQuery.safeParse(rawWait);
  if (!parsedWait.success) throw new StewardError("bad_request", `wait: ${parsedWait.error.issues[0]!.message}`, { path: "wait" });
  const ifNoneMatch = request.headers.get("if-none-match");
  const bundle = await waitForPolicyBundle({ ctx, ifNoneMatch, waitSeconds: parsedWait.data, signal: request.signal });
  if (!bundle) return Response.json({ error: { code: "not_found", message: "No policy version is published yet" } }, { status: 404, headers: { "cache-control": "no-store" } });
  const headers = { etag: bundle.etag, "cache-control": "no-cache" };
  if (etagMatches(ifNoneMatch, bundle.etag)) return new Response(null, { status: 304, headers });
  return Response.json(bundle, { headers });
});
