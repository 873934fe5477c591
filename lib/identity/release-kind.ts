/** How a release is shown on the task and agent pages: a static secret, or a short-lived downstream token and the grant that got it. */
export function releaseKindLabel(release: { kind: "secret" | "downstream_token" | null; grant: "client_credentials" | "token_exchange" | null }): string {
  if (release.kind === "secret") return "static secret";
  if (release.kind === "downstream_token") return release.grant === "token_exchange" ? "short-lived downstream token (token exchange, RFC 8693)" : release.grant === "client_credentials" ? "short-lived downstream token (client credentials)" : "short-lived downstream token";
  return "not recorded (released before the kind was recorded)";
}
