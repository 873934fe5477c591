import { createHash } from "node:crypto";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { observedNames, pruneContext, pruneEntities, type ObservedNames } from "./attribute-pruning";
import { PreparedPolicySet, readSchemaShape, type CedarDecision, type CedarEntity, type CedarRequest, type SchemaShape } from "./cedar";
import { actionEntities, mayEvaluateWithoutSchema } from "./schema-free";

type Uid = { type: string; id: string };
/** A prepared slice and what its policies can observe (null: prune nothing, always use the schema). */
type Slice = { prepared: PreparedPolicySet; observed: ObservedNames | null; pruned: Map<number, WeakMap<CedarEntity, CedarEntity>> };
const uidKey = (uid: Uid) => `${uid.type}::"${uid.id}"`;
const plain = (value: unknown): Uid => ((value as { __entity?: Uid }).__entity ?? value) as Uid;

/** What a policy's scope says about the action and the resource type; null = any (not indexable). */
export type PolicyScope = { actions: Uid[] | null; actionIn: boolean; resourceType: string | null };

/** The action and resource-type parts of a policy's scope (Cedar's JSON form of the policy). */
export function scopeOf(text: string): PolicyScope {
  const answer = cedar.policyToJson(text);
  if (answer.type === "failure") return { actions: null, actionIn: false, resourceType: null };
  const { action, resource } = answer.json as { action: { op: string; entity?: unknown; entities?: unknown[] }; resource: { op: string; entity?: unknown; entity_type?: string } };
  let actions: Uid[] | null = null;
  let actionIn = false;
  if (action.op === "==" && action.entity) actions = [plain(action.entity)];
  else if (action.op === "in") {
    actionIn = true;
    actions = (action.entities ?? (action.entity ? [action.entity] : [])).map(plain);
  }
  let resourceType: string | null = null;
  if (resource.op === "is" && resource.entity_type) resourceType = resource.entity_type;
  else if (resource.op === "==" && resource.entity) resourceType = plain(resource.entity).type;
  return { actions, actionIn, resourceType };
}

/** Action uid → the action groups it belongs to, transitively (schema `memberOf`). */
function actionAncestors(schemaText: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const answer = cedar.schemaToJsonWithResolvedTypes(schemaText);
  if (answer.type === "failure") return out;
  const parents = new Map<string, string[]>();
  for (const [namespace, definition] of Object.entries(answer.json)) {
    const actionType = namespace ? `${namespace}::Action` : "Action";
    for (const [name, action] of Object.entries(definition.actions ?? {})) {
      parents.set(
        uidKey({ type: actionType, id: name }),
        (action.memberOf ?? []).map((parent) => uidKey({ type: parent.type ? (parent.type.includes("::") || !namespace ? parent.type : `${namespace}::${parent.type}`) : actionType, id: parent.id })),
      );
    }
  }
  for (const key of parents.keys()) {
    const seen = new Set<string>();
    const queue = [...(parents.get(key) ?? [])];
    while (queue.length) {
      const next = queue.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(parents.get(next) ?? []));
    }
    out.set(key, seen);
  }
  return out;
}

/**
 * A policy set indexed by the action and resource type its policies' scopes name, so a request is
 * evaluated only against the policies that can apply to it (Cedar's cost grows with the set's
 * size). A policy whose scope cannot match a request — another action, or `resource is`/`==` of
 * another type — is never satisfied by it and never errors on it, so leaving it out changes neither
 * the decision, the determining policies nor the errors (proved against the full set in
 * policy-index.test.ts). Policies with an unscoped action or resource stay in every slice. A slice
 * is prepared the first time its (action, resource type) pair is asked for; unknown actions use
 * the full set.
 *
 * A slice's request whose entities and context conform to the schema is evaluated without it, and
 * with only the attributes the slice's policies can observe (lib/policies/schema-free.ts,
 * lib/policies/attribute-pruning.ts): Cedar's per-call parsing, not the policies, is most of a
 * slice's cost.
 */
export class IndexedPolicySet {
  private readonly full: PreparedPolicySet;
  private readonly scopes: [string, PolicyScope][];
  private readonly ancestors: Map<string, Set<string>>;
  private readonly slices = new Map<string, Slice>();
  private readonly shape: SchemaShape;
  /** Entities (by object: an engine's inventory entities are shared and never changed) → whether they conform to the schema. */
  private readonly conforming = new WeakMap<CedarEntity, boolean>();
  /** How many requests were evaluated without the schema (pruned), for tests and benchmarks. */
  evaluatedWithoutSchema = 0;

  constructor(
    readonly key: string,
    private readonly policies: Record<string, string>,
    private readonly schemaText: string,
  ) {
    this.full = new PreparedPolicySet(key, policies, schemaText);
    this.scopes = Object.entries(policies).map(([id, text]) => [id, scopeOf(text)]);
    this.ancestors = actionAncestors(schemaText);
    this.shape = readSchemaShape(schemaText);
  }

  /** Ids of the policies that can apply to this action and resource type (null: the full set). */
  candidates(action: Uid, resourceType: string): string[] | null {
    const actionKey = uidKey(action);
    const groups = this.ancestors.get(actionKey);
    if (!groups) return null;
    return this.scopes
      .filter(([, scope]) => {
        const actionMatches = scope.actions === null || scope.actions.some((uid) => uidKey(uid) === actionKey || (scope.actionIn && groups.has(uidKey(uid))));
        const resourceMatches = scope.resourceType === null || scope.resourceType === resourceType;
        return actionMatches && resourceMatches;
      })
      .map(([id]) => id);
  }

  private sliceFor(action: Uid, resourceType: string): Slice | "full" {
    const key = `${uidKey(action)}\u0000${resourceType}`;
    const known = this.slices.get(key);
    if (known) return known;
    const ids = this.candidates(action, resourceType);
    if (ids === null) return "full";
    // An empty slice is still evaluated (by Cedar, with no policies) so request and entity errors surface exactly as with the full set.
    const policies = Object.fromEntries(ids.map((id) => [id, this.policies[id]!]));
    const slice: Slice = {
      prepared: new PreparedPolicySet(`${this.key}_${createHash("sha256").update(key).digest("hex").slice(0, 16)}`, policies, this.schemaText),
      observed: observedNames(policies, this.shape.namespace ? `${this.shape.namespace}::Action` : "Action"),
      pruned: new Map(),
    };
    this.slices.set(key, slice);
    return slice;
  }

  /**
   * Cedar's decision on this request. Entity objects are remembered by identity (whether they
   * conform, their pruned forms), so an entity passed once must not be changed afterwards: build a
   * new object instead (the engine's inventory entities are never changed).
   */
  authorize(request: CedarRequest, entities: CedarEntity[]): CedarDecision {
    const slice = this.sliceFor(request.action, request.resource.type);
    if (slice === "full") return this.full.authorize(request, entities);
    const { prepared, observed, pruned } = slice;
    if (!observed || !mayEvaluateWithoutSchema(this.shape, request, entities, this.conforming)) return prepared.authorize(request, entities);
    this.evaluatedWithoutSchema++;
    const context = pruneContext(request.context, observed);
    const observable = [...pruneEntities(entities, observed, request, context, pruned), ...actionEntities(this.shape, request.action, observed.namesActionEntities)];
    return prepared.authorize({ ...request, context }, observable, false);
  }
}
