import { getDb } from "@/db/client";
import type { RawQuery } from "@/db/raw-sql";
import { requestableDenial } from "../approvals/requestable";
import type { Actor } from "../auth/actor";
import { ingestDecisions } from "../decisions/ingest-decisions";
import { newId } from "../ids";
// The one place the token service reaches the PDP.
import type { EngineDecision, PolicyEngine } from "../policies/engine";
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

/**
 * Cedar's answers per engine, keyed by the Cedar request and entities the engine maps an issuance
 * request to. The engine's own memo is keyed by the AuthZEN request, which holds the new task's id
 * and so never repeats; the mapped request holds only what the schema lets reach Cedar (an
 * attribute the schema does not declare never reaches a policy), so the same agent asking for the
 * same scope and audience maps to the same Cedar request, task after task, and Cedar is asked once.
 * Equal Cedar requests and entities get equal answers from one engine: no decision changes.
 */
const MAPPED_MEMO_ENTRIES = 50_000;
const mappedMemos = new WeakMap<PolicyEngine, Map<string, EngineDecision>>();

function evaluateIssuance(engine: PolicyEngine, request: AuthzenRequest, at: Date, chain: string[]): EngineDecision {
  const mapped = engine.map(request, at, chain);
  if ("refused" in mapped) return { decision: "deny", determiningPolicies: [], errors: [], erroringPolicies: [], reason: mapped.refused, refused: true };
  let memo = mappedMemos.get(engine);
  if (!memo) mappedMemos.set(engine, (memo = new Map()));
  const key = JSON.stringify(mapped);
  let decision = memo.get(key);
  if (!decision) {
    decision = engine.evaluateCedar(mapped.request, mapped.entities);
    if (memo.size >= MAPPED_MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
    memo.set(key, decision);
  }
  return decision;
}

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
    const result = evaluateIssuance(engine, request, at, input.chain);
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

/**
 * Writes that must commit with the issuance decision or not at all (the issued token: claim, task,
 * token row), run on the decision's own transaction. Throwing refuses this exchange alone: the
 * group's transaction is rolled back and written again without it.
 */
export type IssueInTransaction = (query: RawQuery) => Promise<void>;

type Waiting = { values: Record<string, unknown>[]; issue?: IssueInTransaction; resolve: () => void; reject: (error: unknown) => void };
const holder = globalThis as typeof globalThis & { __stewardIssuanceRecorder?: { queue: Waiting[]; inFlight: boolean; scheduled: boolean } };
const recorder = (holder.__stewardIssuanceRecorder ??= { queue: [], inFlight: false, scheduled: false });
/** Decisions per ingest call; a longer queue is split. */
const MAX_GROUP = 1_000;

/**
 * Records the decisions and resolves once they are committed (an answer — token or refusal — is
 * given only after its record exists). With `issue`, the token is written in the same transaction
 * as its decisions: one transaction per exchange, and no decision recorded for a token that was not
 * issued (nor a token without its decision). Exchanges arriving together are group-committed: one
 * transaction for everything queued while the previous group was writing.
 */
export function recordIssuance(record: RecordedIssuance, at = new Date(), issue?: IssueInTransaction): Promise<void> {
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
  const committed = new Promise<void>((resolve, reject) => recorder.queue.push({ values, issue, resolve, reject }));
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
    void writeGroup(group).finally(() => {
      recorder.inFlight = false;
      schedule();
    });
  });
}

/** Thrown inside the transaction when an exchange's own writes refused it, to roll the group back. */
class IssueRefused extends Error {}
/** 25P02: a statement failed earlier in this transaction; this one is collateral, not at fault. */
const isCollateral = (error: unknown) => (error as { code?: unknown })?.code === "25P02";

/**
 * One transaction for the group's decisions and issued tokens. An exchange whose own writes refuse
 * it (a replay, the agent changed, a failing statement) gets its error; the rest are written again
 * without it (one more transaction, only when something was refused).
 */
async function writeGroup(group: Waiting[]): Promise<void> {
  const refused = new Map<Waiting, unknown>();
  try {
    await ingestDecisions({
      ctx: { actor: STS_ACTOR, requestId: newId("req"), ip: null },
      input: group.flatMap((item) => item.values.map((value) => ({ value }))),
      alsoInTransaction: async (query) => {
        // Issued together: postgres.js pipelines them on the transaction's connection.
        const issuing = group.filter((item) => item.issue);
        const outcomes = await Promise.allSettled(issuing.map((item) => item.issue!(query)));
        outcomes.forEach((outcome, index) => {
          if (outcome.status === "rejected" && !isCollateral(outcome.reason)) refused.set(issuing[index]!, outcome.reason);
        });
        const collateral = outcomes.some((outcome) => outcome.status === "rejected" && isCollateral(outcome.reason));
        if (refused.size || collateral) throw new IssueRefused();
      },
    });
  } catch (error) {
    if (!(error instanceof IssueRefused)) {
      for (const item of group) item.reject(error);
      return;
    }
    for (const [item, reason] of refused) item.reject(reason);
    const rest = group.filter((item) => !refused.has(item));
    // Nothing to blame (only collateral failures): write one at a time, so each stands alone.
    if (!refused.size) {
      if (group.length === 1) group[0]!.reject(new Error("issuing the token failed: its transaction was aborted"));
      else for (const item of rest) await writeGroup([item]);
      return;
    }
    if (rest.length) await writeGroup(rest);
    return;
  }
  for (const item of group) item.resolve();
}
