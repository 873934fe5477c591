/**
 * Cross-site request forgery defence for cookie-authenticated state changes (OWASP "Verifying
 * Origin With Standard Headers"). Browsers send `Origin` on every non-GET fetch and form POST; a
 * page on another origin — including another port of the same host — cannot forge it.
 *
 * The console's own origin is AUTH_URL's when set (behind a proxy), else the one the request was
 * addressed to (`X-Forwarded-Host`/`Host` with `X-Forwarded-Proto`), the same rule Next.js uses
 * for server actions. A missing or `null` Origin is refused: failing closed costs a non-browser
 * client nothing, since those authenticate with a bearer token, which is exempt.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isStateChangingMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

export type OriginCheckInput = {
  /** The request's `Origin` header, or null. */
  origin: string | null;
  /** The request's `Host` header. */
  host: string | null;
  forwardedHost: string | null;
  forwardedProto: string | null;
  /** The scheme the server itself saw ("http" or "https"). */
  protocol: string;
  /** AUTH_URL's origin, when configured. */
  publicOrigin: string | undefined;
};

/** The origins a request from the console itself may carry. */
export function consoleOrigins(input: Omit<OriginCheckInput, "origin">): string[] {
  if (input.publicOrigin) return [input.publicOrigin];
  const host = (input.forwardedHost ?? input.host)?.split(",")[0]?.trim();
  if (!host) return [];
  const proto = (input.forwardedProto?.split(",")[0]?.trim() || input.protocol).replace(/:$/, "").toLowerCase();
  try {
    return [new URL(`${proto}://${host}`).origin];
  } catch {
    return [];
  }
}

/** @returns null when the Origin is this console's, else a message naming what was wrong. */
export function originProblem(input: OriginCheckInput): string | null {
  if (!input.origin || input.origin === "null") return "A cookie-authenticated change must carry this console's Origin header";
  let origin: string;
  try {
    origin = new URL(input.origin).origin;
  } catch {
    return "The Origin header is not a URL";
  }
  return consoleOrigins(input).includes(origin) ? null : `Requests from ${origin} may not change anything here`;
}
