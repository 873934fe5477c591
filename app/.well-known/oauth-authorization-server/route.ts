// GET /.well-known/oauth-authorization-server — RFC 8414 metadata of Steward's token service; public.
import { oauthEndpoint, requestIssuer } from "@/app/_server/oauth-http";
import { authorizationServerMetadata } from "@/lib/identity/metadata";

export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return oauthEndpoint(request, async () => Response.json(authorizationServerMetadata(requestIssuer(request)), { headers: { "cache-control": "public, max-age=300" } }));
}
