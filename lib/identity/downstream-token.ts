import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { z } from "zod";
import { TASK_TOKEN_ALG, TOKEN_EXCHANGE_GRANT, TOKEN_TYPE_ACCESS, TOKEN_TYPE_JWT } from "./constants";
import { currentSigner } from "./signing-keys";
import type { TaskTokenClaims } from "./task-token";

/**
 * Short-lived downstream tokens instead of static secrets. A secret whose (sealed) value is a JSON
 * object `{"type":"oauth_client_credentials","token_endpoint","client_id","client_secret","scope?","resource?"}`
 * is not released as is: at each release Steward asks the downstream's token endpoint for an
 * access token with the OAuth 2.0 client credentials grant (RFC 6749 §4.4; client authentication
 * `client_secret_basic`, §2.3.1; `resource` per RFC 8707 when set) and releases that token — the
 * client secret never leaves Steward. The answer must be a successful RFC 6749 §5.1 token response
 * (`access_token`, `token_type`, `expires_in` optional); anything else is an error, never a
 * fallback to the static value.
 *
 * The token-exchange variant (RFC 8693): a value `{"type":"oauth_token_exchange","token_endpoint",
 * "client_id","client_secret?","subject":"task_token"|"steward_assertion","audience?","resource?",
 * "scope?","requested_token_type?"}` makes Steward exchange, at each release, a subject token for a
 * downstream token at the downstream authorization server: either the caller's task token itself
 * (`subject_token_type` access_token; the downstream AS trusts Steward's issuer and JWKS), or a
 * Steward-signed assertion (`subject_token_type` jwt; ES256 with Steward's current task-token key,
 * `iss` Steward, `sub` the agent, `aud` the downstream's token endpoint, `task_id`, `purpose`,
 * `scope`, `act` when delegated, `jti`, living at most 60 s and never past the task token). Client
 * authentication is `client_secret_basic` when a secret is set, else `client_id` in the body
 * (a public client, RFC 6749 §2.3). Same answer rules as the client-credentials grant.
 */
export const DOWNSTREAM_CLIENT_CREDENTIALS = "oauth_client_credentials";
export const DOWNSTREAM_TOKEN_EXCHANGE = "oauth_token_exchange";
/** Longest life of a Steward-signed assertion sent to a downstream (seconds). */
export const DOWNSTREAM_ASSERTION_SECONDS = 60;
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

export const TokenExchangeConfig = z.object({
  type: z.literal(DOWNSTREAM_TOKEN_EXCHANGE),
  token_endpoint: z.string().url().max(2000).refine((url) => /^https?:\/\//.test(url), "The token endpoint must be an http(s) URL"),
  client_id: z.string().min(1).max(500),
  client_secret: z.string().min(1).max(4000).optional(),
  subject: z.enum(["task_token", "steward_assertion"]).default("steward_assertion"),
  audience: z.string().max(2000).optional(),
  resource: z.string().max(2000).optional(),
  scope: z.string().max(2000).optional(),
  requested_token_type: z.string().max(200).optional(),
});
export type TokenExchangeConfig = z.infer<typeof TokenExchangeConfig>;

/** How a secret's value is released: as stored, or as a downstream token got by one of two grants. */
export type DownstreamGrant = { grant: "client_credentials"; config: ClientCredentialsConfig } | { grant: "token_exchange"; config: TokenExchangeConfig };

/** The downstream grant a secret value configures, or null for a plain (static) secret. Throws DownstreamTokenError for a malformed configuration. */
export function downstreamGrantOf(value: string): DownstreamGrant | null {
  if (!value.trimStart().startsWith("{")) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  const type = (parsed as { type?: unknown })?.type;
  if (type === DOWNSTREAM_CLIENT_CREDENTIALS) {
    const config = ClientCredentialsConfig.safeParse(parsed);
    if (!config.success) throw new DownstreamTokenError(`The secret's client-credentials configuration is invalid: ${config.error.issues[0]!.path.join(".")} ${config.error.issues[0]!.message}`);
    return { grant: "client_credentials", config: config.data };
  }
  if (type === DOWNSTREAM_TOKEN_EXCHANGE) {
    const config = TokenExchangeConfig.safeParse(parsed);
    if (!config.success) throw new DownstreamTokenError(`The secret's token-exchange configuration is invalid: ${config.error.issues[0]!.path.join(".")} ${config.error.issues[0]!.message}`);
    return { grant: "token_exchange", config: config.data };
  }
  return null;
}

export class DownstreamTokenError extends Error {}

const TokenResponse = z.object({ access_token: z.string().min(1).max(16_384), token_type: z.string().min(1).max(100), expires_in: z.coerce.number().int().positive().optional(), scope: z.string().optional(), issued_token_type: z.string().max(200).optional() });

/** `application/x-www-form-urlencoded` encoding of a client id or secret for HTTP Basic (RFC 6749 §2.3.1). */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");

type DownstreamToken = { accessToken: string; tokenType: string; expiresAt: Date | null; issuedTokenType?: string };

/**
 * Asks the downstream for an access token. Returns the token, its type and when it expires
 * (`expires_in` seconds from `now`, or null when the downstream does not say). Throws
 * DownstreamTokenError with the downstream's RFC 6749 §5.2 error when it refuses.
 */
export async function fetchDownstreamToken(config: ClientCredentialsConfig, now = new Date()): Promise<DownstreamToken> {
  const body = new URLSearchParams({ grant_type: "client_credentials" });
  if (config.scope) body.set("scope", config.scope);
  if (config.resource) body.set("resource", config.resource);
  return postTokenRequest(config.token_endpoint, body, basicAuth(config.client_id, config.client_secret), now);
}

/**
 * RFC 8693 at the downstream: exchanges the task token (or a Steward-signed assertion for it) for
 * a downstream token. `taskToken` is the caller's verified, live task token and its claims.
 */
export async function exchangeDownstreamToken(config: TokenExchangeConfig, taskToken: { token: string; claims: TaskTokenClaims }, now = new Date()): Promise<DownstreamToken> {
  const body = new URLSearchParams({ grant_type: TOKEN_EXCHANGE_GRANT });
  if (config.subject === "task_token") {
    body.set("subject_token", taskToken.token);
    body.set("subject_token_type", TOKEN_TYPE_ACCESS);
  } else {
    body.set("subject_token", await stewardAssertion(config, taskToken.claims, now));
    body.set("subject_token_type", TOKEN_TYPE_JWT);
  }
  if (config.audience) body.set("audience", config.audience);
  if (config.resource) body.set("resource", config.resource);
  if (config.scope) body.set("scope", config.scope);
  if (config.requested_token_type) body.set("requested_token_type", config.requested_token_type);
  if (!config.client_secret) body.set("client_id", config.client_id);
  return postTokenRequest(config.token_endpoint, body, config.client_secret ? basicAuth(config.client_id, config.client_secret) : {}, now);
}

/** A short-lived JWT, signed with Steward's current task-token key, asserting the task token's agent and task to the downstream's token endpoint. */
async function stewardAssertion(config: TokenExchangeConfig, claims: TaskTokenClaims, now: Date): Promise<string> {
  const signer = await currentSigner(now);
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ client_id: claims.client_id, task_id: claims.task_id, purpose: claims.purpose, scope: claims.scope, ...(claims.act ? { act: claims.act } : {}) })
    .setProtectedHeader({ alg: TASK_TOKEN_ALG, kid: signer.kid, typ: "JWT" })
    .setIssuer(claims.iss)
    .setSubject(claims.sub)
    .setAudience(config.token_endpoint)
    .setIssuedAt(iat)
    .setExpirationTime(Math.min(iat + DOWNSTREAM_ASSERTION_SECONDS, claims.exp))
    .setJti(randomUUID())
    .sign(signer.key);
}

const basicAuth = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${formEncode(id)}:${formEncode(secret)}`).toString("base64")}` });

async function postTokenRequest(endpoint: string, body: URLSearchParams, headers: Record<string, string>, now: Date): Promise<DownstreamToken> {
  let response: Response;
  try {
    response = await fetch(endpoint, { method: "POST", body, headers: { ...headers, accept: "application/json" }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "error" });
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
  return { accessToken: token.data.access_token, tokenType: token.data.token_type, expiresAt: token.data.expires_in ? new Date(now.getTime() + token.data.expires_in * 1000) : null, ...(token.data.issued_token_type ? { issuedTokenType: token.data.issued_token_type } : {}) };
}
