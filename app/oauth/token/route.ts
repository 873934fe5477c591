// POST /oauth/token — RFC 8693 token exchange issuing RFC 9068 task tokens (lib/identity/token-exchange.ts).
// Public like any token endpoint: the caller authenticates with the JWT-SVID / client assertion it exchanges.
import { oauthEndpoint, readForm, requestIssuer, tokenJson } from "@/app/_server/oauth-http";
import { exchangeToken } from "@/lib/identity/token-exchange";

export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return oauthEndpoint(request, async () => tokenJson(await exchangeToken({ form: await readForm(request), issuer: requestIssuer(request) })));
}
