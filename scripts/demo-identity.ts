/**
 * `npm run demo:identity -- [--tasks 5] [--url http://localhost:3000]`
 * The demo agents get their credentials from Steward: the script plays a SPIFFE trust domain
 * (`demo.steward`, its JWT-SVID key generated here and registered as the domain's JWKS), registers a
 * planner and two executors with SPIFFE IDs, and for each task: the planner exchanges a fresh
 * JWT-SVID for a task token (RFC 8693), delegates to an executor with a narrower scope, once tries
 * to widen (refused and recorded), and some tasks are ended (every token revoked). Open /tasks.
 * Auth: STEWARD_TOKEN (a personal API token of an administrator), or STEWARD_ADMIN_EMAIL + STEWARD_ADMIN_PASSWORD.
 * If no policy version is published yet, it publishes a baseline (active agents may use what they declared).
 */
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { argValue, StewardClient } from "./lib/steward-client";

const baseUrl = argValue("url", process.env.STEWARD_URL ?? "http://localhost:3000").replace(/\/$/, "");
const taskCount = Number(argValue("tasks", "5"));
const DOMAIN = "demo.steward";
const AGENTS = {
  "identity-demo-planner": ["crm.search", "crm.read_contact", "mail.draft", "mail.send"],
  "identity-demo-crm": ["crm.search", "crm.read_contact"],
  "identity-demo-mail": ["mail.draft", "mail.send"],
} as const;
const GATEWAY = "https://mcp-gateway.demo.steward/mcp";

async function main() {
  const client = await StewardClient.connect(baseUrl, { token: process.env.STEWARD_TOKEN, email: process.env.STEWARD_ADMIN_EMAIL, password: process.env.STEWARD_ADMIN_PASSWORD });
  const metadata = (await (await fetch(`${baseUrl}/.well-known/oauth-authorization-server`)).json()) as { issuer: string; token_endpoint: string };

  // The trust domain: a fresh key each run (the previous registration is replaced).
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = `demo-${Date.now()}`;
  const existing = await client.json<{ trustDomains: { id: string; name: string }[] }>("GET", "/api/v1/trust-domains");
  for (const domain of existing.body.trustDomains.filter((item) => item.name === DOMAIN)) await client.json("DELETE", `/api/v1/trust-domains/${domain.id}`);
  const registered = await client.json("POST", "/api/v1/trust-domains", { name: DOMAIN, source: "jwks", jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "jwt-svid" }] }, allowedAlgs: ["ES256"] });
  if (registered.status !== 201) throw new Error(`registering the trust domain: ${registered.status} ${JSON.stringify(registered.body)}`);

  const ids: Record<string, string> = {};
  for (const [name, tools] of Object.entries(AGENTS)) {
    const saved = await client.json<{ id: string }>("PUT", `/api/v1/agents/by-external-id/${name}`, { name, status: "active", declaredActions: tools, credentialKind: "spiffe", credentialMaxLifetimeSeconds: 300, identities: [{ kind: "spiffe_id", value: `spiffe://${DOMAIN}/agent/${name}` }] });
    if (saved.status >= 300) throw new Error(`registering ${name}: ${saved.status} ${JSON.stringify(saved.body)}`);
    ids[name] = saved.body.id;
  }

  const versions = await client.json<{ versions?: unknown[] }>("GET", "/api/v1/policies/versions");
  if (!versions.body.versions?.length) {
    await client.json("POST", "/api/v1/policies", { description: "Baseline: active agents may use what they declared", source: `permit (principal is Steward::Agent, action, resource)\nwhen { principal.status == "active" && principal.declaredActions.contains(context.actionName) };` });
    const published = await client.json("POST", "/api/v1/policies/publish", { message: "identity demo baseline" });
    console.log(`no policy was published: published a baseline (HTTP ${published.status})`);
  }

  const svid = (agent: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub: `spiffe://${DOMAIN}/agent/${agent}`, aud: metadata.token_endpoint, iat: now, exp: now + 120, jti: randomUUID() }).setProtectedHeader({ alg: "ES256", kid, typ: "JWT" }).sign(privateKey);
  };
  const token = async (fields: Record<string, string>) => {
    const response = await fetch(metadata.token_endpoint, { method: "POST", body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", ...fields }) });
    return { status: response.status, body: (await response.json()) as { access_token?: string; scope?: string; error?: string; error_description?: string } };
  };

  for (let i = 0; i < taskCount; i++) {
    const purpose = ["answer a customer's order question", "follow up an unpaid invoice", "prepare the weekly account summary"][i % 3]!;
    const root = await token({ subject_token: await svid("identity-demo-planner"), subject_token_type: "urn:ietf:params:oauth:token-type:jwt", resource: GATEWAY, scope: "crm.search crm.read_contact mail.draft", authorization_details: JSON.stringify([{ type: "steward_task", purpose }]) });
    if (!root.body.access_token) throw new Error(`planner token: ${root.status} ${JSON.stringify(root.body)}`);
    const taskId = JSON.parse(Buffer.from(root.body.access_token.split(".")[1]!, "base64url").toString()).task_id as string;
    const crm = await token({ subject_token: root.body.access_token, subject_token_type: "urn:ietf:params:oauth:token-type:access_token", actor_token: await svid("identity-demo-crm"), actor_token_type: "urn:ietf:params:oauth:token-type:jwt", scope: "crm.read_contact" });
    const mail = await token({ subject_token: root.body.access_token, subject_token_type: "urn:ietf:params:oauth:token-type:access_token", actor_token: await svid("identity-demo-mail"), actor_token_type: "urn:ietf:params:oauth:token-type:jwt", scope: "mail.draft" });
    // The mail executor tries to widen to mail.send, which the planner's token does not carry: refused and recorded.
    const widen = await token({ subject_token: root.body.access_token, subject_token_type: "urn:ietf:params:oauth:token-type:access_token", actor_token: await svid("identity-demo-mail"), actor_token_type: "urn:ietf:params:oauth:token-type:jwt", scope: "mail.send" });
    console.log(`task ${taskId} (${purpose}): planner [${root.body.scope}] → crm [${crm.body.scope ?? crm.body.error}] , mail [${mail.body.scope ?? mail.body.error}]; widening to mail.send: ${widen.body.error} — ${baseUrl}/tasks/${taskId}`);
    if (i % 2 === 1) {
      const ended = await fetch(`${baseUrl}/oauth/end-task`, { method: "POST", body: new URLSearchParams({ token: root.body.access_token }) });
      console.log(`  ended by the planner: ${JSON.stringify(await ended.json())}`);
    }
  }
  console.log(`\nOpen ${baseUrl}/tasks to see the tasks and their delegation trees. Agents: ${Object.values(ids).join(", ")}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
