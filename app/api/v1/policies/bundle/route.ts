import { withApi } from "@/app/_server/with-api";
import { readQuery } from "@/lib/http/query";
import { BundleQuery } from "@/lib/policies/schemas";
import { etagMatches, waitForPolicyBundle } from "@/lib/policies/versions";

export const dynamic = "force-dynamic";

// GET /api/v1/policies/bundle[?wait=<s ≤ 30>] — the published policy set, schema, entities, inventory snapshot and PDP
// options for enforcement points (ETag / 304). With `wait` and a current If-None-Match, holds until something changes or
// the wait ends (then 304).
export const GET = withApi({ permission: "policies.bundle" }, async (request, ctx) => {
  const { wait } = readQuery(request, BundleQuery);
  const ifNoneMatch = request.headers.get("if-none-match");
  const bundle = await waitForPolicyBundle({ ctx, ifNoneMatch, waitSeconds: wait ?? 0, signal: request.signal });
  if (!bundle) return Response.json({ error: { code: "not_found", message: "No policy version is published yet" } }, { status: 404, headers: { "cache-control": "no-store" } });
  const headers = { etag: bundle.etag, "cache-control": "no-cache" };
  if (etagMatches(ifNoneMatch, bundle.etag)) return new Response(null, { status: 304, headers });
  return Response.json(bundle, { headers });
});
