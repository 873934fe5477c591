import { createHash } from "node:crypto";
import { getDb, type Executor } from "@/db/client";
import { getLatestRevision, getVersionByRevisionOrThrow, loadInventory, type Inventory } from "@/db/policies";
import { PreparedPolicySet, readSchemaShape, type CedarDecision, type CedarEntity, type CedarRequest, type SchemaShape } from "./cedar";
import { hashContent, policyTexts, type PolicySetContent } from "./content";
import { inventoryEntities } from "./inventory-entities";
import { buildEntityIndex, entityKey, mapAuthzenRequest, type AuthzenRequest, type EntityIndex } from "./request-mapping";

/**
 * A policy set ready to answer requests: policies and schema parsed once, inventory and
 * admin-added entities indexed. Admin entities extend inventory ones with the same uid (extra
 * parents, extra attributes) but never override what the inventory says.
 */
export class PolicyEngine {
  private readonly prepared: PreparedPolicySet;
  readonly shape: SchemaShape;
  private readonly index: EntityIndex;

  constructor(
    readonly content: PolicySetContent,
    readonly contentHash: string,
    inventory: Inventory | null,
    readonly revision: number | null,
    readonly inventoryHash: string | null = null,
  ) {
    this.prepared = new PreparedPolicySet(`set_${contentHash}`, policyTexts(content), content.schemaText);
    this.shape = readSchemaShape(content.schemaText);
    const fromInventory = inventory ? inventoryEntities(inventory, this.shape.namespace) : { entities: [], agentAliases: new Map<string, string>() };
    const merged = new Map<string, CedarEntity>();
    for (const entity of content.entities) merged.set(entityKey(uidOf(entity)), entity);
    for (const entity of fromInventory.entities) {
      const key = entityKey(uidOf(entity));
      const admin = merged.get(key);
      merged.set(key, admin ? { uid: entity.uid, attrs: { ...admin.attrs, ...entity.attrs }, parents: [...entity.parents, ...admin.parents] } : entity);
    }
    this.index = buildEntityIndex([...merged.values()], fromInventory.agentAliases);
  }

  /** The Cedar request and the entities it needs, as evaluation builds them. */
  map(input: AuthzenRequest, at: Date, delegation?: string[] | null) {
    return mapAuthzenRequest(this.shape, this.index, input, at, delegation);
  }

  /**
   * Evaluation is a pure function of the request, the hour and weekday it is judged at, and the
   * delegation chain (the engine's policies and inventory snapshot never change), so repeated
   * requests — most traffic — are answered from memory without even being mapped again.
   */
  private readonly memo = new Map<string, CedarDecision>();
  memoHits = 0;

  evaluate(input: AuthzenRequest, at: Date, delegation?: string[] | null): CedarDecision {
    const key = `${at.getUTCHours()},${at.getUTCDay()}\u0000${delegation ? JSON.stringify(delegation) : ""}\u0000${JSON.stringify(input)}`;
    let decision = this.memo.get(key);
    if (decision) this.memoHits++;
    else {
      const mapped = this.map(input, at, delegation);
      decision = this.prepared.authorize(mapped.request, mapped.entities);
      if (this.memo.size >= MEMO_ENTRIES) this.memo.delete(this.memo.keys().next().value!);
      this.memo.set(key, decision);
    }
    return decision;
  }

  /** A Cedar-level request with explicit entities (policy tests). */
  evaluateCedar(request: CedarRequest, entities: CedarEntity[]): CedarDecision {
    return this.prepared.authorize(request, entities);
  }
}

function uidOf(entity: CedarEntity): { type: string; id: string } {
  const uid = entity.uid as { __entity?: { type: string; id: string }; type: string; id: string };
  return uid.__entity ?? uid;
}

const MEMO_ENTRIES = 50_000;

/** The published version and the inventory are re-checked at most this often on the hot path. */
export const ENGINE_REFRESH_MS = 5_000;

type Slot = { loading: Promise<PolicyEngine | null>; checkedAt: number; refreshing: boolean };
type GlobalWithEngine = typeof globalThis & { __stewardPolicyEngine?: Slot };
const holder = globalThis as GlobalWithEngine;

async function loadEngine(db: Executor, before: PolicyEngine | null): Promise<PolicyEngine | null> {
  const [latest, inventory] = await Promise.all([getLatestRevision(db), loadInventory(db)]);
  if (!latest) return null;
  // Unchanged revision and inventory: keep the engine, and with it the memo of past answers.
  // (A new revision with the same content still gets a new engine, so decisions name the right revision.)
  const inventoryHash = createHash("sha256").update(JSON.stringify(inventory)).digest("hex");
  if (before && before.revision === latest.revision && before.contentHash === latest.contentHash && before.inventoryHash === inventoryHash) return before;
  const version = await getVersionByRevisionOrThrow(db, latest.revision);
  return new PolicyEngine(version.content as PolicySetContent, version.contentHash, inventory, version.revision, inventoryHash);
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

export function forgetPublishedEngine(): void {
  holder.__stewardPolicyEngine = undefined;
}

export async function engineForContent(db: Executor, content: PolicySetContent, revision: number | null): Promise<PolicyEngine> {
  return new PolicyEngine(content, hashContent(content), await loadInventory(db), revision);
}
