// POST /oauth/introspect — RFC 7662 for enforcement points that cannot verify JWTs (EP bearer token).
import { readForm, requestIssuer } from "@/app/_server/oauth-http";
import { withApi } from "@/app/_server/with-api";
import { StewardError } from "@/lib/errors";
import { IdentityError } from "@/lib/identity/identity-error";
import { introspectToken } from "@/lib/identity/introspection";

export const dynamic = "force-dynamic";

export const POST = withApi({ permission: "identity.introspect" }, async (request, ctx) => {
  const form = await readForm(request).catch((error: unknown) => {
    throw new StewardError("bad_request", error instanceof IdentityError ? error.message : "Unreadable body");
  });
  const token = form.get("token");
  if (!token) throw new StewardError("bad_request", "token is required");
  return Response.json(await introspectToken({ ctx, token, issuer: requestIssuer(request) }), { headers: { "cache-control": "no-store" } });
});
