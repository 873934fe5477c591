import { createHash } from "node:crypto";
import { getDb, type Executor } from "@/db/client";
import { getLatestRevision, getVersionByRevisionOrThrow, loadInventory } from "@/db/policies";
import { canonicalJson } from "../audit/canonical-json";
import { commitGeneration } from "../context";
import { getSettings } from "../settings/settings";
import { hashContent, type PolicySetContent } from "./content";
import { PolicyEngine } from "./engine";
import type { Inventory } from "./inventory";
import { pdpOptionsFromSettings } from "./pdp-settings";

/**
 * The console's loader for the pure PolicyEngine (engine.ts): reads the latest published version,
 * the inventory snapshot and the decision-relevant settings, and caches the engine per process.
 */

/** Under traffic the engine is re-checked in the background once it is this old (ms). */
export const ENGINE_REFRESH_MS = 1_000;
/**
 * The freshness bound (ms): no answer comes from an engine whose check (reading the published
 * revision, inventory and settings) started longer ago; an older one is re-checked before answering.
 * A change committed by this process (commitGeneration) is seen by the next evaluation.
 */
export const ENGINE_MAX_AGE_MS = 2_000;

type Slot = { engine: PolicyEngine | null; checkedAt: number; generation: number };
type Inflight = { promise: Promise<PolicyEngine | null>; startedAt: number; generation: number };
type GlobalWithEngine = typeof globalThis & { __stewardPolicyEngine?: Slot; __stewardPolicyEngineLoad?: Inflight | null };
const holder = globalThis as GlobalWithEngine;

/** sha-256 of the inventory snapshot and options, so an unchanged world keeps its engine (and memo). */
export function inventoryHashOf(inventory: Inventory, options: unknown): string {
  return createHash("sha256").update(canonicalJson({ inventory, options })).digest("hex");
}

async function loadEngine(db: Executor, before: PolicyEngine | null): Promise<PolicyEngine | null> {
  const [latest, inventory, settings] = await Promise.all([getLatestRevision(db), loadInventory(db), getSettings(db)]);
  if (!latest) return null;
  const options = pdpOptionsFromSettings(settings);
  // Unchanged revision and inventory: keep the engine, and with it the memo of past answers.
  // (A new revision with the same content still gets a new engine, so decisions name the right revision.)
  const inventoryHash = inventoryHashOf(inventory, options);
  const engine =
    before && before.revision === latest.revision && before.contentHash === latest.contentHash && before.inventoryHash === inventoryHash
      ? before
      : await getVersionByRevisionOrThrow(db, latest.revision).then((version) => new PolicyEngine(version.content as PolicySetContent, version.contentHash, inventory, version.revision, { inventoryHash, options }));
  answerOptions.set(engine, { reasonContext: settings.authzenReasonContext });
  return engine;
}

/** How answers are shaped (not decided): read with the engine, so the hot path makes no extra query. */
const answerOptions = new WeakMap<PolicyEngine, { reasonContext: boolean }>();

/** Whether AuthZEN answers from this engine carry a reason `context` (setting `authzenReasonContext`). */
export function answersWithContext(engine: PolicyEngine): boolean {
  return answerOptions.get(engine)?.reasonContext ?? false;
}

/**
 * The engine for the latest published version (null before the first publish), cached per
 * process. It is answered from the cache only while the cache is younger than ENGINE_MAX_AGE_MS and
 * no console change has committed in this process since it was loaded; otherwise the caller waits
 * for a fresh check (one shared by concurrent callers). Past ENGINE_REFRESH_MS a check starts in the
 * background, so under traffic callers rarely wait.
 */
export function getPublishedEngine(db: Executor): Promise<PolicyEngine | null> {
  const slot = holder.__stewardPolicyEngine;
  const now = Date.now();
  if (slot && slot.generation === commitGeneration() && now - slot.checkedAt < ENGINE_MAX_AGE_MS) {
    if (now - slot.checkedAt >= ENGINE_REFRESH_MS) void reload(null).catch((error) => console.error("refreshing the published policy engine failed", error));
    return Promise.resolve(slot.engine);
  }
  return reload(db);
}

/** Starts a check (or joins one that started after the last commit and within the bound). */
function reload(db: Executor | null): Promise<PolicyEngine | null> {
  const generation = commitGeneration();
  const inflight = holder.__stewardPolicyEngineLoad;
  if (inflight && inflight.generation === generation && Date.now() - inflight.startedAt < ENGINE_MAX_AGE_MS) return inflight.promise;
  const startedAt = Date.now();
  const before = holder.__stewardPolicyEngine?.engine ?? null;
  const promise = (async () => {
    // A background check must not use a caller's transaction, which may end before it runs.
    const engine = await loadEngine(db ?? (await getDb()), before);
    const current = holder.__stewardPolicyEngine;
    if (!current || current.checkedAt <= startedAt) holder.__stewardPolicyEngine = { engine, checkedAt: startedAt, generation };
    return engine;
  })();
  const entry: Inflight = { promise, startedAt, generation };
  holder.__stewardPolicyEngineLoad = entry;
  const clear = () => {
    if (holder.__stewardPolicyEngineLoad === entry) holder.__stewardPolicyEngineLoad = null;
  };
  promise.then(clear, clear);
  return promise;
}

type GlobalWithWaiters = typeof globalThis & { __stewardPolicyWaiters?: Set<() => void> };
const waiters = ((globalThis as GlobalWithWaiters).__stewardPolicyWaiters ??= new Set());

/** Forgets the cached engine (after a publish or a change to what decisions derive from) and wakes long-polls. */
export function forgetPublishedEngine(): void {
  holder.__stewardPolicyEngine = undefined;
  holder.__stewardPolicyEngineLoad = null;
  for (const wake of [...waiters]) wake();
}

/** Resolves after `ms`, or earlier when this process forgets its engine (a publish, an inventory change) or `signal` aborts. */
export function waitForPolicyChange(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiters.delete(done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    waiters.add(done);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** An engine for arbitrary content (a draft being replayed) over the current inventory and settings. */
export async function engineForContent(db: Executor, content: PolicySetContent, revision: number | null): Promise<PolicyEngine> {
  const [inventory, settings] = await Promise.all([loadInventory(db), getSettings(db)]);
  return new PolicyEngine(content, hashContent(content), inventory, revision, { options: pdpOptionsFromSettings(settings) });
}
