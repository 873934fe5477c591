/**
 * `npm run demo:traffic -- [--duration 120] [--rate 3] [--url http://localhost:3000]` (without --url: STEWARD_URL, else
 * http://127.0.0.1:$PORT, where npm start listens). A console that cannot be reached is named with the reason.
 * Registers three demo enforcement points through the real API and pushes a realistic mix of
 * decisions for --duration seconds: a planner delegating to executors, tool calls, denies,
 * out-of-scope calls, approvals, and an OPA that uploads decision logs in its own format.
 * With --approval on, it also sets up `cleanup-bot`, whose destructive call is held by a requestable
 * forbid (@approval) and waits in Approvals until a person decides (docs/approvals.md). That step
 * changes the console's live policy: it saves two policies to the draft and publishes the draft
 * (all of it), so it is off unless asked for — meant for a console kept for demos.
 * Auth: STEWARD_TOKEN (a personal API token of an admin or security engineer), or
 * STEWARD_ADMIN_EMAIL + STEWARD_ADMIN_PASSWORD to sign in.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { argValue, consoleUrl, postDecisions, sleep, StewardClient } from "./lib/steward-client";

/** --url, else STEWARD_URL, else the port `npm start` uses (PORT, default 3000). */
const baseUrl = consoleUrl();
const durationSeconds = Number(argValue("duration", "60"));
const tasksPerSecond = Number(argValue("rate", "3"));

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const hex = (bytes: number) => randomBytes(bytes).toString("hex");

const PLANNERS = ["support-planner", "finance-planner"] as const;
const EXECUTORS: Record<string, { tools: string[]; outOfScope: string[] }> = {
  "crm-executor": { tools: ["crm.read_contact", "crm.update_contact", "crm.search"], outOfScope: ["payments.refund"] },
  "mail-executor": { tools: ["mail.draft", "mail.send"], outOfScope: ["crm.export_all"] },
  "billing-executor": { tools: ["invoice.read", "invoice.create", "payments.refund"], outOfScope: ["iam.grant_role"] },
};
const RESOURCE: Record<string, string> = { crm: "contact", mail: "message", invoice: "invoice", payments: "payment", iam: "role" };

type Native = Record<string, unknown>;

function decision(agent: string, action: string, trace: string, task: string, parentSpan: string | undefined, delegation: string[], outcome: string, reasons: string[]): Native & { span_id: string } {
  const [service] = action.split(".");
  const resourceType = RESOURCE[service!] ?? "resource";
  const resourceId = `${resourceType}-${Math.floor(Math.random() * 5000)}`;
  const spanId = hex(8);
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    agent: { id: agent, spiffe_id: `spiffe://demo.steward/agents/${agent}`, name: agent.replace(/-/g, " ") },
    action: { name: action, kind: "mcp.tools/call" },
    resource: { type: resourceType, id: resourceId },
    destination: `${service}.internal`,
    outcome,
    reasons,
    policy_revision: "demo-rev-3",
    task_id: task,
    trace_id: trace,
    span_id: spanId,
    ...(parentSpan ? { parent_span_id: parentSpan } : {}),
    delegation,
    request: { subject: { type: "agent", id: agent }, action: { name: action }, resource: { type: resourceType, id: resourceId }, context: { delegated_by: delegation.at(-2) ?? null } },
    latency_ms: Math.round(Math.random() * 400) / 100,
    context: { tenant: pick(["acme", "globex", "initech"]) },
  };
}

/** One task: a planner starts it and delegates to one or two executors, each making a few tool calls. */
function task(): Native[] {
  const planner = pick(PLANNERS);
  const trace = hex(16);
  const taskId = `task-${hex(4)}`;
  const root = decision(planner, "task.plan", trace, taskId, undefined, [planner], "allow", ["pol_planners_may_plan"]);
  const out: Native[] = [root];
  const executors = Object.keys(EXECUTORS).sort(() => Math.random() - 0.5).slice(0, 1 + Math.floor(Math.random() * 2));
  for (const executor of executors) {
    const chain = [planner, executor];
    const delegate = decision(executor, "agent.delegate", trace, taskId, root.span_id, chain, "allow", ["pol_delegation_allowed"]);
    out.push(delegate);
    const calls = 1 + Math.floor(Math.random() * 3);
    for (let i = 0; i < calls; i++) {
      const roll = Math.random();
      const { tools, outOfScope } = EXECUTORS[executor]!;
      if (roll < 0.1) out.push(decision(executor, pick(outOfScope), trace, taskId, delegate.span_id, chain, "deny", ["pol_out_of_declared_scope"]));
      else if (roll < 0.18) out.push(decision(executor, "payments.refund", trace, taskId, delegate.span_id, chain, "approval_required", ["pol_refunds_need_approval"]));
      else if (roll < 0.25) out.push(decision(executor, pick(tools), trace, taskId, delegate.span_id, chain, "deny", ["pol_business_hours_only"]));
      else out.push(decision(executor, pick(tools), trace, taskId, delegate.span_id, chain, "allow", ["pol_tool_allowlist"]));
    }
  }
  return out;
}

/** An OPA decision-log event for an API call behind Envoy, as OPA's decision_logs plugin uploads it. */
function opaEvent(): Native {
  const agent = pick(["report-bot", "etl-agent", "shadow-scraper"]);
  const path = pick(["/v1/reports", "/v1/customers", "/v1/exports"]);
  const allowed = agent !== "shadow-scraper" && Math.random() > 0.15;
  return {
    decision_id: randomUUID(),
    timestamp: new Date().toISOString(),
    path: "envoy/authz/allow",
    labels: { id: "demo-opa", version: "0.70.0" },
    bundles: { authz: { revision: "opa-bundle-42" } },
    input: { attributes: { source: { principal: `spiffe://demo.steward/agents/${agent}` }, request: { http: { method: pick(["GET", "POST"]), path, host: "api.internal" } } } },
    result: { allowed, headers: {} },
    metrics: { timer_server_handler_ns: 180_000 + Math.floor(Math.random() * 200_000) },
  };
}

type Id = { id?: string; person?: { id: string }; agent?: { id: string } };
const idOf = (body: Id) => body.person?.id ?? body.agent?.id ?? body.id!;

/**
 * An agent whose destructive call waits for approval: scoped policies (a permit and a requestable
 * forbid for cleanup-bot only) are published, the call is evaluated, its access request submitted,
 * and the gateway long-polls until someone approves or denies in the console, then evaluates again.
 */
async function approvalScenario(client: StewardClient, gatewayToken: string): Promise<void> {
  const ownerEmail = process.env.STEWARD_ADMIN_EMAIL?.toLowerCase();
  let ownerId: string | undefined;
  if (ownerEmail) {
    const created = await client.json<Id>("POST", "/api/v1/people", { name: "Demo owner", email: ownerEmail });
    if (created.status === 201) ownerId = idOf(created.body);
    else ownerId = (await client.json<{ items: { id: string; email: string }[] }>("GET", `/api/v1/people?q=${encodeURIComponent(ownerEmail)}`)).body.items.find((person) => person.email === ownerEmail)?.id;
  }
  const name = `cleanup-bot-${hex(2)}`;
  const agent = await client.json<Id>("POST", "/api/v1/agents", { name, status: "active", ...(ownerId ? { ownerId } : {}), declaredActions: ["call_tool"], description: "Demo: its destructive calls wait for approval" });
  if (agent.status !== 201) throw new Error(`creating ${name} failed: HTTP ${agent.status}`);
  const agentId = idOf(agent.body);
  const group = ownerId ? "owner" : "security";
  for (const source of [`permit (principal == Steward::Agent::"${agentId}", action, resource);`, `@approval("${group}")\nforbid (principal == Steward::Agent::"${agentId}", action, resource)\nwhen { context.destructive };`]) {
    const saved = await client.json("POST", "/api/v1/policies", { description: `Demo: ${name} may act, but destructive calls wait for approval`, owner: "demo", source });
    if (saved.status !== 201) throw new Error(`saving the demo policy failed: HTTP ${saved.status} ${JSON.stringify(saved.body)}`);
  }
  const published = await client.json("POST", "/api/v1/policies/publish", { message: `demo: ${name}'s destructive calls wait for approval` });
  if (published.status !== 201) throw new Error(`publishing the demo policies failed: HTTP ${published.status} ${JSON.stringify(published.body)} (approve the draft if four-eyes is on, or leave out --approval on)`);
  const ep = { authorization: `Bearer ${gatewayToken}`, "content-type": "application/json" };
  const call = { subject: { type: "agent", id: agentId }, action: { name: "tools/call" }, resource: { type: "tool", id: "db.drop_table" }, context: { destructive: true, arguments: { table: "sessions_archive" }, task_purpose: "nightly cleanup" } };
  const evaluate = async (context: Record<string, unknown>) => (await (await fetch(`${baseUrl}/access/v1/evaluation`, { method: "POST", headers: ep, body: JSON.stringify({ ...call, context }) })).json()) as { decision: boolean; context: { access_request?: { binding_token: string } } };
  const denial = await evaluate(call.context);
  if (!denial.context.access_request) throw new Error("the demo call was not a requestable denial");
  const submitted = await fetch(`${baseUrl}/access/v1/requests`, { method: "POST", headers: { ...ep, "idempotency-key": randomUUID() }, body: JSON.stringify({ ...call, justification: "Nightly cleanup of an archived table", denial: { binding_token: denial.context.access_request.binding_token } }) });
  const { task } = (await submitted.json()) as { task: { id: string; status_endpoint: string } };
  console.log(`${name} wants db.drop_table: access request ${task.id} waits for ${group === "owner" ? "its owner" : "a security engineer"} in ${baseUrl}/approvals`);
  for (;;) {
    const status = (await (await fetch(`${task.status_endpoint}?wait=30`, { headers: ep })).json()) as { task: { status: string }; result?: { approval: unknown } };
    if (status.task.status === "pending") continue;
    if (status.task.status !== "approved") return console.log(`access request ${task.id} ended ${status.task.status}; the call stays denied`);
    const again = await evaluate({ ...call.context, approval: status.result!.approval });
    return console.log(`access request ${task.id} approved; re-evaluation: ${again.decision ? "allowed, the table is dropped" : "still denied"}`);
  }
}

async function main() {
  const client = await StewardClient.connect(baseUrl, { token: process.env.STEWARD_TOKEN, email: process.env.STEWARD_ADMIN_EMAIL, password: process.env.STEWARD_ADMIN_PASSWORD });
  const mcp = await client.enforcementPointToken({ name: "demo-mcp-gateway", kind: "mcp-gateway", environment: "demo", description: "Demo traffic: MCP gateway in front of agent tools" });
  const opa = await client.enforcementPointToken({ name: "demo-opa", kind: "policy-engine", environment: "demo", description: "Demo traffic: OPA behind Envoy, uploading decision logs" });
  const approvals = argValue("approval", "off") !== "on" ? Promise.resolve() : approvalScenario(client, mcp.token).catch((error: unknown) => console.error("approval scenario:", error instanceof Error ? error.message : error));
  console.log(`demo traffic → ${baseUrl} for ${durationSeconds} s (${tasksPerSecond} tasks/s). Open ${baseUrl}/decisions to watch.`);
  const stopAt = Date.now() + durationSeconds * 1000;
  const totals = { native: 0, opa: 0, failed: 0 };
  while (Date.now() < stopAt) {
    const tickStart = Date.now();
    const batch = Array.from({ length: Math.max(1, Math.round(tasksPerSecond)) }, task).flat();
    const events = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, opaEvent);
    const [native, logs] = await Promise.all([postDecisions(baseUrl, mcp.token, batch), postDecisions(baseUrl, opa.token, events, { path: "/api/v1/opa/logs", gzip: true })]);
    if (native.status === 200) totals.native += batch.length;
    else totals.failed++;
    if (logs.status === 200) totals.opa += events.length;
    else totals.failed++;
    if (native.status !== 200 || logs.status !== 200) console.error("rejected:", native.status, JSON.stringify(native.body).slice(0, 200), logs.status);
    await sleep(Math.max(0, 1000 - (Date.now() - tickStart)));
  }
  console.log(`sent ${totals.native} native decisions and ${totals.opa} OPA events; ${totals.failed} failed requests`);
  await approvals;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
