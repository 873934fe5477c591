// GET /.well-known/oauth-authorization-server — RFC 8414 metadata of Steward's token service; public.
import { oauthErrorResponse, requestIssuer } from "@/app/_server/oauth-http";
import { withApi } from "@/app/_server/with-api";
import { authorizationServerMetadata } from "@/lib/identity/metadata";

export const dynamic = "force-dynamic";

export const GET = withApi({ permission: "public", errorResponse: oauthErrorResponse }, (request) =>
  Response.json(authorizationServerMetadata(requestIssuer(request)), { headers: { "cache-control": "public, max-age=300" } }),
);
