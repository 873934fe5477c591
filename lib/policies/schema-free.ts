import type { AttributeType, CedarEntity, CedarRequest, CedarUid, SchemaShape } from "./cedar";
import { entityKey, refOf } from "./request-mapping";

/**
 * Evaluating without the schema, when the schema would change nothing.
 *
 * Given a schema, cedar-wasm parses every entity and the context against it on every call: about
 * half of a call's cost for Steward's small policy slices (docs/gateway.md, "Why the policy index
 * gives less than 4×"). That parsing does three things:
 *   1. it types implicit values (a string as an entity reference or an `ip(…)`), which Steward's
 *      request mapping already writes explicitly (`__entity`, `__extn`);
 *   2. it refuses values that do not conform (an undeclared or missing attribute, a wrong type, a
 *      parent of a type the schema does not allow), which fails the request and so denies it;
 *   3. it supplies the action entities and their action groups (`memberOf`).
 * So a request may skip the schema exactly when everything passed already conforms — checked here
 * in plain TypeScript, conservatively: anything this module is not sure of answers `false`, and the
 * request is evaluated with the schema as before — and the evaluator passes the action's groups
 * itself (`actionEntities`). lib/policies/schema-free.test.ts proves the two paths give the same
 * decisions, determining policies and erroring policies on generated requests.
 */

/** The Cedar extension constructor each schema extension type parses a string with. */
const EXTENSION_CONSTRUCTORS: Record<string, string> = { ipaddr: "ip", decimal: "decimal", datetime: "datetime", duration: "duration" };

/** The key `SchemaShape.actionParents` uses. */
export const actionKey = (uid: CedarUid) => `${uid.type}::"${uid.id}"`;

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Whether `value` is already what parsing it as `type` with the schema would produce. */
export function conformsTo(value: unknown, type: AttributeType): boolean {
  const extension = type.type === "Extension" || type.type === "EntityOrCommon" ? type.name : type.type;
  const constructor = extension ? EXTENSION_CONSTRUCTORS[extension] : undefined;
  if (constructor) {
    if (!isPlainObject(value) || Object.keys(value).length !== 1 || !isPlainObject(value.__extn)) return false;
    const { fn, arg, ...rest } = value.__extn;
    return fn === constructor && typeof arg === "string" && Object.keys(rest).length === 0;
  }
  switch (type.type) {
    case "String":
      return typeof value === "string";
    case "Long":
      return typeof value === "number" && Number.isSafeInteger(value);
    case "Bool":
    case "Boolean":
      return typeof value === "boolean";
    case "Set":
      return Array.isArray(value) && type.element !== undefined && value.every((item) => conformsTo(item, type.element!));
    case "Entity": {
      if (!isPlainObject(value) || Object.keys(value).length !== 1 || !isPlainObject(value.__entity)) return false;
      const { type: entityType, id, ...rest } = value.__entity;
      return entityType === type.name && typeof id === "string" && Object.keys(rest).length === 0;
    }
    case "Record":
      return !type.additionalAttributes && isPlainObject(value) && recordConforms(value, type.attributes ?? {});
    default:
      // Unresolved names and anything newer than this module: let Cedar parse it with the schema.
      return false;
  }
}

/** Only declared attributes, every required one present, each of its declared type. */
function recordConforms(values: Record<string, unknown>, attributes: Record<string, AttributeType & { required?: boolean }>): boolean {
  for (const key of Object.keys(values)) {
    // `__entity`/`__extn` keys are escapes in Cedar's JSON: never a plain record.
    if (key.startsWith("__") || !Object.hasOwn(attributes, key)) return false;
  }
  for (const [name, type] of Object.entries(attributes)) {
    if (!Object.hasOwn(values, name)) {
      if (type.required !== false) return false;
    } else if (!conformsTo(values[name], type)) return false;
  }
  return true;
}

/** Whether an entity is of a declared type, with conforming attributes and parents of allowed types. */
export function entityConforms(entity: CedarEntity, shape: SchemaShape): boolean {
  const uid = refOf(entity.uid);
  const attributes = uid && shape.entityAttributes.get(uid.type);
  if (!uid || !attributes) return false;
  const extra = entity as CedarEntity & { tags?: unknown };
  if (extra.tags !== undefined && !(isPlainObject(extra.tags) && Object.keys(extra.tags).length === 0)) return false;
  if (!isPlainObject(entity.attrs) || !recordConforms(entity.attrs, attributes)) return false;
  const allowedParents = shape.parentTypes.get(uid.type) ?? new Set<string>();
  return entity.parents.every((parent) => {
    const parentUid = refOf(parent);
    return parentUid !== undefined && allowedParents.has(parentUid.type);
  });
}

/**
 * Whether this request and its entities may be evaluated without the schema: the schema needs
 * nothing Steward does not mirror, the action is declared, no entity is listed twice, and the
 * context and every entity conform.
 * `known` remembers entities already checked against this shape (an engine's inventory entities
 * are shared, never changed, by every request).
 */
export function mayEvaluateWithoutSchema(shape: SchemaShape, request: CedarRequest, entities: readonly CedarEntity[], known?: WeakMap<CedarEntity, boolean>): boolean {
  if (shape.needsSchemaParsing) return false;
  const actionType = shape.namespace ? `${shape.namespace}::Action` : "Action";
  if (request.action.type !== actionType || !shape.actions.has(request.action.id)) return false;
  const context = shape.contextAttributes.get(request.action.id);
  if (!context || !isPlainObject(request.context) || !recordConforms(request.context, context)) return false;
  // Cedar refuses a list naming one entity twice; pruning would silently keep one of them.
  const seen = new Set<string>();
  return entities.every((entity) => {
    const uid = refOf(entity.uid);
    const key = uid ? entityKey(uid) : "";
    if (!uid || seen.has(key)) return false;
    seen.add(key);
    let conforms = known?.get(entity);
    if (conforms === undefined) {
      conforms = entityConforms(entity, shape);
      known?.set(entity, conforms);
    }
    return conforms;
  });
}

/**
 * The action entities the schema would have supplied that a request can observe: its action and
 * the action groups above it (only actions in groups need one; an action entity without parents
 * is indistinguishable from an absent one). `allGroups` adds every grouped action, for policy sets
 * that name action entities in their conditions.
 */
export function actionEntities(shape: SchemaShape, action: CedarUid, allGroups: boolean): CedarEntity[] {
  const out = new Map<string, CedarEntity>();
  const queue = allGroups ? [...shape.actionParents.keys()] : [actionKey(action)];
  while (queue.length) {
    const next = queue.pop()!;
    const grouped = shape.actionParents.get(next);
    if (!grouped || out.has(next)) continue;
    out.set(next, { uid: grouped.uid, attrs: {}, parents: grouped.parents });
    queue.push(...grouped.parents.map(actionKey));
  }
  return [...out.values()];
}
