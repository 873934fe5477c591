/**
 * `npm run demo:traffic -- [--duration 120] [--rate 3] [--url http://localhost:3000]`
 * Registers three demo enforcement points through the real API and pushes a realistic mix of
 * decisions for --duration seconds: a planner delegating to executors, tool calls, denies,
 * out-of-scope calls, approvals, and an OPA that uploads decision logs in its own format.
 * Auth: STEWARD_TOKEN (a personal API token of an admin or security engineer), or
 * STEWARD_ADMIN_EMAIL + STEWARD_ADMIN_PASSWORD to sign in.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { argValue, postDecisions, sleep, StewardClient } from "./lib/steward-client";

const baseUrl = argValue("url", process.env.STEWARD_URL ?? "http://localhost:3000").replace(/\/$/, "");
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

async function main() {
  const client = await StewardClient.connect(baseUrl, { token: process.env.STEWARD_TOKEN, email: process.env.STEWARD_ADMIN_EMAIL, password: process.env.STEWARD_ADMIN_PASSWORD });
  const mcp = await client.enforcementPointToken({ name: "demo-mcp-gateway", kind: "mcp-gateway", environment: "demo", description: "Demo traffic: MCP gateway in front of agent tools" });
  const opa = await client.enforcementPointToken({ name: "demo-opa", kind: "policy-engine", environment: "demo", description: "Demo traffic: OPA behind Envoy, uploading decision logs" });
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
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
