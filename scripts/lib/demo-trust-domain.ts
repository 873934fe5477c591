/**
 * What a demo plays instead of SPIRE: a SPIFFE trust domain whose JWT-SVID signing key is generated
 * in this process (ES256, `jose`), registered in the console as the domain's JWKS (the previous
 * registration of the same name is replaced, so every run starts from a fresh key), and agents that
 * exchange their SVIDs for Steward task tokens at `POST /oauth/token` (RFC 8693).
 * Used by `npm run demo` (scripts/demo.ts) and `npm run demo:identity` (scripts/demo-identity.ts).
 */
import { randomUUID } from "node:crypto";
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import type { StewardClient } from "./steward-client";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const TOKEN_TYPE_JWT = "urn:ietf:params:oauth:token-type:jwt";
export const TOKEN_TYPE_ACCESS = "urn:ietf:params:oauth:token-type:access_token";

/** RFC 8693 §2.2.1 success, or RFC 6749 §5.2 error, as the token endpoint answered. */
export type ExchangeAnswer = { status: number; body: { access_token?: string; scope?: string; expires_in?: number; error?: string; error_description?: string } };

export class DemoTrustDomain {
  private constructor(
    readonly name: string,
    readonly kid: string,
    private readonly privateKey: CryptoKey,
    /** RFC 8414 metadata of the console: `issuer`, `token_endpoint`. */
    readonly tokenEndpoint: string,
    readonly baseUrl: string,
  ) {}

  /** Generates the domain's key and registers `name` (replacing an earlier registration) with its JWKS. */
  static async register(client: StewardClient, baseUrl: string, name: string): Promise<DemoTrustDomain> {
    const metadata = (await (await fetch(`${baseUrl}/.well-known/oauth-authorization-server`)).json()) as { issuer: string; token_endpoint: string };
    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    const kid = `demo-${Date.now()}`;
    const existing = await client.json<{ trustDomains: { id: string; name: string }[] }>("GET", "/api/v1/trust-domains");
    for (const domain of existing.body.trustDomains.filter((item) => item.name === name)) await client.json("DELETE", `/api/v1/trust-domains/${domain.id}`);
    const registered = await client.json("POST", "/api/v1/trust-domains", { name, source: "jwks", jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "jwt-svid" }] }, allowedAlgs: ["ES256"] });
    if (registered.status !== 201) throw new Error(`registering the trust domain ${name}: HTTP ${registered.status} ${JSON.stringify(registered.body)}`);
    return new DemoTrustDomain(name, kid, privateKey, metadata.token_endpoint, baseUrl);
  }

  /** The SPIFFE ID of a workload path in this domain, e.g. `spiffe://demo.steward/agent/planner`. */
  spiffeId(workload: string): string {
    return `spiffe://${this.name}/agent/${workload}`;
  }

  /** A fresh single-use JWT-SVID for `workload`, audience the token endpoint, living 2 minutes. */
  async svid(workload: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub: this.spiffeId(workload), aud: this.tokenEndpoint, iat: now, exp: now + 120, jti: randomUUID() }).setProtectedHeader({ alg: "ES256", kid: this.kid, typ: "JWT" }).sign(this.privateKey);
  }

  private async exchange(fields: Record<string, string>): Promise<ExchangeAnswer> {
    const response = await fetch(this.tokenEndpoint, { method: "POST", body: new URLSearchParams({ grant_type: TOKEN_EXCHANGE_GRANT, ...fields }) });
    return { status: response.status, body: (await response.json()) as ExchangeAnswer["body"] };
  }

  /** An agent starts a task: its SVID as subject_token, the target (RFC 8707 resource), scope and the task's purpose (RFC 9396 `steward_task`). */
  async startTask(workload: string, options: { resource: string; scope: string; purpose: string }): Promise<ExchangeAnswer> {
    return this.exchange({ subject_token: await this.svid(workload), subject_token_type: TOKEN_TYPE_JWT, resource: options.resource, scope: options.scope, authorization_details: JSON.stringify([{ type: "steward_task", purpose: options.purpose }]) });
  }

  /** Delegation: the delegator's task token as subject_token, the delegate's SVID as actor_token, a scope that may only narrow. */
  async delegate(parentToken: string, delegate: string, scope: string): Promise<ExchangeAnswer> {
    return this.exchange({ subject_token: parentToken, subject_token_type: TOKEN_TYPE_ACCESS, actor_token: await this.svid(delegate), actor_token_type: TOKEN_TYPE_JWT, scope });
  }

  /** Ends the task the token belongs to (POST /oauth/end-task): every token of the task is revoked. */
  async endTask(token: string): Promise<{ status: number; body: { taskId?: string; status?: string; revokedTokens?: number; error?: string; error_description?: string } }> {
    const response = await fetch(`${this.baseUrl}/oauth/end-task`, { method: "POST", body: new URLSearchParams({ token }) });
    return { status: response.status, body: (await response.json()) as { taskId?: string; revokedTokens?: number } };
  }
}

/** The task id a Steward task token carries (its `task_id` claim; the token is not verified here). */
export function taskIdOf(token: string): string {
  return decodeJwt(token).task_id as string;
}
