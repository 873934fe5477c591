import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, newNonce, strictTransportSecurity } from "@/lib/auth/security-headers";
import { getConfig } from "@/lib/config";
import { RETURN_TO_HEADER } from "@/lib/auth/safe-redirect";

/**
 * Runs before every request (Next.js 16 "proxy", formerly middleware): a per-request CSP nonce on
 * every page, and HSTS when AUTH_URL is https. Authentication is NOT done here — every page,
 * route and action checks identity itself (app/_server).
 */
export function proxy(request: NextRequest) {
  const config = getConfig();
  const nonce = newNonce();
  const csp = contentSecurityPolicy({
    nonce,
    dev: process.env.NODE_ENV === "development",
    https: config.publicOrigin?.startsWith("https://") ?? false,
    ssoOrigin: config.oidc ? new URL(config.oidc.issuer).origin : undefined,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  // The page's own path and query, for a sign-in redirect that returns to exactly this page (an approval
  // link's ?request=…). Always overwritten here, so a client cannot supply it.
  requestHeaders.set(RETURN_TO_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  const hsts = strictTransportSecurity(config.publicOrigin);
  if (hsts) response.headers.set("strict-transport-security", hsts);
  return response;
}

export const config = {
  // Static build assets carry no HTML; everything else (pages, routes, actions) gets the headers.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
