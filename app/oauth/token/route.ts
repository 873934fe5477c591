// POST /oauth/token — RFC 8693 token exchange issuing RFC 9068 task tokens (lib/identity/token-exchange.ts).
// Public like any token endpoint: the caller authenticates with the JWT-SVID / client assertion it exchanges.
import { oauthErrorResponse, readForm, requestIssuer, tokenJson } from "@/app/_server/oauth-http";
import { withApi } from "@/app/_server/with-api";
import { exchangeToken } from "@/lib/identity/token-exchange";

export const dynamic = "force-dynamic";

export const POST = withApi({ permission: "public", errorResponse: oauthErrorResponse }, async (request) => tokenJson(await exchangeToken({ form: await readForm(request), issuer: requestIssuer(request) })));
