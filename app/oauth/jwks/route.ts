// GET /oauth/jwks — the public keys of task tokens (RFC 7517). Public, as verifiers need it.
// Cached for 30 s at most: a new key is published 60 s before it signs (lib/identity/signing-keys.ts).
import { oauthEndpoint } from "@/app/_server/oauth-http";
import { publishedJwks } from "@/lib/identity/signing-keys";

export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return oauthEndpoint(request, async () => Response.json(await publishedJwks(), { headers: { "cache-control": "public, max-age=30", "content-type": "application/jwk-set+json" } }));
}
