import { withApi } from "@/app/_server/with-api";
import { etagMatches, getPolicyBundle } from "@/lib/policies/versions";

export const dynamic = "force-dynamic";

// GET /api/v1/policies/bundle — the published policy set, schema, entities and revision for enforcement points (ETag / 304)
export const GET = withApi({ permission: "policies.bundle" }, async (request, ctx) => {
  const bundle = await getPolicyBundle({ ctx });
  if (!bundle) return Response.json({ error: { code: "not_found", message: "No policy version is published yet" } }, { status: 404, headers: { "cache-control": "no-store" } });
  const headers = { etag: bundle.etag, "cache-control": "no-cache" };
  if (etagMatches(request.headers.get("if-none-match"), bundle.etag)) return new Response(null, { status: 304, headers });
  return Response.json(bundle, { headers });
});
