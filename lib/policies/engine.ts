import { PreparedPolicySet, readSchemaShape, type CedarDecision, type CedarEntity, type CedarRequest, type SchemaShape } from "./cedar";
import { policyTexts, type PolicySetContent } from "./content";
import type { Inventory } from "./inventory";
import { inventoryEntities } from "./inventory-entities";
import { DEFAULT_PDP_OPTIONS, type PdpOptions } from "./pdp-options";
import { buildEntityIndex, entityKey, mapAuthzenRequest, type AuthzenRequest, type EntityIndex } from "./request-mapping";

/**
 * A policy set ready to answer requests: policies and schema parsed once, inventory and
 * admin-added entities indexed. Pure — no database, no clock of its own — so the console, an
 * edge PDP (lib/policies/bundle-engine.ts) and every replay decide with the same code.
 * Admin entities extend inventory ones with the same uid (extra parents, extra attributes) but
 * never override what the inventory says.
 */
export class PolicyEngine {
  private readonly prepared: PreparedPolicySet;
  readonly shape: SchemaShape;
  private readonly index: EntityIndex;
  readonly options: PdpOptions;
  readonly inventoryHash: string | null;

  constructor(
    readonly content: PolicySetContent,
    readonly contentHash: string,
    inventory: Inventory | null,
    readonly revision: number | null,
    extra: { inventoryHash?: string | null; options?: PdpOptions } = {},
  ) {
    this.options = extra.options ?? DEFAULT_PDP_OPTIONS;
    this.inventoryHash = extra.inventoryHash ?? null;
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
