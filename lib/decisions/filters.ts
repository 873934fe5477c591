import { z } from "zod";
import { Outcome, type DecisionSummary } from "./schemas";

// The fallback is outermost, so the API's strict reader (lib/http/query.ts) can peel it off and answer 400.
const optionalParam = z
  .string()
  .trim()
  .max(200)
  .transform((value) => value || undefined)
  .optional()
  .catch(undefined);

/** Filters shared by the live feed and the explorer; lenient, because they come from the URL. */
export const DecisionFilter = z.object({
  agent: optionalParam.describe("Agent: inventory id (agt_…) or the id the enforcement point sent; substring match"),
  action: optionalParam.describe("Action name, substring match"),
  outcome: Outcome.optional().catch(undefined),
  ep: optionalParam.describe("Enforcement point id (ep_…)"),
  q: optionalParam.describe("Free text across agent, action, resource, decision id, trace and task"),
});
export type DecisionFilter = z.infer<typeof DecisionFilter>;

const contains = (haystack: string | null, needle: string) => haystack !== null && haystack.toLowerCase().includes(needle.toLowerCase());

export function matchesFilter(decision: DecisionSummary, filter: DecisionFilter): boolean {
  if (filter.outcome && decision.outcome !== filter.outcome) return false;
  if (filter.ep && decision.enforcementPointId !== filter.ep) return false;
  if (filter.agent && !(decision.agentId === filter.agent || contains(decision.agentRef, filter.agent))) return false;
  if (filter.action && !contains(decision.actionName, filter.action)) return false;
  if (filter.q) {
    const fields = [decision.agentRef, decision.agentId, decision.actionName, decision.resourceType, decision.resourceId, decision.decisionId, decision.traceId, decision.taskId];
    if (!fields.some((field) => contains(field, filter.q!))) return false;
  }
  return true;
}
