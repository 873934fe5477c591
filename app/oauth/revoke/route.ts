// POST /oauth/revoke — RFC 7009: the holder of a task token revokes it (possession is the authority).
// Always 200 for a well-formed request, whether or not the token was live (RFC 7009 §2.2).
import { oauthErrorResponse, readForm, requestIssuer } from "@/app/_server/oauth-http";
import { withApi } from "@/app/_server/with-api";
import { IdentityError } from "@/lib/identity/identity-error";
import { revokeTokenByValue } from "@/lib/identity/revocation";

export const dynamic = "force-dynamic";

export const POST = withApi({ permission: "public", errorResponse: oauthErrorResponse }, async (request) => {
  const form = await readForm(request);
  const token = form.get("token");
  if (!token) throw new IdentityError("invalid_request", "token is required");
  await revokeTokenByValue({ token, issuer: requestIssuer(request) });
  return new Response(null, { status: 200, headers: { "cache-control": "no-store" } });
});
