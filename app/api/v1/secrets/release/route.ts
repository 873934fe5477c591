import { requestIssuer } from "@/app/_server/oauth-http";
import { readJson, withApi } from "@/app/_server/with-api";
import { releaseSecret, ReleaseInput } from "@/lib/identity/secret-store";

export const dynamic = "force-dynamic";

// POST /api/v1/secrets/release — an enforcement point receives a secret for a live task token whose scope carries its upstream (audited)
export const POST = withApi({ permission: "secrets.release" }, async (request, ctx) => {
  const input = await readJson(request, ReleaseInput);
  return Response.json(await releaseSecret({ ctx, input, issuer: requestIssuer(request) }), { headers: { "cache-control": "no-store" } });
});
