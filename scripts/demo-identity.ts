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
import { DemoTrustDomain, taskIdOf } from "./lib/demo-trust-domain";
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
  // The trust domain: a fresh key each run (the previous registration is replaced).
  const domain = await DemoTrustDomain.register(client, baseUrl, DOMAIN);

  const ids: Record<string, string> = {};
  for (const [name, tools] of Object.entries(AGENTS)) {
    const saved = await client.json<{ id: string }>("PUT", `/api/v1/agents/by-external-id/${name}`, { name, status: "active", declaredActions: tools, credentialKind: "spiffe", credentialMaxLifetimeSeconds: 300, identities: [{ kind: "spiffe_id", value: domain.spiffeId(name) }] });
    if (saved.status >= 300) throw new Error(`registering ${name}: ${saved.status} ${JSON.stringify(saved.body)}`);
    ids[name] = saved.body.id;
  }

  const versions = await client.json<{ versions?: unknown[] }>("GET", "/api/v1/policies/versions");
  if (!versions.body.versions?.length) {
    await client.json("POST", "/api/v1/policies", { description: "Baseline: active agents may use what they declared", source: `permit (principal is Steward::Agent, action, resource)\nwhen { principal.status == "active" && principal.declaredActions.contains(context.actionName) };` });
    const published = await client.json("POST", "/api/v1/policies/publish", { message: "identity demo baseline" });
    console.log(`no policy was published: published a baseline (HTTP ${published.status})`);
  }

  for (let i = 0; i < taskCount; i++) {
    const purpose = ["answer a customer's order question", "follow up an unpaid invoice", "prepare the weekly account summary"][i % 3]!;
    const root = await domain.startTask("identity-demo-planner", { resource: GATEWAY, scope: "crm.search crm.read_contact mail.draft", purpose });
    if (!root.body.access_token) throw new Error(`planner token: ${root.status} ${JSON.stringify(root.body)}`);
    const taskId = taskIdOf(root.body.access_token);
    const crm = await domain.delegate(root.body.access_token, "identity-demo-crm", "crm.read_contact");
    const mail = await domain.delegate(root.body.access_token, "identity-demo-mail", "mail.draft");
    // The mail executor tries to widen to mail.send, which the planner's token does not carry: refused and recorded.
    const widen = await domain.delegate(root.body.access_token, "identity-demo-mail", "mail.send");
    console.log(`task ${taskId} (${purpose}): planner [${root.body.scope}] → crm [${crm.body.scope ?? crm.body.error}] , mail [${mail.body.scope ?? mail.body.error}]; widening to mail.send: ${widen.body.error} — ${baseUrl}/tasks/${taskId}`);
    if (i % 2 === 1) {
      const ended = await domain.endTask(root.body.access_token);
      console.log(`  ended by the planner: ${JSON.stringify(ended.body)}`);
    }
  }
  console.log(`\nOpen ${baseUrl}/tasks to see the tasks and their delegation trees. Agents: ${Object.values(ids).join(", ")}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
