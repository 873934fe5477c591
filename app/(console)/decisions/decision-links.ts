import type { DecisionSummary } from "@/lib/decisions/schemas";

export const decisionHref = (decision: Pick<DecisionSummary, "enforcementPointId" | "decisionId" | "time">) =>
  `/decisions/view?${new URLSearchParams({ ep: decision.enforcementPointId, id: decision.decisionId, time: decision.time })}`;
export const traceHref = (decision: Pick<DecisionSummary, "traceId" | "taskId">) =>
  decision.traceId ? `/decisions/trace?${new URLSearchParams({ trace: decision.traceId })}` : decision.taskId ? `/decisions/trace?${new URLSearchParams({ task: decision.taskId })}` : null;
