import { getDb, type Executor } from "@/db/client";
import {
  agentAndEnforcementPointNames,
  countReplayable,
  finishReplay,
  getReplayOrThrow,
  insertReplay,
  markReplayRunning,
  readReplayChunk,
  requestReplayCancel,
  saveReplayProgress,
  type ReplayCursor,
  type ReplayFilter,
} from "@/db/policies";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { readDb, withReadScope } from "../replica/read-db";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { requestableDenial } from "../approvals/pdp";
import { hashContent, type PolicySetContent } from "./content";
import { loadDraftContent } from "./draft-content";
import type { PolicyEngine } from "./engine";
import { engineForContent } from "./published-engine";
import { isAuthzenRequest } from "./request-mapping";
import { ReplayIdInput, StartReplayInput } from "./schemas";
import { validateContent } from "./validate";

const CHUNK_SIZE = 1_000;
const EXAMPLES_PER_DIRECTION = 25;
/** Longest stretch of evaluation between two turns of the event loop. */
const SLICE_MS = 10;

/** One flipped decision kept as an example; the names are added when a replay is read (`getReplay`). */
export type ReplayExample = { enforcementPointId: string; enforcementPointName?: string | null; decisionId: string; time: string; agentId: string; agentName?: string | null; action: string; recorded: string; replayed: "allow" | "deny"; determiningPolicies: string[]; requestable?: boolean };
export type ReplayResult = {
  allowToDeny: number;
  denyToAllow: number;
  unchanged: number;
  notComparable: number;
  invalidRequests: number;
  /** Requests answered from the engine's memo (an identical request was evaluated before). */
  memoHits: number;
  /** Replayed denies that are requestable (@approval): the call would wait for a person, not fail. */
  requestable?: number;
  byAgentAction: { agentId: string; agentName?: string | null; action: string; allowToDeny: number; denyToAllow: number }[];
  examples: ReplayExample[];
};

const emptyResult = (): ReplayResult => ({ allowToDeny: 0, denyToAllow: 0, unchanged: 0, notComparable: 0, invalidRequests: 0, memoHits: 0, requestable: 0, byAgentAction: [], examples: [] });

/** Queues a replay of the current draft; the caller starts `runReplay` (in the background on the server). */
export async function startReplay({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.write");
  const data = StartReplayInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const content = await loadDraftContent(tx);
    const validation = validateContent(content);
    const firstError = validation.diagnostics.find((item) => item.severity === "error");
    if (firstError) throw new StewardError("precondition_failed", `Fix the draft before replaying it: ${firstError.source} line ${firstError.line}: ${firstError.message}`);
    const row = {
      id: newId("rpl"),
      status: "queued" as const,
      params: { ...data, from: data.from?.toISOString(), to: data.to?.toISOString(), draftHash: hashContent(content), content },
      startedBy: ctx.actor.type === "user" ? ctx.actor.userId : null,
    };
    await insertReplay(tx, row);
    await recordAudit(tx, ctx, { action: "policy_replay.start", entityType: "policy_replay", entityId: row.id, after: { id: row.id, ...data, draftHash: row.params.draftHash } });
    return { id: row.id };
  });
}

export async function cancelReplay({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.write");
  const { id } = ReplayIdInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getReplayOrThrow(tx, id);
    if (before.status !== "queued" && before.status !== "running") return { id, status: before.status };
    await requestReplayCancel(tx, id);
    await recordAudit(tx, ctx, { action: "policy_replay.cancel", entityType: "policy_replay", entityId: id, before: { status: before.status } });
    return { id, status: "cancelling" };
  });
}

/** A runner writes progress at least once per chunk; silence this long means its process died. */
const STALLED_AFTER_MS = 5 * 60_000;

export async function getReplay({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requirePermission(ctx.actor, "policies.read");
  const db = ctx.tx ?? (await getDb());
  const stored = await getReplayOrThrow(db, input.id);
  const { content: _content, ...params } = stored.params as Record<string, unknown>;
  const row = { ...stored, result: stored.result ? await withNames(db, stored.result as ReplayResult) : null };
  const stalled = (row.status === "running" || row.status === "queued") && Date.now() - row.updatedAt.getTime() > STALLED_AFTER_MS;
  return stalled ? { ...row, params, status: "failed" as const, error: "The replay stopped reporting progress (its server process ended); start it again" } : { ...row, params };
}

/** The result with the current names of the agents and enforcement points it refers to (null for one since deleted). */
async function withNames(db: Executor, result: ReplayResult): Promise<ReplayResult> {
  const agentIds = new Set([...result.byAgentAction.map((group) => group.agentId), ...result.examples.map((example) => example.agentId)]);
  const epIds = new Set(result.examples.map((example) => example.enforcementPointId));
  const names = await agentAndEnforcementPointNames(db, [...agentIds], [...epIds]);
  return {
    ...result,
    byAgentAction: result.byAgentAction.map((group) => ({ ...group, agentName: names.agents.get(group.agentId) ?? null })),
    examples: result.examples.map((example) => ({ ...example, agentName: names.agents.get(example.agentId) ?? null, enforcementPointName: names.enforcementPoints.get(example.enforcementPointId) ?? null })),
  };
}

function filterOf(params: Record<string, unknown>): ReplayFilter {
  return {
    agentId: params.agentId as string | undefined,
    enforcementPointId: params.enforcementPointId as string | undefined,
    from: params.from ? new Date(params.from as string) : undefined,
    to: params.to ? new Date(params.to as string) : undefined,
  };
}

type ReplayRow = Awaited<ReturnType<typeof readReplayChunk>>[number];

/**
 * Flip counts as rows are replayed, with counters instead of rescanning the examples per flip.
 * (The V8 abort long replays used to hit is avoided in cedar.ts, not here.)
 */
class ReplayTally {
  private readonly result = emptyResult();
  private readonly byKey = new Map<string, ReplayResult["byAgentAction"][number]>();
  private examplesFromAllow = 0;
  private examplesFromDeny = 0;

  /** Replays rows from `from` for about `budgetMs`; returns the index of the first row not replayed. */
  addSlice(engine: PolicyEngine, rows: ReplayRow[], from: number, budgetMs: number): number {
    const until = performance.now() + budgetMs;
    let i = from;
    while (i < rows.length) {
      this.add(engine, rows[i++]!);
      if (performance.now() >= until) break;
    }
    return i;
  }

  private add(engine: PolicyEngine, row: ReplayRow): void {
    const result = this.result;
    if (!isAuthzenRequest(row.request)) {
      result.invalidRequests++;
      return;
    }
    let replayed: ReturnType<PolicyEngine["evaluate"]>;
    try {
      replayed = engine.evaluate(row.request, row.time, row.delegation);
    } catch (error) {
      // A recorded request whose values cannot be typed (live evaluation answers it with a 400).
      if (error instanceof StewardError && error.code === "bad_request") {
        result.invalidRequests++;
        return;
      }
      throw error;
    }
    const requestable = replayed.decision === "deny" && requestableDenial(engine, replayed, row.request, row.time) !== null;
    if (requestable) result.requestable = (result.requestable ?? 0) + 1;
    if (row.outcome !== "allow" && row.outcome !== "deny") {
      result.notComparable++;
      return;
    }
    if (row.outcome === replayed.decision) {
      result.unchanged++;
      return;
    }
    const fromAllow = row.outcome === "allow";
    if (fromAllow) result.allowToDeny++;
    else result.denyToAllow++;
    const key = `${row.agentId}\u0000${row.actionName}`;
    let group = this.byKey.get(key);
    if (!group) {
      group = { agentId: row.agentId, action: row.actionName, allowToDeny: 0, denyToAllow: 0 };
      this.byKey.set(key, group);
    }
    if (fromAllow) group.allowToDeny++;
    else group.denyToAllow++;
    if ((fromAllow ? this.examplesFromAllow : this.examplesFromDeny) >= EXAMPLES_PER_DIRECTION) return;
    if (fromAllow) this.examplesFromAllow++;
    else this.examplesFromDeny++;
    result.examples.push({
      enforcementPointId: row.enforcementPointId,
      decisionId: row.decisionId,
      time: row.time.toISOString(),
      agentId: row.agentId,
      action: row.actionName,
      recorded: row.outcome,
      replayed: replayed.decision,
      determiningPolicies: replayed.determiningPolicies,
      requestable,
    });
  }

  summary(memoHits?: number): ReplayResult {
    if (memoHits !== undefined) this.result.memoHits = memoHits;
    const byAgentAction = [...this.byKey.values()].sort((a, b) => b.allowToDeny + b.denyToAllow - (a.allowToDeny + a.denyToAllow)).slice(0, 200);
    return { ...this.result, byAgentAction };
  }
}

/**
 * Where a replay reads recorded decisions: the read replica while it is within replicaMaxLagSeconds
 * (a replay scans up to `limit` rows, the heaviest read a person can start), else the primary. Asked
 * again per chunk, so a replica that falls behind mid-run hands over to the primary. Only history is
 * read there: the frozen draft and every progress write use the primary. Recorded decisions younger
 * than the replica's lag may be left out, as the lag is bounded by the same setting.
 */
const historyDb = (): Promise<Executor> => withReadScope(true, () => readDb());

/**
 * Evaluates the replay's frozen draft against recorded requests, newest first, a chunk at a time
 * (`chunkSize`, default 1,000 rows), writing progress after each chunk and stopping at the first
 * chunk boundary after cancel is requested. `afterChunk` runs after each chunk is evaluated. Without
 * `db`, recorded decisions are read through `historyDb` (the replica when in use) and the job's own
 * row on the primary; with `db` (a test's transaction), everything on it.
 */
export async function runReplay(id: string, db?: Executor, options: { chunkSize?: number; afterChunk?: (processed: number) => Promise<void> } = {}): Promise<void> {
  const chunkSize = options.chunkSize ?? CHUNK_SIZE;
  const database = db ?? (await getDb());
  const job = await getReplayOrThrow(database, id);
  const params = job.params as Record<string, unknown> & { limit: number; content: PolicySetContent };
  const filter = filterOf(params);
  const tally = new ReplayTally();
  let processed = 0;
  try {
    const engine = await engineForContent(database, params.content, null);
    const total = Math.min(params.limit, await countReplayable(db ?? (await historyDb()), filter));
    await markReplayRunning(database, id, total);
    let cursor: ReplayCursor | null = null;
    while (processed < total) {
      const rows = await readReplayChunk(db ?? (await historyDb()), filter, cursor, Math.min(chunkSize, total - processed));
      if (!rows.length) break;
      // Evaluation is synchronous WASM: hand the event loop back every SLICE_MS, so the server
      // running a long replay keeps answering requests (the PDP among them).
      for (let next = tally.addSlice(engine, rows, 0, SLICE_MS); next < rows.length; next = tally.addSlice(engine, rows, next, SLICE_MS)) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      processed += rows.length;
      // Observers (and tests) act between chunks: a cancel requested here stops the next chunk.
      await options.afterChunk?.(processed);
      const last = rows.at(-1)!;
      cursor = { time: last.time, enforcementPointId: last.enforcementPointId, decisionId: last.decisionId };
      const state = await saveReplayProgress(database, id, processed, tally.summary(engine.memoHits));
      if (state.cancelRequested) {
        await finishReplay(database, id, { status: "cancelled" });
        return;
      }
    }
    await finishReplay(database, id, { status: "done", processed, result: tally.summary(engine.memoHits) });
  } catch (error) {
    await finishReplay(database, id, { status: "failed", processed, result: tally.summary(), error: (error as Error).message });
  }
}
