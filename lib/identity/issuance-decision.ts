import { getDb } from "@/db/client";
import { requestableDenial } from "../approvals/requestable";
import type { Actor } from "../auth/actor";
import { ingestDecisions } from "../decisions/ingest-decisions";
import { newId } from "../ids";
// The one place the token service reaches the PDP.
import { ENGINE_REFRESH_MS, forgetPublishedEngine, getPublishedEngine } from "../policies/published-engine";
import { STEWARD_PDP_ENFORCEMENT_POINT } from "../policies/pdp-decisions";
import type { AuthzenRequest } from "../policies/request-mapping";

/**
 * Token issuance as a policy decision. Each requested scope entry is one Cedar evaluation of the
 * published policies: principal = the agent, action = the scope entry (a Cedar action name, or a
 * tool name that maps to `call_tool`), resource = the audience (for an action) or the tool, and
 * context `{task_id, task_purpose, delegation, audience, token_issuance: true}` — so the policies
 * that govern what an agent may do also govern which tokens it may hold. No published version
 * means nothing is granted (never fail open). A scope entry denied only by requestable forbids
 * (`@approval` policies whose lifting would allow it) is granted: the token lets the agent *ask*,
 * and every call under it is still held at the enforcement point until a person approves that call.
 *
 * Every evaluation, and every refusal the token service makes before policy (widening, depth),
 * is recorded as a decision with `action.kind = "token_issuance"` and the task id.
 */
export type IssuanceRequest = {
  agentId: string;
  identity: { spiffeId?: string; clientId?: string };
  scope: string[];
  audience: string;
  taskId: string;
  purpose: string;
  /** Acting agents, outermost (original delegator) first, ending with `agentId`. */
  chain: string[];
  /** When the agent's inventory row last changed. */
  agentChangedAt: Date;
};
export type ScopeVerdict = { scope: string; allowed: boolean; reasons: string[]; request: AuthzenRequest };
export type IssuanceDecision = { verdicts: ScopeVerdict[]; revision: number | null };

export async function decideIssuance(input: IssuanceRequest, at = new Date()): Promise<IssuanceDecision> {
  // The published engine's inventory snapshot may be up to ENGINE_REFRESH_MS old: an agent changed
  // more recently (just registered, re-scoped) is judged on a freshly loaded one.
  if (Date.now() - input.agentChangedAt.getTime() < ENGINE_REFRESH_MS + 1_000) forgetPublishedEngine();
  const engine = await getPublishedEngine(await getDb());
  const verdicts = input.scope.map((scope): ScopeVerdict => {
    const isAction = engine?.shape.actions.has(scope) ?? false;
    const request: AuthzenRequest = {
      subject: { type: "agent", id: input.agentId },
      action: { name: scope },
      resource: isAction ? { type: "resource", id: input.audience } : { type: "tool", id: scope },
      context: { task_id: input.taskId, task_purpose: input.purpose, delegation: input.chain, audience: input.audience, token_issuance: true },
    };
    if (!engine) return { scope, allowed: false, reasons: ["no policy version is published"], request };
    const result = engine.evaluate(request, at, input.chain);
    const requestable = result.decision === "deny" && !result.errors.length ? requestableDenial(engine, result, request, at) : null;
    if (requestable) return { scope, allowed: true, reasons: [...requestable.policies, "approval required per call"], request };
    return { scope, allowed: result.decision === "allow", reasons: result.determiningPolicies.length ? result.determiningPolicies : result.decision === "allow" ? [] : ["no policy permits this scope"], request };
  });
  return { verdicts, revision: engine?.revision ?? null };
}

export type RecordedIssuance = {
  agentId: string;
  identity: { spiffeId?: string; clientId?: string };
  taskId: string;
  chain: string[];
  audience: string;
  items: { scope: string; allowed: boolean; reasons: string[]; request?: AuthzenRequest }[];
  revision: number | null;
};

const STS_ACTOR: Extract<Actor, { type: "enforcement_point" }> = { type: "enforcement_point", enforcementPointId: STEWARD_PDP_ENFORCEMENT_POINT, name: "Steward token service" };

type Waiting = { values: Record<string, unknown>[]; resolve: () => void; reject: (error: unknown) => void };
const holder = globalThis as typeof globalThis & { __stewardIssuanceRecorder?: { queue: Waiting[]; inFlight: boolean; scheduled: boolean } };
const recorder = (holder.__stewardIssuanceRecorder ??= { queue: [], inFlight: false, scheduled: false });
/** Decisions per ingest call; a longer queue is split. */
const MAX_GROUP = 1_000;

/**
 * Records the decisions and resolves once they are committed (an answer — token or refusal — is
 * given only after its record exists). Exchanges arriving together are group-committed: one
 * ingest transaction for everything queued while the previous group was writing.
 */
export function recordIssuance(record: RecordedIssuance, at = new Date()): Promise<void> {
  if (!record.items.length) return Promise.resolve();
  const time = at.toISOString();
  const values = record.items.map((item) => ({
    id: newId("dec"),
    time,
    agent: { id: record.agentId, ...(record.identity.spiffeId ? { spiffe_id: record.identity.spiffeId } : {}), ...(record.identity.clientId ? { client_id: record.identity.clientId } : {}) },
    action: { name: item.scope, kind: "token_issuance" },
    resource: { type: "audience", id: record.audience.slice(0, 2048) },
    outcome: item.allowed ? "allow" : "deny",
    reasons: item.reasons.map((reason) => reason.slice(0, 500)),
    ...(record.revision === null ? {} : { policy_revision: String(record.revision) }),
    task_id: record.taskId,
    ...(record.chain.length > 1 ? { delegation: record.chain } : {}),
    ...(item.request ? { request: item.request } : {}),
  }));
  const committed = new Promise<void>((resolve, reject) => recorder.queue.push({ values, resolve, reject }));
  schedule();
  return committed;
}

function schedule(): void {
  if (recorder.scheduled || recorder.inFlight || !recorder.queue.length) return;
  recorder.scheduled = true;
  // setImmediate lets every exchange already read in this turn of the event loop join the group.
  setImmediate(() => {
    recorder.scheduled = false;
    const group: Waiting[] = [];
    let size = 0;
    while (recorder.queue.length && size < MAX_GROUP) {
      const next = recorder.queue.shift()!;
      group.push(next);
      size += next.values.length;
    }
    recorder.inFlight = true;
    void ingestDecisions({ ctx: { actor: STS_ACTOR, requestId: newId("req"), ip: null }, input: group.flatMap((item) => item.values.map((value) => ({ value }))) })
      .then(
        () => group.forEach((item) => item.resolve()),
        (error: unknown) => group.forEach((item) => item.reject(error)),
      )
      .finally(() => {
        recorder.inFlight = false;
        schedule();
      });
  });
}
