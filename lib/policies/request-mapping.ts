import { isIP } from "node:net";
import { z } from "zod";
import { StewardError } from "../errors";
import type { AttributeType, CedarEntity, CedarRequest, CedarUid, SchemaShape } from "./cedar";
import type { PdpOptions } from "./pdp-options";

/**
 * How an AuthZEN-shaped request ({subject, action, resource, context}) becomes a Cedar request.
 * Documented in docs/policies.md ("AuthZEN → Cedar mapping" and "Derived and claimed attributes");
 * keep the two in step.
 *
 * The rule this module enforces, in one place (`contextFor`): everything the PDP derives — from the
 * inventory, admin entities, the tool catalog, the clock and the verified delegation chain — is
 * authoritative and no request member can set, override or shadow it, in any spelling. What the
 * caller sends is claimed, and reaches policies only under `context.request.*` (or top-level context
 * attributes an administrator declared that are not derived names).
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

/**
 * MCP and HTTP spellings of the default schema's actions. A name that is neither declared by the
 * schema nor listed here is only a tool call when the resource is a tool; otherwise it is denied.
 */
const ACTION_ALIASES: Record<string, string> = {
  "tools/call": "call_tool",
  tool_call: "call_tool",
  get: "read",
  head: "read",
  post: "write",
  put: "write",
  patch: "write",
  delete: "write",
  handoff: "delegate",
};

/** Derived context attribute names (see docs/policies.md). Compared after `normalKey`. */
export const DERIVED_CONTEXT = ["actionName", "hour", "weekday", "delegationDepth", "approved", "destructive", "external", "dataSensitivity", "sensitivityLevel", "taskPurpose", "destination"] as const;
/** The claimed record: the caller's context, typed by the schema's `request` record. */
export const CLAIMED_RECORD = "request";

/**
 * The spelling-insensitive form of a key: `action_name`, `actionName`, `ACTION-NAME` and
 * `action name` are one key. Anything outside [a-z0-9] is dropped, so look-alike characters
 * never equal a derived name either (they match nothing).
 */
export const normalKey = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, "");
const DERIVED_KEYS = new Set<string>(DERIVED_CONTEXT.map(normalKey));
export const isDerivedContextName = (name: string) => DERIVED_KEYS.has(normalKey(name)) || normalKey(name) === normalKey(CLAIMED_RECORD);

const SENSITIVITY = ["public", "internal", "confidential", "restricted"] as const;
const SENSITIVITY_LEVEL: Record<string, number> = { public: 0, internal: 1, confidential: 2, restricted: 3 };
const ENVIRONMENTS: Record<string, string> = { prod: "prod", production: "prod", prd: "prod", live: "prod", staging: "staging", stage: "staging", stg: "staging", preprod: "staging", dev: "dev", development: "dev", test: "dev", testing: "dev", local: "dev", sandbox: "dev" };

/** A request value that cannot be typed: a 400 naming the path. */
export function malformed(path: string, message: string): StewardError {
  return new StewardError("bad_request", `${path}: ${message}`, { path });
}

/** Unknown or unreadable sensitivity strings become the most restrictive level, never the least. */
export function normalizeSensitivity(value: unknown, path: string): (typeof SENSITIVITY)[number] {
  if (typeof value !== "string") throw malformed(path, `expected one of ${SENSITIVITY.join(", ")}`);
  const known = SENSITIVITY.find((level) => level === value.trim().toLowerCase());
  return known ?? "restricted";
}

/** Environment names are normalised (production → prod, …); an unknown one counts as prod. */
export function normalizeEnvironment(value: unknown, path: string): string {
  if (typeof value !== "string") throw malformed(path, "expected a string (prod, staging or dev)");
  return ENVIRONMENTS[normalKey(value)] ?? "prod";
}

function strictBoolean(value: unknown, path: string): boolean {
  if (typeof value === "boolean") return value;
  throw malformed(path, "expected true or false");
}

const DECIMAL = /^-?\d+\.\d{1,4}$/;
const DURATION = /^-?(?=\d)(\d+d)?(\d+h)?(\d+m(?!s))?(\d+s)?(\d+ms)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{4}))?$/;
const EXTENSIONS: Record<string, { fn: string; valid: (arg: string) => boolean; expected: string }> = {
  ipaddr: { fn: "ip", valid: (arg) => validIp(arg), expected: "an IPv4 or IPv6 address, optionally with a /prefix" },
  decimal: { fn: "decimal", valid: (arg) => DECIMAL.test(arg), expected: "a decimal with 1 to 4 fractional digits, e.g. \"1.5\"" },
  datetime: { fn: "datetime", valid: (arg) => DATETIME.test(arg) && !Number.isNaN(Date.parse(arg.length === 10 ? `${arg}T00:00:00Z` : arg.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"))), expected: "an RFC 3339 date or date-time, e.g. \"2026-11-30T10:00:00Z\"" },
  duration: { fn: "duration", valid: (arg) => DURATION.test(arg) && arg !== "-", expected: "a Cedar duration, e.g. \"1h30m\"" },
};

function validIp(arg: string): boolean {
  const [address, prefix, ...rest] = arg.split("/");
  if (rest.length || !address) return false;
  const family = isIP(address);
  if (!family) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The extension type a schema attribute names, if any (Cedar reports `ipaddr` or `Extension`+name). */
function extensionOf(type: AttributeType): string | undefined {
  const name = type.type === "Extension" || type.type === "EntityOrCommon" ? type.name : type.type;
  return name && name in EXTENSIONS ? name : undefined;
}

/**
 * A claimed JSON value as the declared Cedar type. Throws a 400 naming `path` when it cannot be
 * one — a value is never silently replaced by a permissive default.
 */
export function coerce(value: unknown, type: AttributeType, path: string): unknown {
  const extension = extensionOf(type);
  if (extension) {
    const spec = EXTENSIONS[extension]!;
    const extn = (value as { __extn?: { fn?: unknown; arg?: unknown } } | null)?.__extn;
    const arg = typeof value === "string" ? value : extn && typeof extn.arg === "string" && (extn.fn === undefined || extn.fn === spec.fn) ? extn.arg : undefined;
    if (arg === undefined || !spec.valid(arg)) throw malformed(path, `expected ${spec.expected}`);
    return { __extn: { fn: spec.fn, arg } };
  }
  switch (type.type) {
    case "String":
      if (typeof value === "string") return value;
      throw malformed(path, "expected a string");
    case "Long":
      if (typeof value === "number" && Number.isSafeInteger(value)) return value;
      if (typeof value === "string" && /^-?\d{1,15}$/.test(value)) return Number(value);
      throw malformed(path, "expected an integer");
    case "Boolean":
    case "Bool":
      return strictBoolean(value, path);
    case "Set": {
      if (!Array.isArray(value) || !type.element) throw malformed(path, "expected an array");
      return value.map((item, index) => coerce(item, type.element!, `${path}[${index}]`));
    }
    case "Entity": {
      const id = typeof value === "string" ? value : (value as { id?: unknown } | null)?.id;
      if (typeof id !== "string" || !type.name) throw malformed(path, `expected a ${type.name ?? "entity"} id`);
      return { __entity: { type: type.name, id } };
    }
    case "Record": {
      if (!value || typeof value !== "object" || Array.isArray(value)) throw malformed(path, "expected an object");
      return typedRecord(type.attributes ?? {}, value as Record<string, unknown>, path);
    }
    default:
      throw malformed(path, `the schema's type ${type.type} cannot be supplied by a request`);
  }
}

/** The declared attributes of a record, from a loose object (any key spelling); required ones must be present. */
function typedRecord(attributes: Record<string, AttributeType & { required?: boolean }>, values: Record<string, unknown>, path: string): Record<string, unknown> {
  const byKey = spellingIndex(values, path);
  const out: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(attributes)) {
    const found = byKey.get(normalKey(name));
    if (found !== undefined) out[name] = coerce(found.value, type, `${path}.${found.key}`);
    else if (type.required !== false) throw malformed(`${path}.${name}`, "is required by the schema");
  }
  return out;
}

/**
 * Keys by spelling-insensitive form; two spellings of one key with different values are ambiguous.
 * `null` means "not given" (it never stands for a value, permissive or not).
 */
function spellingIndex(values: Record<string, unknown>, path: string): Map<string, { key: string; value: unknown }> {
  const out = new Map<string, { key: string; value: unknown }>();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    const normal = normalKey(key);
    const seen = out.get(normal);
    if (seen && JSON.stringify(seen.value) !== JSON.stringify(value)) throw malformed(`${path}.${key}`, `conflicts with ${seen.key} (the same attribute spelled twice)`);
    if (!seen) out.set(normal, { key, value });
  }
  return out;
}

/** A neutral typed value for a required attribute nothing supplies, on entities Steward itself builds. */
function neutralFor(type: AttributeType): unknown {
  switch (type.type) {
    case "String":
      return "unknown";
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

/** Fills required attributes missing from `attrs` with neutral values (only where the schema knows the type). */
export function completeAttributes(attributes: Record<string, AttributeType & { required?: boolean }>, attrs: Record<string, unknown>): Record<string, unknown> {
  const out = { ...attrs };
  for (const [name, type] of Object.entries(attributes)) {
    if (name in out || type.required === false) continue;
    const value = neutralFor(type);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export type EntityIndex = {
  get(key: string): CedarEntity | undefined;
  /** An alternative identifier (SPIFFE id, client id, external id) → the agent's Steward id. */
  resolveAgentId(id: string): string | undefined;
  /** A person's id or e-mail → the person's id. */
  resolvePersonId(id: string): string | undefined;
};

export const entityKey = (uid: CedarUid) => `${uid.type}::${uid.id}`;

export function uidOf(entity: CedarEntity): CedarUid {
  const uid = entity.uid as { __entity?: CedarUid } & CedarUid;
  return uid.__entity ?? uid;
}

export const refOf = (value: unknown): CedarUid | undefined => {
  const ref = value as ({ __entity?: CedarUid } & Partial<CedarUid>) | null;
  if (!ref || typeof ref !== "object") return undefined;
  if (ref.__entity) return ref.__entity;
  return typeof ref.type === "string" && typeof ref.id === "string" ? (ref as CedarUid) : undefined;
};

/**
 * The one entity builder (live evaluation, policy tests, explain, replay): the roots, all their
 * ancestors and every entity their attributes point to, transitively — no depth cut, so a
 * hierarchy of any depth is judged the same everywhere. Each entity appears once (cycles end).
 */
export function collectEntities(index: Pick<EntityIndex, "get">, roots: CedarEntity[]): CedarEntity[] {
  const out = new Map<string, CedarEntity>();
  const stack = [...roots];
  while (stack.length) {
    const entity = stack.pop()!;
    const key = entityKey(uidOf(entity));
    if (out.has(key)) continue;
    out.set(key, entity);
    for (const parent of entity.parents) {
      const uid = refOf(parent);
      const found = uid ? index.get(entityKey(uid)) : undefined;
      if (found && !out.has(entityKey(uid!))) stack.push(found);
    }
    const visitValue = (value: unknown) => {
      if (Array.isArray(value)) return value.forEach(visitValue);
      const uid = (value as { __entity?: CedarUid } | null)?.__entity;
      if (uid) {
        const found = index.get(entityKey(uid));
        if (found && !out.has(entityKey(uid))) stack.push(found);
      } else if (value && typeof value === "object" && !("__extn" in value)) Object.values(value).forEach(visitValue);
    };
    Object.values(entity.attrs ?? {}).forEach(visitValue);
  }
  return [...out.values()];
}

export type MappedRequest = { request: CedarRequest; entities: CedarEntity[] };
/**
 * Facts an enforcement point verified itself (a task token's purpose, a verified approval): they
 * feed the derived `taskPurpose` and `approved`. Never taken from the request body.
 */
export type VerifiedFacts = { taskPurpose?: string; approved?: boolean };
/** A request the PDP refuses to evaluate as anything else: denied, with the reason. */
export type Refusal = { refused: string };

const qualified = (shape: SchemaShape, name: string) => (shape.namespace && !name.includes("::") ? `${shape.namespace}::${name}` : name);
const shortType = (type: string) => type.split("::").at(-1)!;

/** The Cedar entity type for an AuthZEN type through a table, or a qualified type the schema declares. */
function entityTypeFor(shape: SchemaShape, table: Record<string, string>, authzenType: string): string | undefined {
  if (authzenType.includes("::")) return shape.entityAttributes.has(authzenType) ? authzenType : undefined;
  const mapped = table[authzenType.toLowerCase()];
  if (!mapped) return undefined;
  const type = qualified(shape, mapped);
  return shape.entityAttributes.has(type) ? type : undefined;
}

/** A declared action name wins; then the MCP/HTTP alias table; then `properties.kind`; then a tool call when the resource is a tool. */
export function cedarActionFor(shape: SchemaShape, action: { name: string; properties?: Record<string, unknown> }, resourceType: string): string | undefined {
  if (shape.actions.has(action.name)) return action.name;
  const kind = typeof action.properties?.kind === "string" ? action.properties.kind : undefined;
  const verb = action.name.split(/\s/)[0]!.toLowerCase();
  for (const candidate of [action.name.toLowerCase(), verb, kind, kind?.toLowerCase()]) {
    if (!candidate) continue;
    if (shape.actions.has(candidate)) return candidate;
    const alias = ACTION_ALIASES[candidate];
    if (alias && shape.actions.has(alias)) return alias;
  }
  if (shortType(resourceType) === "Tool" && shape.actions.has("call_tool")) return "call_tool";
  return undefined;
}

const PRINCIPAL_KINDS = ["Agent", "Person"] as const;

/**
 * What an entity looks like when the PDP knows nothing about it: for an agent, exactly what the
 * inventory shows for a freshly discovered one (so live and later replays agree); for a person,
 * inactive. Request properties never contribute.
 */
export function unknownSubjectAttributes(kind: string, id: string): Record<string, unknown> {
  if (kind === "Agent") {
    return { name: id, status: "discovered", environment: "unknown", riskTier: "unknown", hasOwner: false, credentialKind: "unknown", staticCredential: true, dataSensitivity: "unknown", declaredActions: [], declaredResourceTypes: [] };
  }
  if (kind === "Person") return { name: id, email: "", active: false };
  return {};
}

/** Resource attributes only the tool catalog / admin entities may set; a request describing an unknown resource cannot. */
const CATALOG_ONLY = new Set(["destructive", "external", "destination"].map(normalKey));

/**
 * Maps an AuthZEN request. Returns the Cedar request and its entities, or a refusal (denied with a
 * reason) when the PDP does not know what is asked: an unmapped subject or resource type, an
 * action the schema does not define, a subject whose claimed type contradicts the inventory, or a
 * request the schema cannot type. Throws a 400 (StewardError "bad_request") naming the path of a
 * value that cannot be typed.
 */
export function mapAuthzenRequest(shape: SchemaShape, index: EntityIndex, options: PdpOptions, input: AuthzenRequest, at: Date, delegation?: string[] | null, verified: VerifiedFacts = {}): MappedRequest | Refusal {
  // Subject: one entity per identity, whatever type the caller claims.
  const claimedType = entityTypeFor(shape, options.subjectTypes, input.subject.type);
  if (!claimedType) return { refused: `Subject type "${input.subject.type}" is not mapped to a Cedar entity type (Settings → PDP subject types)` };
  const subject = resolveSubject(shape, index, claimedType, input.subject.id);
  if ("refused" in subject) return subject;
  const principal = subject.uid;

  const resourceType = entityTypeFor(shape, options.resourceTypes, input.resource.type);
  if (!resourceType) return { refused: `Resource type "${input.resource.type}" is not mapped to a Cedar entity type (Settings → PDP resource types)` };
  const resourceId = shortType(resourceType) === "Agent" ? (index.resolveAgentId(input.resource.id) ?? input.resource.id) : input.resource.id;
  const resourceUid: CedarUid = { type: resourceType, id: resourceId };

  const actionName = cedarActionFor(shape, input.action, resourceType);
  if (!actionName) return { refused: `Action "${input.action.name}" is not defined by the schema and is not a tool call` };
  const applies = shape.appliesTo.get(actionName);
  if (applies && (!applies.principals.has(principal.type) || !applies.resources.has(resourceType))) {
    return { refused: `The schema does not define action "${actionName}" for a ${shortType(principal.type)} on a ${shortType(resourceType)}` };
  }
  const action: CedarUid = { type: qualified(shape, "Action"), id: actionName };

  const knownResource = index.get(entityKey(resourceUid));
  const resource = knownResource ?? describedResource(shape, resourceUid, input.resource.properties);
  const entities = collectEntities(index, [subject.entity, resource]);
  const context = contextFor(shape, actionName, input, at, delegation, verified, resource, knownResource !== undefined);
  return { request: { principal, action, resource: resourceUid, context }, entities };
}

function resolveSubject(shape: SchemaShape, index: EntityIndex, claimedType: string, id: string): { uid: CedarUid; entity: CedarEntity } | Refusal {
  const agentId = index.resolveAgentId(id);
  const personId = index.resolvePersonId(id);
  const known: { kind: string; id: string } | undefined = agentId ? { kind: "Agent", id: agentId } : personId ? { kind: "Person", id: personId } : undefined;
  const claimedKind = shortType(claimedType);
  if (known) {
    const type = qualified(shape, known.kind);
    if (type !== claimedType) return { refused: `Subject "${id}" is ${known.kind === "Agent" ? "agent" : "person"} ${known.id} in the inventory; the claimed type ${claimedKind} contradicts it` };
    const entity = index.get(entityKey({ type, id: known.id }));
    if (entity) return { uid: { type, id: known.id }, entity };
  }
  // Not in the inventory: an admin entity with this id, under the claimed type only.
  const admin = index.get(entityKey({ type: claimedType, id }));
  if (admin) return { uid: { type: claimedType, id }, entity: admin };
  for (const kind of PRINCIPAL_KINDS) {
    const other = qualified(shape, kind);
    if (other !== claimedType && index.get(entityKey({ type: other, id }))) return { refused: `Subject "${id}" is a ${kind} entity; the claimed type ${claimedKind} contradicts it` };
  }
  const uid = { type: claimedType, id };
  return { uid, entity: { uid, attrs: completeAttributes(shape.entityAttributes.get(claimedType) ?? {}, unknownSubjectAttributes(claimedKind, id)) as CedarEntity["attrs"], parents: [] } };
}

/**
 * A resource Steward has no entity for, as the enforcement point describes it: declared attributes
 * only, parsed strictly (environment and sensitivity normalised, unknown values the most restrictive),
 * never the catalog-only flags.
 */
function describedResource(shape: SchemaShape, uid: CedarUid, properties: Record<string, unknown> | undefined): CedarEntity {
  const attributes = shape.entityAttributes.get(uid.type) ?? {};
  const byKey = spellingIndex(properties ?? {}, "$.resource.properties");
  const attrs: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(attributes)) {
    const key = normalKey(name);
    if (CATALOG_ONLY.has(key)) continue;
    const found = byKey.get(key);
    if (!found) continue;
    const path = `$.resource.properties.${found.key}`;
    if (key === "environment" && type.type === "String") attrs[name] = normalizeEnvironment(found.value, path);
    else if ((key === "sensitivity" || key === "datasensitivity") && type.type === "String") attrs[name] = normalizeSensitivity(found.value, path);
    else attrs[name] = coerce(found.value, type, path);
  }
  return { uid, attrs: completeAttributes(attributes, attrs) as CedarEntity["attrs"], parents: [] };
}

/** Claimed flags: a caller may make a request more restricted (true), never less permissive-ward. */
function claimedTrue(values: Map<string, { key: string; value: unknown }>, name: string, path: string): boolean {
  const found = values.get(normalKey(name));
  return found ? strictBoolean(found.value, `${path}.${found.key}`) : false;
}

/**
 * The context, built in one place. Derived names get derived values only; the caller's context is
 * typed into the schema's `request` record (and into admin-declared top-level attributes that are
 * not derived names). See DERIVED_CONTEXT and docs/policies.md.
 */
function contextFor(shape: SchemaShape, actionName: string, input: AuthzenRequest, at: Date, delegation: string[] | null | undefined, verified: VerifiedFacts, resource: CedarEntity, resourceKnown: boolean): Record<string, unknown> {
  const claims = spellingIndex(input.context ?? {}, "$.context");
  const actionClaims = spellingIndex(input.action.properties ?? {}, "$.action.properties");
  const resourceClaims = spellingIndex(input.resource.properties ?? {}, "$.resource.properties");
  const attrs = resource.attrs as Record<string, unknown>;

  // Catalog flags: the resource entity's own value when the catalog/admin entities set it; else the
  // safe value (a read of an unknown resource is neither destructive nor external; anything else is both).
  const safeUnknown = actionName !== "read";
  const flag = (name: "destructive" | "external") => {
    const claimed = claimedTrue(claims, name, "$.context") || claimedTrue(actionClaims, name, "$.action.properties") || claimedTrue(resourceClaims, name, "$.resource.properties");
    const known = typeof attrs[name] === "boolean" ? (attrs[name] as boolean) : safeUnknown;
    return known || claimed;
  };
  // Sensitivity: the resource entity's, else what the enforcement point reports (most restrictive of
  // its reports), else restricted.
  // A report may raise the level above the catalog's, never lower it.
  const reports = [
    [claims.get("datasensitivity"), "$.context"],
    [resourceClaims.get("sensitivity"), "$.resource.properties"],
    [resourceClaims.get("datasensitivity"), "$.resource.properties"],
  ] as const;
  const levels = reports.filter(([found]) => found).map(([found, path]) => normalizeSensitivity(found!.value, `${path}.${found!.key}`));
  if (resourceKnown && typeof attrs.sensitivity === "string") levels.push(normalizeSensitivity(attrs.sensitivity, "$.resource"));
  const sensitivity = levels.length ? levels.reduce((a, b) => (SENSITIVITY_LEVEL[a]! >= SENSITIVITY_LEVEL[b]! ? a : b)) : "restricted";
  // Delegation: the verified chain; a caller admitting a longer chain makes it deeper, never shallower.
  const verifiedDepth = delegation && delegation.length > 1 ? delegation.length - 1 : 0;
  const claimedChain = claims.get("delegation");
  if (claimedChain && !Array.isArray(claimedChain.value)) throw malformed(`$.context.${claimedChain.key}`, "expected an array (the delegation chain)");
  const claimedDepth = claims.get("delegationdepth");
  const depthClaim = claimedDepth === undefined ? 0 : (coerce(claimedDepth.value, { type: "Long" }, `$.context.${claimedDepth.key}`) as number);
  const delegationDepth = Math.max(verifiedDepth, claimedChain ? (claimedChain.value as unknown[]).length - 1 : 0, depthClaim);
  const derived: Record<string, unknown> = {
    actionname: input.action.name,
    hour: at.getUTCHours(),
    weekday: at.getUTCDay(),
    delegationdepth: delegationDepth,
    // Only a verified approval (VerifiedFacts, supplied by the enforcement point's own checks) approves;
    // on the AuthZEN endpoint an approval is proven by context.approval and checked by the PDP
    // (lib/approvals/pdp.ts), which lifts the requestable forbids itself.
    approved: verified.approved === true,
    destructive: flag("destructive"),
    external: flag("external"),
    datasensitivity: sensitivity,
    sensitivitylevel: SENSITIVITY_LEVEL[sensitivity] ?? 3,
    // The verified task's purpose (task tokens); a claimed purpose is context.request.taskPurpose.
    taskpurpose: typeof verified.taskPurpose === "string" ? verified.taskPurpose : "",
    destination: resourceKnown && typeof attrs.destination === "string" ? attrs.destination : "",
  };

  const out: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(shape.contextAttributes.get(actionName) ?? {})) {
    const key = normalKey(name);
    if (DERIVED_KEYS.has(key)) {
      out[name] = derived[key];
    } else if (key === normalKey(CLAIMED_RECORD)) {
      if (type.type !== "Record") continue;
      const claimed: Record<string, unknown> = {};
      for (const [claimName, claimType] of Object.entries(type.attributes ?? {})) {
        const found = claims.get(normalKey(claimName));
        if (found) claimed[claimName] = coerce(found.value, claimType, `$.context.${found.key}`);
        else if (claimType.required !== false) throw malformed(`$.context.${claimName}`, "is required by the schema");
      }
      out[name] = claimed;
    } else {
      const found = claims.get(key);
      if (found) out[name] = coerce(found.value, type, `$.context.${found.key}`);
      else if (type.required !== false) throw malformed(`$.context.${name}`, "is required by the schema");
    }
  }
  return out;
}

/**
 * Problems that make a schema's context impossible for any request to satisfy (publishing is
 * blocked with these): a derived name declared with another type than the PDP supplies, or a
 * required attribute of a type no JSON value converts to.
 */
export function contextSupplyProblems(shape: SchemaShape): string[] {
  const derivedTypes: Record<string, string> = { actionname: "String", hour: "Long", weekday: "Long", delegationdepth: "Long", approved: "Bool", destructive: "Bool", external: "Bool", datasensitivity: "String", sensitivitylevel: "Long", taskpurpose: "String", destination: "String" };
  const supplied = (type: AttributeType): boolean => {
    if (extensionOf(type)) return true;
    if (["String", "Long", "Bool", "Boolean", "Entity"].includes(type.type)) return true;
    if (type.type === "Set") return !!type.element && supplied(type.element);
    if (type.type === "Record") return Object.values(type.attributes ?? {}).every((inner) => inner.required === false || supplied(inner));
    return false;
  };
  // One problem per attribute, naming the actions whose context declares it.
  const problems = new Map<string, { text: string; actions: string[] }>();
  const add = (text: string, action: string) => {
    const entry = problems.get(text) ?? { text, actions: [] };
    entry.actions.push(action);
    problems.set(text, entry);
  };
  for (const [action, attributes] of shape.contextAttributes) {
    for (const [name, type] of Object.entries(attributes)) {
      const key = normalKey(name);
      const derivedType = derivedTypes[key];
      if (derivedType) {
        const actual = type.type === "Boolean" ? "Bool" : type.type;
        if (actual !== derivedType) add(`context attribute "${name}" is derived by the PDP as ${derivedType}, but the schema declares ${type.type}`, action);
      } else if (type.required !== false && !supplied(type)) {
        add(`required context attribute "${name}" has type ${type.type}, which no request can supply`, action);
      }
    }
  }
  return [...problems.values()].map(({ text, actions }) => `${text} (actions: ${actions.join(", ")})`);
}

export function buildEntityIndex(entities: CedarEntity[], agentAliases: Map<string, string>, personAliases: Map<string, string> = new Map()): EntityIndex {
  const map = new Map(entities.map((entity) => [entityKey(uidOf(entity)), entity]));
  return { get: (key) => map.get(key), resolveAgentId: (id) => agentAliases.get(id), resolvePersonId: (id) => personAliases.get(id) ?? personAliases.get(id.toLowerCase()) };
}
