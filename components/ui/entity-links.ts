/**
 * Where each kind of entity lives in the console. Every link to an entity is built here, so a page
 * that moves changes one line (and e2e/console/console-faults.spec.ts crawls every link for 404s).
 */
export type DecisionKey = { enforcementPointId: string; decisionId: string; time: string | Date };

/** One recorded decision: /decisions/view?ep=&id=&time= (time narrows the partition searched). */
export const decisionHref = (decision: DecisionKey) =>
  `/decisions/view?${new URLSearchParams({ ep: decision.enforcementPointId, id: decision.decisionId, time: typeof decision.time === "string" ? decision.time : decision.time.toISOString() })}`;

/** The trace of a decision's call chain, by trace id or else task id; null when it has neither. */
export const traceHref = (decision: { traceId: string | null; taskId: string | null }) =>
  decision.traceId ? `/decisions/trace?${new URLSearchParams({ trace: decision.traceId })}` : decision.taskId ? `/decisions/trace?${new URLSearchParams({ task: decision.taskId })}` : null;

/** A draft policy opened in the policy studio. */
export const policyHref = (policyId: string) => `/policies?${new URLSearchParams({ policy: policyId })}`;

export const agentHref = (agentId: string) => `/agents/${encodeURIComponent(agentId)}`;

/** Enforcement points have no page of their own: the list, filtered to the one. */
export const enforcementPointHref = (enforcementPointId: string) => `/enforcement-points#ep-${encodeURIComponent(enforcementPointId)}`;
