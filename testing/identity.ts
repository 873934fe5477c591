import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { randomUUID } from "node:crypto";
import { randomBytes } from "node:crypto";
import { createAgent } from "@/lib/agents/create-agent";
import type { Actor } from "@/lib/auth/actor";
import { registerEnforcementPoint } from "@/lib/enforcement-points/register-enforcement-point";
import { savePolicy } from "@/lib/policies/draft";
import { forgetPublishedEngine } from "@/lib/policies/published-engine";
import { publishDraft } from "@/lib/policies/publish";
import { userContext } from "@/testing/context";
import { TOKEN_EXCHANGE_GRANT, TOKEN_TYPE_ACCESS, TOKEN_TYPE_JWT } from "@/lib/identity/constants";
import { createTrustDomain } from "@/lib/identity/trust-domains";

/** Test-only: a SPIFFE trust domain whose keys the test holds, and helpers to mint SVIDs and exchange requests. */
export const ISSUER = "http://steward.test";
export const TOKEN_ENDPOINT = `${ISSUER}/oauth/token`;

export type TestDomain = { name: string; kid: string; privateKey: CryptoKey; publicJwk: JWK };

export async function makeDomainKeys(name: string, kid = `${name}-k1`, alg: "ES256" | "RS256" = "ES256"): Promise<TestDomain> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { name, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "jwt-svid" } };
}

export async function registerDomain(domain: TestDomain, allowedAlgs: string[] = ["ES256"]) {
  return createTrustDomain({ ctx: userContext("admin"), input: { name: domain.name, source: "jwks", jwks: { keys: [domain.publicJwk] }, allowedAlgs } });
}

type SvidOptions = { aud?: string | string[]; exp?: number; iat?: number; nbf?: number; jti?: string | null; kid?: string; alg?: string; key?: CryptoKey | Uint8Array };

/** A JWT-SVID for `spiffeId`, signed by the domain's key, audience = the token endpoint, single-use jti. */
export async function mintSvid(domain: TestDomain, spiffeId: string, options: SvidOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { sub: spiffeId, aud: options.aud ?? TOKEN_ENDPOINT, iat: options.iat ?? now, exp: options.exp ?? now + 300 };
  if (options.nbf !== undefined) claims.nbf = options.nbf;
  if (options.jti !== null) claims.jti = options.jti ?? randomUUID();
  return new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? "ES256", kid: options.kid ?? domain.kid, typ: "JWT" }).sign(options.key ?? domain.privateKey);
}

export function exchangeForm(fields: Record<string, string | undefined>): URLSearchParams {
  const form = new URLSearchParams({ grant_type: TOKEN_EXCHANGE_GRANT });
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) form.set(key, value);
  return form;
}

/** The resource the tests' task tokens are issued for: the MCP endpoint of the gateway registerTestGateway registers. */
export const GATEWAY_AUDIENCE = "https://gateway.test/mcp";

/** Registers an mcp-gateway enforcement point serving GATEWAY_AUDIENCE and returns a request context acting as it. */
export async function registerTestGateway(audiences: string[] = [GATEWAY_AUDIENCE]) {
  const { enforcementPoint } = await registerEnforcementPoint({ ctx: userContext("admin"), input: { name: `gateway-${randomBytes(4).toString("hex")}`, kind: "mcp-gateway", audiences } });
  return { actor: { type: "enforcement_point", enforcementPointId: enforcementPoint.id, name: enforcementPoint.name } as Actor, requestId: "req_ep", ip: null };
}

export const rootForm = (svid: string, extra: Record<string, string | undefined> = {}) =>
  exchangeForm({ subject_token: svid, subject_token_type: TOKEN_TYPE_JWT, resource: GATEWAY_AUDIENCE, authorization_details: JSON.stringify([{ type: "steward_task", purpose: "triage the inbox" }]), ...extra });

export const delegateForm = (parentToken: string, actorSvid: string, extra: Record<string, string | undefined> = {}) =>
  exchangeForm({ subject_token: parentToken, subject_token_type: TOKEN_TYPE_ACCESS, actor_token: actorSvid, actor_token_type: TOKEN_TYPE_JWT, ...extra });

/** Publishes a baseline: active agents may use what they declared. */
export async function publishBaseline(extraPolicies: string[] = []) {
  const author = userContext("security");
  await savePolicy({ ctx: author, input: { source: `permit (principal is Steward::Agent, action, resource)\nwhen { principal.status == "active" && principal.declaredActions.contains(context.actionName) };` } });
  for (const source of extraPolicies) await savePolicy({ ctx: author, input: { source } });
  await publishDraft({ ctx: author, input: { message: "identity tests baseline" } });
  forgetPublishedEngine();
}

export async function makeAgent(name: string, declaredActions: string[], spiffeId?: string) {
  return createAgent({ ctx: userContext("security"), input: { name, declaredActions, status: "active", identities: spiffeId ? [{ kind: "spiffe_id", value: spiffeId }] : [] } });
}
