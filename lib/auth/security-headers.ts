/**
 * Response headers that harden every page: a Content-Security-Policy with a fresh nonce per
 * request (Next.js reads the nonce from the request's CSP header and stamps it on its own scripts
 * and inline styles), and Strict-Transport-Security when the console's public URL is https.
 *
 * Scripts: only this origin's, and only those carrying the nonce ('strict-dynamic' lets those load
 * Next.js's chunks). Inline `style=""` attributes are React's styling primitive and cannot carry a
 * nonce, so `style-src-attr` allows them; `<style>` elements still need the nonce (a library that writes
 * them at run time gets it from components/ui/style-nonce.tsx). Forms may post
 * only here, plus the single-sign-on provider (Chrome applies form-action to the redirect chain).
 */
export function contentSecurityPolicy(options: { nonce: string; dev: boolean; https: boolean; ssoOrigin?: string }): string {
  const formAction = ["'self'", ...(options.ssoOrigin ? [options.ssoOrigin] : [])].join(" ");
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${options.nonce}'`,
    `style-src-elem 'self' 'nonce-${options.nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** Two years, as hstspreload.org asks; only ever sent when the console's public URL is https. */
export const HSTS_VALUE = "max-age=63072000; includeSubDomains";

export function strictTransportSecurity(publicOrigin: string | undefined): string | null {
  return publicOrigin?.startsWith("https://") ? HSTS_VALUE : null;
}

/** 128 random bits, base64: unguessable and fresh for each response. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
