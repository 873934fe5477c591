import { createRemoteJWKSet, jwtVerify } from "jose";
import { z } from "zod";
import { getConfig } from "../config";
import { CLOCK_SKEW_SECONDS } from "./constants";
import { IdentityError } from "./identity-error";

/**
 * On-behalf-of: the person's ID token from the console's own identity provider (the
 * STEWARD_OIDC_* settings), verified against that issuer's JWKS (OIDC discovery), audience = the
 * console's client id, RS256/ES256/PS256 only. Without single sign-on configured it is refused.
 */
const holder = globalThis as typeof globalThis & { __stewardOidcJwks?: { issuer: string; set: Promise<ReturnType<typeof createRemoteJWKSet>> } };

function jwksFor(issuer: string) {
  if (holder.__stewardOidcJwks?.issuer !== issuer) {
    const set = (async () => {
      const response = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      const { jwks_uri } = z.object({ jwks_uri: z.string().url() }).parse(await response.json());
      return createRemoteJWKSet(new URL(jwks_uri), { timeoutDuration: 5_000 });
    })();
    set.catch(() => {
      if (holder.__stewardOidcJwks?.set === set) holder.__stewardOidcJwks = undefined;
    });
    holder.__stewardOidcJwks = { issuer, set };
  }
  return holder.__stewardOidcJwks!.set;
}

export async function verifyPersonIdToken(token: string, now: Date): Promise<{ email: string; subject: string }> {
  const oidc = getConfig().oidc;
  if (!oidc) throw new IdentityError("invalid_request", "On-behalf-of needs the console's single sign-on (STEWARD_OIDC_*) to be configured");
  try {
    const { payload } = await jwtVerify(token, await jwksFor(oidc.issuer), {
      issuer: oidc.issuer,
      audience: oidc.clientId,
      algorithms: ["RS256", "ES256", "PS256"],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: now,
      requiredClaims: ["sub", "exp"],
    });
    const email = typeof payload.email === "string" ? payload.email.toLowerCase() : undefined;
    return { email: email ?? `${payload.sub}@${new URL(oidc.issuer).host}`, subject: payload.sub! };
  } catch (error) {
    throw new IdentityError("invalid_request", `The person's ID token does not verify: ${(error as Error).message}`);
  }
}
