// GET/POST /api/auth/* — next-auth's own sign-in, callback, session and sign-out endpoints
import { NextRequest } from "next/server";
import { handlers } from "@/app/_server/auth";
import { withApi } from "@/app/_server/with-api";
import { getConfig } from "@/lib/config";

/**
 * Behind a proxy the request Next.js hands a route carries its internal address
 * (http://localhost:<port>), and Auth.js builds its redirects (error page, callbackUrl, sign-in
 * page) from that. When AUTH_URL is set, the request is re-addressed to the public origin — URL,
 * Host and X-Forwarded-Host/Proto alike — before Auth.js sees it, so no redirect names localhost.
 */
function onPublicOrigin(request: Request): NextRequest {
  const publicOrigin = getConfig().publicOrigin;
  if (!publicOrigin) return request instanceof NextRequest ? request : new NextRequest(request);
  const incoming = new URL(request.url);
  const url = new URL(`${incoming.pathname}${incoming.search}`, publicOrigin);
  const headers = new Headers(request.headers);
  headers.set("host", url.host);
  headers.set("x-forwarded-host", url.host);
  headers.set("x-forwarded-proto", url.protocol.replace(/:$/, ""));
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const init = { method: request.method, headers, body: hasBody ? request.body : undefined, ...(hasBody ? { duplex: "half" } : {}) };
  return new NextRequest(url, init as ConstructorParameters<typeof NextRequest>[1]);
}

// Public: this is sign-in itself. Auth.js opens the database when it needs it and checks its own CSRF token.
export const GET = withApi({ permission: "public", startup: "skip" }, (request) => handlers.GET(onPublicOrigin(request)));
export const POST = withApi({ permission: "public", startup: "skip" }, (request) => handlers.POST(onPublicOrigin(request)));
