// GET /oauth/jwks — the public keys of task tokens (RFC 7517). Public, as verifiers need it.
// Cached for 30 s at most: a new key is published 60 s before it signs (lib/identity/signing-keys.ts).
import { oauthErrorResponse } from "@/app/_server/oauth-http";
import { withApi } from "@/app/_server/with-api";
import { publishedJwks } from "@/lib/identity/signing-keys";

export const dynamic = "force-dynamic";

export const GET = withApi({ permission: "public", errorResponse: oauthErrorResponse }, async () =>
  Response.json(await publishedJwks(), { headers: { "cache-control": "public, max-age=30", "content-type": "application/jwk-set+json" } }),
);
