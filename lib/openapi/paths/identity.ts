import { z } from "zod";
import { AgentKeyInput } from "@/lib/identity/agent-keys";
import { ReleaseInput, SecretInput } from "@/lib/identity/secret-store";
import { ListTasksQuery } from "@/lib/identity/tasks-view";
import { TrustDomainInput } from "@/lib/identity/trust-domains";
import type { ApiOperation } from "../operation";

const user = { tag: "Identity", auth: "user" } as const;
const ep = { tag: "Identity", auth: "enforcement_point" } as const;
const oauth = { tag: "Token service (OAuth)", auth: "none", permission: "public" } as const;
const form = ["application/x-www-form-urlencoded"];

const TokenExchangeForm = z.object({
  grant_type: z.literal("urn:ietf:params:oauth:grant-type:token-exchange"),
  subject_token: z.string().describe("The agent's JWT-SVID or client assertion; a parent task token (delegation); or a person's ID token (on-behalf-of)"),
  subject_token_type: z.enum(["urn:ietf:params:oauth:token-type:jwt", "urn:ietf:params:oauth:token-type:access_token", "urn:ietf:params:oauth:token-type:id_token"]),
  actor_token: z.string().optional().describe("The delegate's (or, on-behalf-of, the agent's) JWT-SVID or client assertion"),
  actor_token_type: z.literal("urn:ietf:params:oauth:token-type:jwt").optional(),
  resource: z.string().optional().describe("RFC 8707: the one target (gateway or tool server) the token is for"),
  audience: z.string().optional(),
  scope: z.string().optional().describe("Space-separated tools or Cedar actions; only narrows"),
  authorization_details: z.string().optional().describe('RFC 9396 JSON: [{"type":"steward_task","purpose":"…","task_id":"tsk_… (optional)"}]'),
});
const TokenResponse = z.object({ access_token: z.string(), issued_token_type: z.string(), token_type: z.literal("Bearer"), expires_in: z.number(), scope: z.string() });
const OAuthError = z.object({ error: z.string(), error_description: z.string() });
const Feed = z.object({
  cursor: z.string(),
  revoked: z.array(z.object({ jti: z.string(), exp: z.number() })),
  endedTasks: z.array(z.object({ taskId: z.string(), exp: z.number() })),
  revokedAgents: z.array(z.object({ agentId: z.string(), exp: z.number(), revokedAt: z.number().describe("Tokens of the agent issued at or before this time (s) are revoked") })),
});

export const identityOperations: ApiOperation[] = [
  { ...oauth, method: "post", path: "/oauth/token", summary: "RFC 8693 token exchange: a task token (RFC 9068 JWT) for a task, narrowing on delegation", body: TokenExchangeForm, bodyContentTypes: form, responses: { 200: { description: "The task token", schema: TokenResponse }, 400: { description: "RFC 6749 §5.2 error: invalid_request, invalid_scope, invalid_target, access_denied", schema: OAuthError } } },
  { ...oauth, method: "get", path: "/oauth/jwks", summary: "Public keys of task tokens (JWKS)", responses: { 200: { description: "The JWKS" } } },
  { ...oauth, method: "post", path: "/oauth/revoke", summary: "RFC 7009: revoke a task token (its holder)", body: z.object({ token: z.string(), token_type_hint: z.string().optional() }), bodyContentTypes: form, responses: { 200: { description: "Revoked, or nothing to revoke" } } },
  { ...oauth, method: "post", path: "/oauth/end-task", summary: "An agent ends its task with one of the task's live tokens; every token of the task is revoked", body: z.object({ token: z.string() }), bodyContentTypes: form, responses: { 200: { description: "Ended" }, 400: { description: "Not a live token", schema: OAuthError } } },
  { ...oauth, method: "get", path: "/.well-known/oauth-authorization-server", summary: "RFC 8414 authorization-server metadata", responses: { 200: { description: "Metadata" } } },
  { ...ep, method: "post", path: "/oauth/introspect", summary: "RFC 7662 introspection of a task token", permission: "identity.introspect", body: z.object({ token: z.string() }), bodyContentTypes: form, responses: { 200: { description: "{active:false}, or the token's claims when it is live and issued for an audience the calling enforcement point serves" } } },
  { ...ep, method: "get", path: "/api/v1/revocations", summary: "Revocation feed (long-poll): revoked jtis, ended tasks, revoked agents still within their lifetime", permission: "revocations.read", query: z.object({ after: z.string().optional(), wait: z.number().max(30).optional() }), responses: { 200: { description: "Entries after the cursor", schema: Feed } } },
  { ...ep, method: "post", path: "/api/v1/secrets/release", summary: "Release a secret for a live task token whose scope carries its upstream (audited); a secret holding a downstream's OAuth client credentials releases a short-lived downstream access token instead", permission: "secrets.release", body: ReleaseInput, responses: { 200: { description: "The value: {name, value, kind: secret | downstream_token, tokenType?, releaseId, expiresAt}" }, 403: { description: "Token not live or scope does not carry the upstream" }, 503: { description: "The downstream token endpoint refused or failed; nothing released" } } },
  { ...user, method: "get", path: "/api/v1/trust-domains", summary: "Registered SPIFFE trust domains", permission: "identity.read", responses: { 200: { description: "Trust domains" } } },
  { ...user, method: "post", path: "/api/v1/trust-domains", summary: "Register a trust domain (JWKS, SPIRE bundle endpoint or OIDC issuer)", permission: "identity.manage", body: TrustDomainInput, responses: { 201: { description: "Registered" }, 409: { description: "Already registered" } } },
  { ...user, method: "delete", path: "/api/v1/trust-domains/{id}", summary: "Stop trusting a domain", permission: "identity.manage", responses: { 204: { description: "Deleted" } } },
  { ...user, method: "post", path: "/api/v1/signing-keys/rotate", summary: "Publish a new signing key; it signs after leadSeconds", permission: "identity.manage", body: z.object({ leadSeconds: z.number().int().min(0).max(86_400).optional() }), responses: { 200: { description: "The new kid and when it signs" } } },
  { ...user, method: "get", path: "/api/v1/tasks", summary: "Tasks, newest first unless ?sort= says otherwise", permission: "identity.read", query: ListTasksQuery, responses: { 200: { description: "Tasks" } } },
  { ...user, method: "get", path: "/api/v1/tasks/{id}", summary: "A task with its delegation tree, tokens, secret releases and decisions", permission: "identity.read", responses: { 200: { description: "The task" }, 404: { description: "No such task" } } },
  { ...user, method: "post", path: "/api/v1/tasks/{id}/end", summary: "End a task: revoke every token of it", permission: "tasks.end", responses: { 200: { description: "Ended" } } },
  { ...user, method: "post", path: "/api/v1/agents/{id}/revoke-tokens", summary: "Revoke every live task token of an agent", permission: "tasks.end", responses: { 200: { description: "Revoked" } } },
  { ...user, method: "get", path: "/api/v1/agents/{id}/keys", summary: "The agent's registered public keys (private_key_jwt)", permission: "agents.read", responses: { 200: { description: "Keys" } } },
  { ...user, method: "post", path: "/api/v1/agents/{id}/keys", summary: "Register a public key for private_key_jwt", permission: "agents.write", body: AgentKeyInput.omit({ agentId: true }), responses: { 201: { description: "Registered" } } },
  { ...user, method: "delete", path: "/api/v1/agents/{id}/keys/{keyId}", summary: "Revoke a registered key", permission: "agents.write", responses: { 200: { description: "Revoked" } } },
  { ...user, method: "get", path: "/api/v1/secrets", summary: "Secrets (never values)", permission: "identity.read", responses: { 200: { description: "Secrets" } } },
  { ...user, method: "post", path: "/api/v1/secrets", summary: "Store or replace a secret; the value is never shown again", permission: "secrets.manage", body: SecretInput, responses: { 201: { description: "Stored" } } },
  { ...user, method: "delete", path: "/api/v1/secrets/{id}", summary: "Delete a secret", permission: "secrets.manage", responses: { 204: { description: "Deleted" } } },
];
