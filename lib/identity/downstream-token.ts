import { z } from "zod";

/**
 * Short-lived downstream tokens instead of static secrets. A secret whose (sealed) value is a JSON
 * object `{"type":"oauth_client_credentials","token_endpoint","client_id","client_secret","scope?","resource?"}`
 * is not released as is: at each release Steward asks the downstream's token endpoint for an
 * access token with the OAuth 2.0 client credentials grant (RFC 6749 §4.4; client authentication
 * `client_secret_basic`, §2.3.1; `resource` per RFC 8707 when set) and releases that token — the
 * client secret never leaves Steward. The answer must be a successful RFC 6749 §5.1 token response
 * (`access_token`, `token_type`, `expires_in` optional); anything else is an error, never a
 * fallback to the static value.
 */
export const DOWNSTREAM_CLIENT_CREDENTIALS = "oauth_client_credentials";
const FETCH_TIMEOUT_MS = 5_000;
const MAX_RESPONSE_BYTES = 64 * 1024;

export const ClientCredentialsConfig = z.object({
  type: z.literal(DOWNSTREAM_CLIENT_CREDENTIALS),
  token_endpoint: z.string().url().max(2000).refine((url) => /^https?:\/\//.test(url), "The token endpoint must be an http(s) URL"),
  client_id: z.string().min(1).max(500),
  client_secret: z.string().min(1).max(4000),
  scope: z.string().max(2000).optional(),
  resource: z.string().max(2000).optional(),
});
export type ClientCredentialsConfig = z.infer<typeof ClientCredentialsConfig>;

/** The downstream client-credentials configuration a secret value holds, or null for a plain (static) secret. */
export function clientCredentialsOf(value: string): ClientCredentialsConfig | null {
  if (!value.trimStart().startsWith("{")) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if ((parsed as { type?: unknown })?.type !== DOWNSTREAM_CLIENT_CREDENTIALS) return null;
  const config = ClientCredentialsConfig.safeParse(parsed);
  if (!config.success) throw new DownstreamTokenError(`The secret's client-credentials configuration is invalid: ${config.error.issues[0]!.path.join(".")} ${config.error.issues[0]!.message}`);
  return config.data;
}

export class DownstreamTokenError extends Error {}

const TokenResponse = z.object({ access_token: z.string().min(1).max(16_384), token_type: z.string().min(1).max(100), expires_in: z.coerce.number().int().positive().optional(), scope: z.string().optional() });

/** `application/x-www-form-urlencoded` encoding of a client id or secret for HTTP Basic (RFC 6749 §2.3.1). */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");

/**
 * Asks the downstream for an access token. Returns the token, its type and when it expires
 * (`expires_in` seconds from `now`, or null when the downstream does not say). Throws
 * DownstreamTokenError with the downstream's RFC 6749 §5.2 error when it refuses.
 */
export async function fetchDownstreamToken(config: ClientCredentialsConfig, now = new Date()): Promise<{ accessToken: string; tokenType: string; expiresAt: Date | null }> {
  const body = new URLSearchParams({ grant_type: "client_credentials" });
  if (config.scope) body.set("scope", config.scope);
  if (config.resource) body.set("resource", config.resource);
  let response: Response;
  try {
    response = await fetch(config.token_endpoint, {
      method: "POST",
      body,
      headers: { authorization: `Basic ${Buffer.from(`${formEncode(config.client_id)}:${formEncode(config.client_secret)}`).toString("base64")}`, accept: "application/json" },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      redirect: "error",
    });
  } catch (error) {
    throw new DownstreamTokenError(`The downstream token endpoint did not answer: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) throw new DownstreamTokenError("The downstream token endpoint's answer is too large");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DownstreamTokenError(`The downstream token endpoint answered ${response.status} without JSON`);
  }
  if (!response.ok) {
    const error = json as { error?: unknown; error_description?: unknown };
    throw new DownstreamTokenError(`The downstream token endpoint refused (${response.status} ${typeof error.error === "string" ? error.error.slice(0, 100) : "error"}${typeof error.error_description === "string" ? `: ${error.error_description.slice(0, 300)}` : ""})`);
  }
  const token = TokenResponse.safeParse(json);
  if (!token.success) throw new DownstreamTokenError("The downstream token endpoint's answer is not an OAuth token response");
  return { accessToken: token.data.access_token, tokenType: token.data.token_type, expiresAt: token.data.expires_in ? new Date(now.getTime() + token.data.expires_in * 1000) : null };
}
