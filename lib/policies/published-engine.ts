import { createHash } from "node:crypto";
import { getDb, type Executor } from "@/db/client";
import { getLatestRevision, getVersionByRevisionOrThrow, loadInventory } from "@/db/policies";
import { canonicalJson } from "../audit/canonical-json";
import { getSettings } from "../settings/settings";
import { hashContent, type PolicySetContent } from "./content";
import { PolicyEngine } from "./engine";
import type { Inventory } from "./inventory";
import { pdpOptionsFromSettings } from "./pdp-settings";

/**
 * The console's loader for the pure PolicyEngine (engine.ts): reads the latest published version,
 * the inventory snapshot and the decision-relevant settings, and caches the engine per process.
 */

/** The published version and the inventory are re-checked at most this often on the hot path. */
export const ENGINE_REFRESH_MS = 5_000;

type Slot = { loading: Promise<PolicyEngine | null>; checkedAt: number; refreshing: boolean };
type GlobalWithEngine = typeof globalThis & { __stewardPolicyEngine?: Slot };
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
  if (before && before.revision === latest.revision && before.contentHash === latest.contentHash && before.inventoryHash === inventoryHash) return before;
  const version = await getVersionByRevisionOrThrow(db, latest.revision);
  return new PolicyEngine(version.content as PolicySetContent, version.contentHash, inventory, version.revision, { inventoryHash, options });
}

/**
 * The engine for the latest published version (null before the first publish), cached per
 * process. A publish in this process forgets it, so the next evaluation uses the new revision.
 * Otherwise it is re-checked in the background every ENGINE_REFRESH_MS while requests keep being
 * answered by the engine in hand: a publish (or inventory change) made by another process is
 * seen within that bound plus one reload.
 */
export function getPublishedEngine(db: Executor): Promise<PolicyEngine | null> {
  const slot = holder.__stewardPolicyEngine;
  if (!slot) {
    const loading = loadEngine(db, null);
    const fresh: Slot = { loading, checkedAt: Date.now(), refreshing: false };
    holder.__stewardPolicyEngine = fresh;
    loading.catch(() => {
      if (holder.__stewardPolicyEngine === fresh) holder.__stewardPolicyEngine = undefined;
    });
    return loading;
  }
  if (!slot.refreshing && Date.now() - slot.checkedAt >= ENGINE_REFRESH_MS) {
    slot.refreshing = true;
    void refreshInBackground(slot);
  }
  return slot.loading;
}

async function refreshInBackground(slot: Slot): Promise<void> {
  try {
    // The caller's executor may be a transaction that ends before this runs: use the pool.
    const next = await loadEngine(await getDb(), await slot.loading);
    if (holder.__stewardPolicyEngine === slot) holder.__stewardPolicyEngine = { loading: Promise.resolve(next), checkedAt: Date.now(), refreshing: false };
  } catch (error) {
    console.error("refreshing the published policy engine failed; keeping the current one", error);
    slot.checkedAt = Date.now();
    slot.refreshing = false;
  }
}

type GlobalWithWaiters = typeof globalThis & { __stewardPolicyWaiters?: Set<() => void> };
const waiters = ((globalThis as GlobalWithWaiters).__stewardPolicyWaiters ??= new Set());

/** Forgets the cached engine (after a publish or a change to what decisions derive from) and wakes long-polls. */
export function forgetPublishedEngine(): void {
  holder.__stewardPolicyEngine = undefined;
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
