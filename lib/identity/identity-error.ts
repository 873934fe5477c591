/**
 * An OAuth error (RFC 6749 §5.2, RFC 8693 §2.2.2, RFC 7009, RFC 7662) with the HTTP status the
 * endpoint answers: `error` is the registered code, the message becomes `error_description`.
 */
export type OAuthErrorCode = "invalid_request" | "invalid_client" | "invalid_grant" | "unauthorized_client" | "unsupported_grant_type" | "invalid_scope" | "invalid_target" | "access_denied" | "server_error";

export class IdentityError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    message: string,
    readonly status: number = code === "invalid_client" ? 401 : code === "server_error" ? 500 : 400,
  ) {
    super(message);
    this.name = "IdentityError";
  }
}
