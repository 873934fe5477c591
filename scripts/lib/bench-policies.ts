/**
 * The policy set and request mix bench:policy and bench:gateway evaluate, so their figures are for the same 50 policies and requests.
 */
import type { AuthzenRequest } from "@/lib/policies/request-mapping";
import { POLICY_TEMPLATES } from "@/lib/policies/templates";

/** The tools the benchmark agents declare and call. */
export const BENCH_TOOLS = ["github.create_issue", "github.merge", "slack.post", "jira.read", "db.query", "s3.get", "s3.put", "email.send", "crm.read", "billing.refund"];

/** 50 policies: the six templates plus per-tool and per-team rules of the same shapes. */
export function fiftyPolicies(): string[] {
  const out = POLICY_TEMPLATES.map((template) => template.source);
  for (const tool of BENCH_TOOLS) {
    out.push(`forbid (principal is Steward::Agent, action, resource)\nwhen { context.actionName == "${tool}" && principal.riskTier == "high" && context.hour < 6 };`);
    out.push(`permit (principal is Steward::Agent, action == Steward::Action::"call_tool", resource)\nwhen { context.actionName == "${tool}" && principal.hasOwner && principal.status == "active" };`);
    out.push(`forbid (principal, action, resource is Steward::Tool)\nwhen { context.actionName == "${tool}" && context.external && context.dataSensitivity == "restricted" };`);
  }
  for (let team = 0; out.length < 50; team++) {
    out.push(`permit (principal is Steward::Agent, action in [Steward::Action::"read", Steward::Action::"write"], resource)\nwhen { principal in Steward::Team::"team_${team}" && context.sensitivityLevel <= 1 };`);
  }
  return out.slice(0, 50);
}

/** How many agents the benchmark inventory holds (agt_bench_0…). */
export const BENCH_AGENTS = 200;
const SENSITIVITY = ["public", "internal", "confidential", "restricted"];

/** The i-th AuthZEN request of the benchmark mix: agents, tools, environments, sensitivities and delegation depths in turn. */
export function benchRequest(i: number, context: Record<string, unknown> = {}): AuthzenRequest {
  return {
    subject: { type: "agent", id: `agt_bench_${i % BENCH_AGENTS}` },
    action: { name: BENCH_TOOLS[i % BENCH_TOOLS.length]! },
    resource: { type: "tool", id: BENCH_TOOLS[i % BENCH_TOOLS.length]!, properties: { environment: i % 3 ? "prod" : "dev" } },
    context: { data_sensitivity: SENSITIVITY[i % 4], destination: i % 5 ? "internal" : "api.example.com", external: i % 5 === 0, delegation_depth: i % 4, ...context },
  };
}
