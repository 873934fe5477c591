import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import type { CedarEntity, CedarUid } from "./cedar";
import { entityKey, refOf } from "./request-mapping";

/**
 * What a policy set can observe of a request, so the rest need not cross into Cedar.
 *
 * Cedar reads an attribute only with `.` or `has` and a name written in the policy
 * (`principal.tier`, `resource has owner`, `context["x"]`): there is no computed attribute name. So
 * an attribute no policy of a set names can never affect its evaluation, and leaving it out changes
 * no decision, determining policy or erroring policy. Names are kept per place they are read from:
 * those read on `principal`, on `resource`, on `context`, and "deep" ones read on anything reached
 * through an attribute (`principal.owner.active` reads `active` deep). The context is a record
 * value, though: a policy may compare or pass `context` whole, and then every member counts.
 *
 * An entity's data (attributes, parents) is read only by `.`, `has`, `in` and `is … in` on an
 * expression that evaluates to it. When every such expression is a path from a variable
 * (`principal`, `resource.owner`, `context.caller`), only entities reachable from the request —
 * principal, resource, entity references in the observed context, then observed attributes and
 * parents — can be read, and the rest need not be passed; entities reached only as ancestors are
 * read only for their parents. A policy that reads an entity literal (`Person::"ana".active`) or a
 * computed one keeps every entity, each with every observed name.
 *
 * Pruning removes attributes the schema may require, so a pruned request is evaluated without the
 * schema (lib/policies/schema-free.ts decides when that is the same).
 */
export type ObservedNames = {
  /** Attribute names read directly on `principal`. */
  principal: Set<string>;
  /** Attribute names read directly on `resource`. */
  resource: Set<string>;
  /** Context members read (`context.x`, `context has x`). */
  context: Set<string>;
  /** Attribute names read on anything else: an entity or record reached through an attribute, an action, a literal. */
  deep: Set<string>;
  /** Whether some policy uses `context` other than to read one of its members. */
  contextWhole: boolean;
  /** Whether some policy names an action entity in its conditions (then every action group counts). */
  namesActionEntities: boolean;
  /** Whether some policy reads the data of an entity that is not a path from a variable (then every entity counts). */
  readsOtherEntities: boolean;
};

/** What the policies (id → text) can observe; null when one does not parse (then nothing is pruned). */
export function observedNames(policies: Record<string, string>, actionType: string): ObservedNames | null {
  const observed: ObservedNames = { principal: new Set(), resource: new Set(), context: new Set(), deep: new Set(), contextWhole: false, namesActionEntities: false, readsOtherEntities: false };
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

/** Where a name read on `left` is kept: the variable's own set when `left` is a bare variable, else deep. */
function namesReadOn(left: unknown, observed: ObservedNames): Set<string> {
  const variable = (left as { Var?: unknown } | null)?.Var;
  return variable === "principal" ? observed.principal : variable === "resource" ? observed.resource : variable === "context" ? observed.context : observed.deep;
}

/**
 * Collects the names read by `.` and `has` (`has a.b` reads `a` on its subject and `b` deep);
 * notes a `context` that is not the left side of `.` or `has`, and an entity read (`.`, `has`,
 * `in`, `is`, tags) whose subject is not a variable path.
 */
function visit(node: unknown, observed: ObservedNames, readsMember: boolean): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, observed, false);
    return;
  }
  if (!node || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  if (record.Var === "context" && !readsMember) observed.contextWhole = true;
  for (const [key, value] of Object.entries(record)) {
    if (key === "getTag" || key === "hasTag") observed.readsOtherEntities = true;
    const operands = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    if (operands && READS_LEFT_ENTITY.has(key) && !isVariablePath(operands.left)) observed.readsOtherEntities = true;
    if (operands && (key === "." || key === "has")) {
      const { left, attr, ...rest } = operands;
      const path = (Array.isArray(attr) ? attr : [attr]).filter((name): name is string => typeof name === "string");
      path.forEach((name, depth) => (depth === 0 ? namesReadOn(left, observed) : observed.deep).add(name));
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

/** Where an entity was reached from: which names of it can be read. */
const AS_PRINCIPAL = 1;
const AS_RESOURCE = 2;
const THROUGH_ATTRIBUTE = 4;

/**
 * The entities the policies can read, each with only the attributes they can observe (new objects;
 * the input is not changed). `context` is the pruned context. `known` remembers the pruned forms of
 * entities seen before with the same `observed`, by how they were reached (inventory entities are
 * shared, never changed).
 */
export function pruneEntities(entities: readonly CedarEntity[], observed: ObservedNames, request: { principal: CedarUid; resource: CedarUid }, context: Record<string, unknown>, known?: Map<number, WeakMap<CedarEntity, CedarEntity>>): CedarEntity[] {
  const slim = (entity: CedarEntity, reached: number): CedarEntity => {
    let cache = known?.get(reached);
    const cached = cache?.get(entity);
    if (cached) return cached;
    const attrs: Record<string, unknown> = {};
    for (const name in entity.attrs) {
      if ((reached & AS_PRINCIPAL && observed.principal.has(name)) || (reached & AS_RESOURCE && observed.resource.has(name)) || (reached & THROUGH_ATTRIBUTE && observed.deep.has(name))) attrs[name] = entity.attrs[name];
    }
    const out = { uid: entity.uid, attrs: attrs as CedarEntity["attrs"], parents: entity.parents };
    if (known) {
      if (!cache) known.set(reached, (cache = new WeakMap()));
      cache.set(entity, out);
    }
    return out;
  };
  const byKey = new Map<string, CedarEntity>();
  for (const entity of entities) {
    const uid = refOf(entity.uid);
    byKey.set(uid ? entityKey(uid) : JSON.stringify(entity.uid), entity);
  }
  // An entity a policy may reach any way at all (a literal) may be read with any name.
  if (observed.readsOtherEntities) return [...byKey.values()].map((entity) => slim(entity, AS_PRINCIPAL | AS_RESOURCE | THROUGH_ATTRIBUTE));
  const reachedAs = new Map<string, number>();
  const ancestors = new Set<string>();
  const paths: [CedarUid, number][] = [
    [request.principal, AS_PRINCIPAL],
    [request.resource, AS_RESOURCE],
  ];
  const throughAttributes = (value: unknown) => {
    const found: CedarUid[] = [];
    collectReferences(value, found);
    for (const uid of found) paths.push([uid, THROUGH_ATTRIBUTE]);
  };
  throughAttributes(context);
  const parentsToVisit: CedarUid[] = [];
  while (paths.length || parentsToVisit.length) {
    if (paths.length) {
      const [uid, how] = paths.pop()!;
      const key = entityKey(uid);
      const entity = byKey.get(key);
      const before = reachedAs.get(key) ?? 0;
      if (!entity || (before & how) === how) continue;
      reachedAs.set(key, before | how);
      throughAttributes(slim(entity, how).attrs);
      for (const parent of entity.parents) {
        const parentUid = refOf(parent);
        if (parentUid) parentsToVisit.push(parentUid);
      }
    } else {
      const key = entityKey(parentsToVisit.pop()!);
      const entity = byKey.get(key);
      if (!entity || ancestors.has(key)) continue;
      ancestors.add(key);
      for (const parent of entity.parents) {
        const parentUid = refOf(parent);
        if (parentUid) parentsToVisit.push(parentUid);
      }
    }
  }
  const out: CedarEntity[] = [];
  for (const [key, entity] of byKey) {
    const reached = reachedAs.get(key);
    if (reached) out.push(slim(entity, reached));
    else if (ancestors.has(key)) out.push({ uid: entity.uid, attrs: {}, parents: entity.parents });
  }
  return out;
}

/** Pushes every entity reference (`{ "__entity": … }`) inside a value. */
function collectReferences(value: unknown, into: CedarUid[]): void {
  if (Array.isArray(value)) for (const item of value) collectReferences(item, into);
  else if (value && typeof value === "object") {
    const reference = (value as { __entity?: unknown }).__entity;
    if (reference !== undefined) {
      const uid = refOf(reference);
      if (uid) into.push(uid);
    } else if (!("__extn" in value)) for (const inner of Object.values(value)) collectReferences(inner, into);
  }
}

/** The context members the policies can observe (all of them when one uses `context` whole). */
export function pruneContext(context: Record<string, unknown>, observed: ObservedNames): Record<string, unknown> {
  if (observed.contextWhole) return context;
  const out: Record<string, unknown> = {};
  for (const name in context) if (observed.context.has(name)) out[name] = context[name];
  return out;
}
