import { z } from "zod";
import type { AttributeType, CedarEntity, CedarRequest, CedarUid, SchemaShape } from "./cedar";

/**
 * How an AuthZEN-shaped request ({subject, action, resource, context}) becomes a Cedar request.
 * Documented in docs/policies.md ("AuthZEN → Cedar mapping"); keep the two in step.
 */
export const AuthzenEntity = z.object({
  type: z.string().min(1, "type must be a non-empty string").max(256),
  id: z.string().min(1, "id must be a non-empty string").max(1024),
  properties: z.record(z.string(), z.unknown()).optional(),
});
export const AuthzenAction = z.object({ name: z.string().min(1, "name must be a non-empty string").max(256), properties: z.record(z.string(), z.unknown()).optional() });
export const AuthzenRequest = z.object({
  subject: AuthzenEntity,
  action: AuthzenAction,
  resource: AuthzenEntity,
  context: z.record(z.string(), z.unknown()).optional(),
});
export type AuthzenRequest = z.infer<typeof AuthzenRequest>;

const isEntity = (value: unknown): boolean => {
  const entity = value as { type?: unknown; id?: unknown; properties?: unknown } | null;
  return typeof entity?.type === "string" && entity.type !== "" && typeof entity.id === "string" && entity.id !== "" && (entity.properties === undefined || (typeof entity.properties === "object" && entity.properties !== null));
};

/**
 * The structural check of AuthzenRequest without zod, for the replay loop over recorded rows
 * (hundreds of thousands of calls); external input still goes through the zod schema.
 */
export function isAuthzenRequest(value: unknown): value is AuthzenRequest {
  const request = value as { subject?: unknown; action?: { name?: unknown }; resource?: unknown; context?: unknown } | null;
  return (
    isEntity(request?.subject) &&
    isEntity(request?.resource) &&
    typeof request?.action?.name === "string" &&
    request.action.name !== "" &&
    (request.context === undefined || (typeof request.context === "object" && request.context !== null && !Array.isArray(request.context)))
  );
}

const TYPE_ALIASES: Record<string, string> = {
  agent: "Agent",
  user: "Person",
  person: "Person",
  team: "Team",
  group: "Group",
  tool: "Tool",
  task: "Task",
  resource: "Resource",
  resource_group: "ResourceGroup",
};

const ACTION_ALIASES: Record<string, string> = {
  "tools/call": "call_tool",
  tool_call: "call_tool",
  call: "call_tool",
  invoke: "call_tool",
  get: "read",
  head: "read",
  list: "read",
  post: "write",
  put: "write",
  patch: "write",
  delete: "write",
  update: "write",
  create: "write",
  delegate: "delegate",
  handoff: "delegate",
};

const SENSITIVITY_LEVEL: Record<string, number> = { public: 0, internal: 1, confidential: 2, restricted: 3 };

export function entityTypeFor(shape: SchemaShape, authzenType: string, fallback: string): string {
  if (authzenType.includes("::")) return authzenType;
  const alias = TYPE_ALIASES[authzenType.toLowerCase()] ?? fallback;
  return shape.namespace ? `${shape.namespace}::${alias}` : alias;
}

/** A declared action name wins; then known aliases (MCP and HTTP verbs); else the name is kept as is. */
export function cedarActionFor(shape: SchemaShape, action: { name: string; properties?: Record<string, unknown> }): string {
  if (shape.actions.has(action.name)) return action.name;
  const kind = typeof action.properties?.kind === "string" ? action.properties.kind : undefined;
  for (const candidate of [kind, action.name.toLowerCase(), action.name.split(/[\s/]/)[0]?.toLowerCase()]) {
    if (!candidate) continue;
    if (shape.actions.has(candidate)) return candidate;
    const alias = ACTION_ALIASES[candidate];
    if (alias && shape.actions.has(alias)) return alias;
  }
  return shape.actions.has("call_tool") ? "call_tool" : action.name;
}

const camel = (key: string) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** A loose JSON value as the declared Cedar type, or undefined when it cannot be one. */
function coerce(value: unknown, type: AttributeType): unknown {
  switch (type.type) {
    case "String":
      return typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
    case "Long":
      return typeof value === "number" && Number.isInteger(value) ? value : typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : undefined;
    case "Boolean":
    case "Bool":
      return typeof value === "boolean" ? value : value === "true" ? true : value === "false" ? false : undefined;
    case "Set": {
      if (!Array.isArray(value) || !type.element) return undefined;
      const items = value.map((item) => coerce(item, type.element!));
      return items.every((item) => item !== undefined) ? items : undefined;
    }
    case "Entity":
      return typeof value === "string" && type.name ? { __entity: { type: type.name, id: value } } : undefined;
    default:
      return undefined;
  }
}

function defaultFor(type: AttributeType): unknown {
  switch (type.type) {
    case "String":
      return "";
    case "Long":
      return 0;
    case "Bool":
    case "Boolean":
      return false;
    case "Set":
      return [];
    default:
      return undefined;
  }
}

/** Keeps only declared attributes (snake_case accepted), coerced to their types; fills required ones. */
export function shapeAttributes(attributes: Record<string, AttributeType & { required?: boolean }>, values: Record<string, unknown>, fill: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byName = new Map(Object.entries(values).map(([key, value]) => [camel(key), value]));
  for (const [name, type] of Object.entries(attributes)) {
    const coerced = byName.has(name) ? coerce(byName.get(name), type) : undefined;
    if (coerced !== undefined) out[name] = coerced;
    else if (fill && type.required !== false) {
      const fallback = defaultFor(type);
      if (fallback !== undefined) out[name] = fallback;
    }
  }
  return out;
}

export type EntityIndex = {
  get(key: string): CedarEntity | undefined;
  /** An alternative identifier (SPIFFE id, client id, external id) → the agent's Cedar id. */
  resolveAgentId(id: string): string | undefined;
};

export const entityKey = (uid: CedarUid) => `${uid.type}::${uid.id}`;

function uidOf(entity: CedarEntity): CedarUid {
  const uid = entity.uid as { __entity?: CedarUid } & CedarUid;
  return uid.__entity ?? uid;
}

/** The entity, its ancestors, and entities its attributes point to (two hops), without duplicates. */
function collectEntities(index: EntityIndex, roots: CedarEntity[], out: Map<string, CedarEntity>) {
  const queue: { entity: CedarEntity; depth: number }[] = roots.map((entity) => ({ entity, depth: 0 }));
  while (queue.length) {
    const { entity, depth } = queue.shift()!;
    const key = entityKey(uidOf(entity));
    if (out.has(key)) continue;
    out.set(key, entity);
    if (depth > 8) continue;
    for (const parent of entity.parents) {
      const found = index.get(entityKey(((parent as { __entity?: CedarUid }).__entity ?? parent) as CedarUid));
      if (found) queue.push({ entity: found, depth: depth + 1 });
    }
    if (depth < 2) {
      for (const value of Object.values(entity.attrs)) {
        const ref = (value as { __entity?: CedarUid } | null)?.__entity;
        const found = ref ? index.get(entityKey(ref)) : undefined;
        if (found) queue.push({ entity: found, depth: depth + 1 });
      }
    }
  }
}

export type MappedRequest = { request: CedarRequest; entities: CedarEntity[] };

/**
 * Known entities (inventory, admin-added) win over request properties: an enforcement point
 * cannot raise an agent's privileges by describing it differently. Unknown subjects and
 * resources are built from their properties, with neutral defaults for required attributes.
 */
export function mapAuthzenRequest(shape: SchemaShape, index: EntityIndex, input: AuthzenRequest, at: Date, delegation?: string[] | null): MappedRequest {
  const context = input.context ?? {};
  const principalType = entityTypeFor(shape, input.subject.type, "Agent");
  const principalId = principalType.endsWith("::Agent") || principalType === "Agent" ? (index.resolveAgentId(input.subject.id) ?? input.subject.id) : input.subject.id;
  const principal: CedarUid = { type: principalType, id: principalId };
  const resourceType = entityTypeFor(shape, input.resource.type, "Resource");
  const resourceId = resourceType.endsWith("::Agent") ? (index.resolveAgentId(input.resource.id) ?? input.resource.id) : input.resource.id;
  const resource: CedarUid = { type: resourceType, id: resourceId };
  const actionName = cedarActionFor(shape, input.action);
  const action: CedarUid = { type: shape.namespace ? `${shape.namespace}::Action` : "Action", id: actionName };

  const known = (uid: CedarUid) => index.get(entityKey(uid));
  const synthesize = (uid: CedarUid, properties: Record<string, unknown> | undefined): CedarEntity => ({
    uid,
    attrs: shapeAttributes(shape.entityAttributes.get(uid.type) ?? {}, properties ?? {}, true) as CedarEntity["attrs"],
    parents: [],
  });
  const roots = [known(principal) ?? synthesize(principal, input.subject.properties), known(resource) ?? synthesize(resource, input.resource.properties)];
  const entities = new Map<string, CedarEntity>();
  collectEntities(index, roots, entities);

  const sensitivity = String(context.data_sensitivity ?? context.dataSensitivity ?? input.resource.properties?.sensitivity ?? "public");
  const time = typeof context.time === "string" && !Number.isNaN(Date.parse(context.time)) ? new Date(context.time) : at;
  const chain = Array.isArray(context.delegation) ? context.delegation : delegation;
  const derived: Record<string, unknown> = {
    actionName: input.action.name,
    destination: context.destination ?? input.resource.properties?.destination ?? "",
    external: context.external ?? input.resource.properties?.external ?? false,
    destructive: context.destructive ?? input.action.properties?.destructive ?? input.resource.properties?.destructive ?? false,
    // Never the caller's claim: an approval is proven by context.approval and checked by the PDP
    // (lib/approvals/pdp.ts), which lifts the requestable forbids itself.
    approved: false,
    dataSensitivity: sensitivity,
    sensitivityLevel: SENSITIVITY_LEVEL[sensitivity] ?? 0,
    taskPurpose: context.task_purpose ?? context.taskPurpose ?? "",
    delegationDepth: context.delegation_depth ?? context.delegationDepth ?? (chain && chain.length > 1 ? chain.length - 1 : 0),
    hour: time.getUTCHours(),
    weekday: time.getUTCDay(),
  };
  const cedarContext = shapeAttributes(shape.contextAttributes.get(actionName) ?? {}, { ...context, ...derived }, true);
  return { request: { principal, action, resource, context: cedarContext }, entities: [...entities.values()] };
}

export function buildEntityIndex(entities: CedarEntity[], agentAliases: Map<string, string>): EntityIndex {
  const map = new Map(entities.map((entity) => [entityKey(uidOf(entity)), entity]));
  return { get: (key) => map.get(key), resolveAgentId: (id) => agentAliases.get(id) };
}
