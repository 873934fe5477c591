import { policyEffect, readSchemaShape, type CedarDecision, type CedarEntity, type CedarRequest, type SchemaShape } from "./cedar";
import { policyTexts, type PolicySetContent } from "./content";
import { IndexedPolicySet } from "./policy-index";
import type { Inventory } from "./inventory";
import { inventoryEntities } from "./inventory-entities";
import { DEFAULT_PDP_OPTIONS, type PdpOptions } from "./pdp-options";
import { buildEntityIndex, completeAttributes, entityKey, mapAuthzenRequest, refOf, uidOf, unknownSubjectAttributes, type AuthzenRequest, type EntityIndex, type MappedRequest, type Refusal, type VerifiedFacts } from "./request-mapping";

/**
 * An evaluation's outcome: Cedar's answer after Steward's stance on erroring forbids, plus a reason
 * a person can read. `refused` is true when the request was denied before Cedar (unknown action,
 * type or contradicting subject).
 */
export type EngineDecision = CedarDecision & { reason: string; refused: boolean };

/**
 * A policy set ready to answer requests: policies and schema parsed once, inventory and
 * admin-added entities indexed. Pure — no database, no clock of its own — so the console, an
 * edge PDP (lib/policies/bundle-engine.ts), explain and replay decide with the same code.
 */
export class PolicyEngine {
  private readonly prepared: IndexedPolicySet;
  readonly shape: SchemaShape;
  private readonly index: EntityIndex;
  readonly options: PdpOptions;
  readonly inventoryHash: string | null;
  /** Policy id → effect, as Cedar parses it. */
  readonly effects: Map<string, "permit" | "forbid">;

  constructor(
    readonly content: PolicySetContent,
    readonly contentHash: string,
    inventory: Inventory | null,
    readonly revision: number | null,
    extra: { inventoryHash?: string | null; options?: PdpOptions } = {},
  ) {
    this.options = extra.options ?? DEFAULT_PDP_OPTIONS;
    this.inventoryHash = extra.inventoryHash ?? null;
    this.prepared = new IndexedPolicySet(`set_${contentHash}`, policyTexts(content), content.schemaText);
    this.shape = readSchemaShape(content.schemaText);
    this.effects = new Map(content.policies.map((policy) => [policy.id, policyEffect(policy.source) ?? "permit"]));
    this.index = entityIndexFor(this.shape, content.entities, inventory);
  }

  /** The Cedar request and the entities it needs, as evaluation builds them (or the refusal). */
  map(input: AuthzenRequest, at: Date, delegation?: string[] | null, verified?: VerifiedFacts): MappedRequest | Refusal {
    return mapAuthzenRequest(this.shape, this.index, this.options, input, at, delegation, verified);
  }

  /**
   * Evaluation is a pure function of the request, the hour and weekday it is judged at, and the
   * delegation chain (the engine's policies and inventory snapshot never change), so repeated
   * requests — most traffic — are answered from memory without even being mapped again.
   * Throws a StewardError "bad_request" naming the path of a value that cannot be typed.
   */
  private readonly memo = new Map<string, EngineDecision>();
  memoHits = 0;

  evaluate(input: AuthzenRequest, at: Date, delegation?: string[] | null, verified?: VerifiedFacts): EngineDecision {
    const key = `${at.getUTCHours()},${at.getUTCDay()}\u0000${delegation ? JSON.stringify(delegation) : ""}\u0000${verified ? JSON.stringify(verified) : ""}\u0000${JSON.stringify(input)}`;
    let decision = this.memo.get(key);
    if (decision) this.memoHits++;
    else {
      const mapped = this.map(input, at, delegation, verified);
      decision = "refused" in mapped ? refusal(mapped.refused) : this.judge(this.prepared.authorize(mapped.request, mapped.entities));
      if (this.memo.size >= MEMO_ENTRIES) this.memo.delete(this.memo.keys().next().value!);
      this.memo.set(key, decision);
    }
    return decision;
  }

  /**
   * Whether a request is about a person or an agent, for recording: an identity the inventory knows
   * decides; otherwise the subject-type table ("user", "person", "human" → Person by default).
   */
  subjectKind(subject: { type: string; id: string }): "agent" | "person" {
    if (this.index.resolveAgentId(subject.id)) return "agent";
    if (this.index.resolvePersonId(subject.id)) return "person";
    const type = subject.type.includes("::") ? subject.type : (this.options.subjectTypes[subject.type.toLowerCase()] ?? "");
    return type.split("::").at(-1) === "Person" ? "person" : "agent";
  }

  /** A Cedar-level request with explicit entities (policy tests), under the same error stance. */
  evaluateCedar(request: CedarRequest, entities: CedarEntity[]): EngineDecision {
    return this.judge(this.prepared.authorize(request, entities));
  }

  /** Applies the forbid-error stance (PdpOptions.forbidErrors) and words the reason. */
  judge(answer: CedarDecision): EngineDecision {
    return judgeDecision(answer, this.effects, this.options.forbidErrors);
  }
}

const MEMO_ENTRIES = 50_000;

const refusal = (reason: string): EngineDecision => ({ decision: "deny", determiningPolicies: [], errors: [], erroringPolicies: [], reason, refused: true });

/**
 * Cedar skips a policy whose evaluation errors. Under the "deny" stance an erroring forbid denies
 * the request (it might have matched); under "skip" Cedar's answer stands. Either way the erroring
 * policies are named.
 */
export function judgeDecision(answer: CedarDecision, effects: Map<string, "permit" | "forbid">, stance: PdpOptions["forbidErrors"]): EngineDecision {
  const erroringForbids = answer.erroringPolicies.filter((id) => effects.get(id) === "forbid");
  const errored = answer.erroringPolicies.length ? `; ${answer.erroringPolicies.length === 1 ? "policy" : "policies"} ${answer.erroringPolicies.join(", ")} errored` : "";
  if (stance === "deny" && erroringForbids.length && answer.decision === "allow") {
    return { ...answer, decision: "deny", determiningPolicies: erroringForbids, reason: `Denied: forbid ${erroringForbids.join(", ")} errored during evaluation (stance: deny on forbid errors)`, refused: false };
  }
  if (stance === "deny" && erroringForbids.length) {
    return { ...answer, reason: `${answer.determiningPolicies.length ? `Determined by ${answer.determiningPolicies.join(", ")}` : "No policy permits this request"}${errored}`, refused: false };
  }
  const reason = answer.determiningPolicies.length ? `Determined by ${answer.determiningPolicies.join(", ")}${errored}` : answer.errors.length && !answer.erroringPolicies.length ? `Evaluation failed: ${answer.errors.join("; ")}` : `No policy permits this request${errored}`;
  return { ...answer, reason, refused: false };
}

/**
 * One entity per identity: inventory entities, with admin entities merged in. An admin entity named
 * by an agent's external id or identity (or a person's e-mail) is the same entity as the inventory's
 * — its attributes and parents extend the inventory's, which win on conflict — so a subject resolves
 * to the same entity before and after it is discovered. An admin-only principal gets the safe
 * defaults for any required attribute it does not set.
 */
export function entityIndexFor(shape: SchemaShape, adminEntities: CedarEntity[], inventory: Inventory | null): EntityIndex {
  const fromInventory = inventory ? inventoryEntities(inventory, shape.namespace) : { entities: [], agentAliases: new Map<string, string>(), personAliases: new Map<string, string>() };
  const qualify = (name: string) => (shape.namespace ? `${shape.namespace}::${name}` : name);
  const agentType = qualify("Agent");
  const personType = qualify("Person");
  const canonical = (uid: { type: string; id: string }) =>
    uid.type === agentType ? { type: uid.type, id: fromInventory.agentAliases.get(uid.id) ?? uid.id } : uid.type === personType ? { type: uid.type, id: fromInventory.personAliases.get(uid.id) ?? uid.id } : uid;
  const merged = new Map<string, CedarEntity>();
  const mergeInto = (entity: CedarEntity, inventoryWins: boolean) => {
    const uid = canonical(uidOf(entity));
    const key = entityKey(uid);
    const before = merged.get(key);
    if (!before) {
      merged.set(key, { uid, attrs: entity.attrs, parents: entity.parents });
      return;
    }
    const [base, extension] = inventoryWins ? [entity, before] : [before, entity];
    const parents = new Map([...base.parents, ...extension.parents].map((parent) => [JSON.stringify(refOf(parent) ?? parent), parent]));
    merged.set(key, { uid, attrs: { ...extension.attrs, ...base.attrs }, parents: [...parents.values()] });
  };
  for (const entity of adminEntities) mergeInto(entity, false);
  for (const entity of fromInventory.entities) mergeInto(entity, true);
  const inventoryKeys = new Set(fromInventory.entities.map((entity) => entityKey(uidOf(entity))));
  for (const [key, entity] of merged) {
    const uid = uidOf(entity);
    if (inventoryKeys.has(key) || (uid.type !== agentType && uid.type !== personType)) continue;
    const kind = uid.type === agentType ? "Agent" : "Person";
    merged.set(key, { ...entity, attrs: completeAttributes(shape.entityAttributes.get(uid.type) ?? {}, { ...unknownSubjectAttributes(kind, uid.id), ...entity.attrs }) as CedarEntity["attrs"] });
  }
  return buildEntityIndex([...merged.values()], fromInventory.agentAliases, fromInventory.personAliases);
}
