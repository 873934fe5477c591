import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import type { CedarEntity, CedarUid } from "./cedar";

/**
 * What a policy set can observe of a request, so the rest need not cross into Cedar.
 *
 * Cedar reads an attribute only by a name written in the policy (`principal.tier`, `has tier`,
 * `["tier"]`): there is no computed attribute name. So an entity attribute whose name appears
 * nowhere in a policy set's text can never affect its evaluation, and leaving it out changes no
 * decision, determining policy or erroring policy. The context is a record value, though: a
 * policy may compare or pass `context` whole, and then every member counts.
 *
 * An entity's data (attributes, parents) is read only by `.`, `has`, `in` and `is … in` on an
 * expression that evaluates to it. When every such expression is a path from a variable
 * (`principal`, `resource.owner`, `context.caller`), only entities reachable from the request —
 * principal, resource, entity references in the observed context, then observed attributes and
 * parents — can be read, and the rest need not be passed. A policy that reads an entity literal
 * (`Person::"ana".active`) or a computed one keeps every entity.
 *
 * Pruning removes attributes the schema may require, so a pruned request is evaluated without the
 * schema (lib/policies/schema-free.ts decides when that is the same).
 */
export type ObservedNames = {
  /** Every string the policies contain (names and literals alike: an over-approximation). */
  names: Set<string>;
  /** Whether some policy uses `context` other than to read one of its members. */
  contextWhole: boolean;
  /** Whether some policy names an action entity in its conditions (then every action group counts). */
  namesActionEntities: boolean;
  /** Whether some policy reads the data of an entity that is not a path from a variable (then every entity counts). */
  readsOtherEntities: boolean;
};

/** What the policies (id → text) can observe; null when one does not parse (then nothing is pruned). */
export function observedNames(policies: Record<string, string>, actionType: string): ObservedNames | null {
  const observed: ObservedNames = { names: new Set(), contextWhole: false, namesActionEntities: false, readsOtherEntities: false };
  for (const text of Object.values(policies)) {
    const answer = cedar.policyToJson(text);
    if (answer.type === "failure") return null;
    const json = answer.json as { conditions?: unknown[] };
    visit(json, observed, false);
    if (mentionsActionEntity(json.conditions ?? [], actionType)) observed.namesActionEntities = true;
  }
  return observed;
}

/** Operators that read the data of the entity on their left (Cedar's JSON policy format). */
const READS_LEFT_ENTITY = new Set([".", "has", "in", "is"]);

/** `principal`, `context.caller.manager`, …: a variable followed by attribute reads. */
function isVariablePath(node: unknown): boolean {
  if (!node || typeof node !== "object" || Array.isArray(node)) return false;
  const record = node as { Var?: unknown; ".": { left?: unknown } };
  return typeof record.Var === "string" || (record["."] !== undefined && isVariablePath(record["."].left));
}

/**
 * Collects every key and string; notes a `context` that is not the left side of `.` or `has`, and
 * an entity read (`.`, `has`, `in`, `is`, tags) whose subject is not a variable path.
 */
function visit(node: unknown, observed: ObservedNames, readsMember: boolean): void {
  if (typeof node === "string") {
    observed.names.add(node);
    return;
  }
  if (Array.isArray(node)) {
    for (const item of node) visit(item, observed, false);
    return;
  }
  if (!node || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  if (record.Var === "context" && !readsMember) observed.contextWhole = true;
  for (const [key, value] of Object.entries(record)) {
    observed.names.add(key);
    if (key === "getTag" || key === "hasTag") observed.readsOtherEntities = true;
    if (READS_LEFT_ENTITY.has(key) && value && typeof value === "object" && !Array.isArray(value) && !isVariablePath((value as { left?: unknown }).left)) observed.readsOtherEntities = true;
    if ((key === "." || key === "has") && value && typeof value === "object" && !Array.isArray(value)) {
      const { left, ...rest } = value as Record<string, unknown>;
      visit(left, observed, true);
      visit(rest, observed, false);
    } else visit(value, observed, false);
  }
}

function mentionsActionEntity(node: unknown, actionType: string): boolean {
  if (Array.isArray(node)) return node.some((item) => mentionsActionEntity(item, actionType));
  if (!node || typeof node !== "object") return false;
  const entity = (node as { __entity?: { type?: unknown } }).__entity;
  if (entity && typeof entity.type === "string" && (entity.type === actionType || entity.type.endsWith("::Action") || entity.type === "Action")) return true;
  return Object.values(node).some((value) => mentionsActionEntity(value, actionType));
}

/**
 * The entities the policies can read, each with only the attributes they can observe (new objects;
 * the input is not changed). `context` is the pruned context. `known` remembers the pruned form of
 * entities seen before with the same `observed` (inventory entities are shared, never changed).
 */
export function pruneEntities(entities: readonly CedarEntity[], observed: ObservedNames, request: { principal: CedarUid; resource: CedarUid }, context: Record<string, unknown>, known?: WeakMap<CedarEntity, CedarEntity>): CedarEntity[] {
  const pruned = new Map<string, CedarEntity>();
  for (const entity of entities) {
    let slim = known?.get(entity);
    if (!slim) {
      const attrs: Record<string, unknown> = {};
      for (const name in entity.attrs) if (observed.names.has(name)) attrs[name] = entity.attrs[name];
      slim = { uid: entity.uid, attrs: attrs as CedarEntity["attrs"], parents: entity.parents };
      known?.set(entity, slim);
    }
    const uid = plainUid(entity.uid);
    pruned.set(uid ? uidKey(uid) : JSON.stringify(entity.uid), slim);
  }
  if (observed.readsOtherEntities) return [...pruned.values()];
  // Entities reached through a variable path (roots, attribute references) may have their attributes
  // read; entities reached only as ancestors are read only for their own parents (`in`).
  const readable = new Set<string>();
  const ancestors = new Set<string>();
  const queue: CedarUid[] = [request.principal, request.resource];
  collectReferences(context, queue);
  const parentQueue: CedarUid[] = [];
  while (queue.length || parentQueue.length) {
    const throughPath = queue.length > 0;
    const key = uidKey(throughPath ? queue.pop()! : parentQueue.pop()!);
    const entity = pruned.get(key);
    if (!entity || readable.has(key) || (!throughPath && ancestors.has(key))) continue;
    (throughPath ? readable : ancestors).add(key);
    if (throughPath) collectReferences(entity.attrs, queue);
    for (const parent of entity.parents) {
      const uid = plainUid(parent);
      if (uid) parentQueue.push(uid);
    }
  }
  const out: CedarEntity[] = [];
  for (const [key, entity] of pruned) {
    if (readable.has(key)) out.push(entity);
    else if (ancestors.has(key)) out.push({ uid: entity.uid, attrs: {}, parents: entity.parents });
  }
  return out;
}

const uidKey = (uid: CedarUid) => `${uid.type}\u0000${uid.id}`;

function plainUid(value: unknown): CedarUid | null {
  const uid = ((value as { __entity?: unknown } | null)?.__entity ?? value) as Partial<CedarUid> | null;
  return uid && typeof uid.type === "string" && typeof uid.id === "string" ? { type: uid.type, id: uid.id } : null;
}

/** Pushes every entity reference (`{ "__entity": … }`) inside a value. */
function collectReferences(value: unknown, into: CedarUid[]): void {
  if (Array.isArray(value)) for (const item of value) collectReferences(item, into);
  else if (value && typeof value === "object") {
    const reference = (value as { __entity?: unknown }).__entity;
    if (reference !== undefined) {
      const uid = plainUid(reference);
      if (uid) into.push(uid);
    } else if (!("__extn" in value)) for (const inner of Object.values(value)) collectReferences(inner, into);
  }
}

/** The context members the policies can observe (all of them when one uses `context` whole). */
export function pruneContext(context: Record<string, unknown>, observed: ObservedNames): Record<string, unknown> {
  if (observed.contextWhole) return context;
  const out: Record<string, unknown> = {};
  for (const name in context) if (observed.names.has(name)) out[name] = context[name];
  return out;
}
