import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { getConfig } from "../config";
import { TASK_TOKEN_ALG, TASK_TOKEN_TYP } from "./constants";
import { importVerificationKey } from "./key-cache";
import { currentSigner, publishedKey } from "./signing-keys";

/**
 * The task token: an RFC 9068 JWT access token signed by Steward. Header `{typ: "at+jwt", alg:
 * "ES256", kid}`; claims `iss`, `sub` (agt_…), `aud` (the resource), `client_id`, `scope`
 * (space-separated), `task_id`, `purpose`, `jti`, `iat`, `exp`, and `act` (RFC 8693 §4.1, nested
 * `{sub, act?}`, innermost = the original delegator) once delegated.
 */
export type ActClaim = { sub: string; act?: ActClaim };
export type TaskTokenClaims = {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  task_id: string;
  purpose: string;
  jti: string;
  iat: number;
  exp: number;
  act?: ActClaim;
};

/** `iss` of task tokens: AUTH_URL's origin when configured, else the origin the request came to. */
export function issuerFor(requestOrigin: string): string {
  return getConfig().publicOrigin ?? requestOrigin;
}

export async function signTaskToken(claims: TaskTokenClaims, now = new Date()): Promise<{ token: string; kid: string }> {
  const signer = await currentSigner(now);
  const token = await new SignJWT({ ...claims }).setProtectedHeader({ typ: TASK_TOKEN_TYP, alg: TASK_TOKEN_ALG, kid: signer.kid }).sign(signer.key);
  return { token, kid: signer.kid };
}

export type TaskTokenCheck = { ok: true; claims: TaskTokenClaims; kid: string } | { ok: false; reason: string; expired?: boolean };

/**
 * Verifies a token Steward issued: published kid, ES256 only, typ at+jwt, our issuer, required
 * claims. Revocation is not checked here (see active-token.ts). With `allowExpired` an expired but
 * otherwise genuine token verifies (RFC 7009 revocation of an expired token is a no-op, not an error).
 */
export async function verifyTaskToken(token: string, issuer: string, options: { now?: Date; allowExpired?: boolean } = {}): Promise<TaskTokenCheck> {
  const now = options.now ?? new Date();
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return { ok: false, reason: "not a signed JWT" };
  }
  if (header.alg !== TASK_TOKEN_ALG || header.typ !== TASK_TOKEN_TYP || typeof header.kid !== "string") return { ok: false, reason: "not a Steward task token (header)" };
  const jwk = await publishedKey(header.kid, now);
  if (!jwk) return { ok: false, reason: `unknown kid ${header.kid}` };
  try {
    const key = await importVerificationKey(jwk, TASK_TOKEN_ALG);
    const { payload } = await jwtVerify(token, key, {
      algorithms: [TASK_TOKEN_ALG],
      typ: TASK_TOKEN_TYP,
      issuer,
      currentDate: options.allowExpired ? new Date(0) : now,
      requiredClaims: ["sub", "aud", "jti", "exp", "iat", "task_id", "scope"],
    });
    return { ok: true, claims: payload as JWTPayload & TaskTokenClaims, kid: header.kid };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: "the token has expired", expired: true };
    return { ok: false, reason: (error as Error).message };
  }
}

export const scopeList = (scope: string | undefined): string[] => [...new Set((scope ?? "").split(" ").filter(Boolean))];

/** The delegation chain named by `act`, outermost (the original delegator) first, then `sub`. */
export function delegationChain(claims: { sub: string; act?: ActClaim }): string[] {
  const actors: string[] = [];
  for (let act = claims.act; act; act = act.act) actors.unshift(act.sub);
  return [...actors, claims.sub];
}
