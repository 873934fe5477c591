/**
 * The one redirect normaliser. Every redirect Steward issues from input it did not write itself
 * (sign-in `callbackUrl`, Auth.js's `redirect` callback, a page's return path) goes through
 * `safeRedirectPath`, which answers a single-slash path on this origin or the fallback.
 *
 * Browsers and URL parsers disagree on what a "relative" string means: `//evil`, `/\evil`,
 * `/.//evil` (dot-segment removal leaves `//evil`), `\t/evil`, `https:evil` (scheme-relative in
 * WHATWG parsing), `%2F%2Fevil` (decoded by some proxies) all leave the origin somewhere. So the
 * rule is deliberately narrow: refuse anything with control characters, backslashes, or an
 * encoded slash/backslash/dot-segment trick at any decoding depth; parse against a sentinel origin;
 * and accept only when the parsed origin is the sentinel and the normalised path starts with exactly
 * one slash. The answer is the normalised `pathname + search + hash`, never the raw input.
 *
 * An absolute URL is accepted only when its origin equals `ownOrigin` (Auth.js hands absolute URLs
 * built from AUTH_URL); it is reduced to its path the same way.
 */
const SENTINEL = "https://steward.invalid";

/** The request header proxy.ts sets to the page's path and query (never taken from the client). */
export const RETURN_TO_HEADER = "x-steward-return-to";
const MAX_LENGTH = 2048;

export function safeRedirectPath(value: unknown, options: { ownOrigin?: string; fallback?: string } = {}): string {
  const fallback = options.fallback ?? "/";
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_LENGTH) return fallback;
  let candidate = value;
  if (options.ownOrigin && !value.startsWith("/")) {
    // Only an exact same-origin absolute URL is reduced to its path; anything else is refused.
    let own: URL;
    let parsed: URL;
    try {
      own = new URL(options.ownOrigin);
      parsed = new URL(value);
    } catch {
      return fallback;
    }
    if (parsed.origin !== own.origin || !value.toLowerCase().startsWith(own.origin.toLowerCase() + "/")) return fallback;
    candidate = value.slice(own.origin.length);
  }
  if (!isPlainPath(candidate)) return fallback;
  let url: URL;
  try {
    url = new URL(candidate, SENTINEL);
  } catch {
    return fallback;
  }
  if (url.origin !== SENTINEL) return fallback;
  const path = url.pathname;
  if (!path.startsWith("/") || path.startsWith("//")) return fallback;
  const result = `${path}${url.search}${url.hash}`;
  // The normalised form must itself pass the same checks (idempotent).
  return isPlainPath(result) ? result : fallback;
}

/** True when `value`, and every percent-decoding of it, is a single-slash path with no control characters or backslashes. */
function isPlainPath(value: string): boolean {
  let current = value;
  for (let depth = 0; depth < 4; depth++) {
    if (!/^\/(?![/\\])/.test(current)) return false;
    // C0 controls, DEL, and backslash anywhere; Unicode line/paragraph separators too.
    if (/[\u0000-\u001f\u007f\\\u2028\u2029]/.test(current)) return false;
    // A path whose first segment is a dot-segment can collapse into "//host" once normalised or decoded.
    if (/^\/\.{1,2}(?:[/\\?#]|$)/.test(current)) return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return false;
    }
    if (decoded === current) return true;
    current = decoded;
  }
  return false;
}

/**
 * Where sign-in returns: this page with its query (proxy.ts records both) when the recorded path is the
 * page's declared `returnTo`, else `returnTo` alone (both normalised by safeRedirectPath).
 */
export function signInReturnPath(recorded: string | null, returnTo: string): string {
  const declared = safeRedirectPath(returnTo);
  const actual = safeRedirectPath(recorded, { fallback: declared });
  const pathOf = (value: string) => value.split(/[?#]/)[0] ?? "";
  return pathOf(actual) === pathOf(declared) ? actual : declared;
}
