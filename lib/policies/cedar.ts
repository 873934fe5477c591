import { setFlagsFromString } from "node:v8";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import type { DetailedError, EntityJson, EntityUidJson } from "@cedar-policy/cedar-wasm/nodejs";

// Node 20's V8 (11.3) aborts the process ("Deoptimizer::DoComputeBuiltinContinuation … unreachable
// code") when optimised code that inlined a JS→Wasm call is lazily deoptimised on the way back
// from Wasm: cedar-wasm's calls back into JS change object shapes, which invalidates the caller
// (seen with --trace-deopt in 3 of 3 long replays). Not inlining those calls avoids that frame kind.
setFlagsFromString("--no-turbo-inline-js-wasm-calls");

/** The one module that talks to cedar-wasm; everything else speaks Steward's types. */
export type CedarEntity = EntityJson;
export type CedarUid = { type: string; id: string };
export type CedarRequest = { principal: CedarUid; action: CedarUid; resource: CedarUid; context: Record<string, unknown> };
/**
 * Cedar's answer. `erroringPolicies` are the ids of policies whose evaluation raised an error (Cedar
 * skips them); `errors` the messages.
 */
export type CedarDecision = { decision: "allow" | "deny"; determiningPolicies: string[]; errors: string[]; erroringPolicies: string[] };

export type Diagnostic = {
  severity: "error" | "warning";
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Which document the position refers to: a policy id, "schema" or "entities". */
  source: string;
};

/**
 * Cedar reports byte offsets into the UTF-8 text; editors count characters. Lines and columns
 * are 1-based.
 */
export function offsetToPosition(text: string, byteOffset: number): { line: number; column: number } {
  const prefix = Buffer.from(text, "utf8").subarray(0, Math.max(0, byteOffset)).toString("utf8");
  const lines = prefix.split("\n");
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

function toDiagnostics(errors: DetailedError[], severity: Diagnostic["severity"], text: string, source: string): Diagnostic[] {
  return errors.map((error) => {
    const where = error.sourceLocations?.[0];
    const start = offsetToPosition(text, where?.start ?? 0);
    const end = offsetToPosition(text, where?.end ?? where?.start ?? 0);
    const detail = [where?.label, error.help].filter(Boolean).join("; ");
    return {
      severity,
      message: cleanMessage(error.message) + (detail ? ` (${detail})` : ""),
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      source,
    };
  });
}

/** Cedar prefixes messages with the internal policy id; the editor already shows which policy. */
function cleanMessage(message: string): string {
  return message.replace(/^failed to parse policy with id `[^`]*` from string: /, "").replace(/^for policy `[^`]*`, /, "");
}

export function checkSchema(schemaText: string): Diagnostic[] {
  const answer = cedar.checkParseSchema(schemaText);
  return answer.type === "success" ? [] : toDiagnostics(answer.errors, "error", schemaText, "schema");
}

/** How many policy statements a text holds (each Steward policy must hold exactly one). */
export function countStatements(text: string): { count: number; diagnostics: Diagnostic[] } {
  const answer = cedar.policySetTextToParts(text);
  if (answer.type === "failure") return { count: 0, diagnostics: toDiagnostics(answer.errors, "error", text, "policy") };
  return { count: answer.policies.length + answer.policy_templates.length, diagnostics: [] };
}

/**
 * Parses and validates policies (id → text) against a schema. Diagnostics carry the id of the
 * policy they belong to, with line and column inside that policy's text.
 */
export function validatePolicies(policies: Record<string, string>, schemaText: string): Diagnostic[] {
  const schemaErrors = checkSchema(schemaText);
  const parse = cedar.checkParsePolicySet({ staticPolicies: policies });
  if (parse.type === "failure") {
    return parse.errors.flatMap((error) => {
      const id = /policy with id `([^`]*)`/.exec(error.message)?.[1] ?? Object.keys(policies)[0] ?? "policy";
      return toDiagnostics([error], "error", policies[id] ?? "", id);
    });
  }
  if (schemaErrors.length) return [];
  const answer = cedar.validate({ schema: schemaText, policies: { staticPolicies: policies }, validationSettings: { mode: "strict" } });
  if (answer.type === "failure") return toDiagnostics(answer.errors, "error", "", "schema");
  const perPolicy = (items: { policyId: string; error: DetailedError }[], severity: Diagnostic["severity"]) =>
    items.flatMap((item) => toDiagnostics([item.error], severity, policies[item.policyId] ?? "", item.policyId));
  return [...perPolicy(answer.validationErrors, "error"), ...perPolicy(answer.validationWarnings, "warning")];
}

export function checkEntities(entities: CedarEntity[], schemaText: string): Diagnostic[] {
  const answer = cedar.checkParseEntities({ entities, schema: schemaText });
  return answer.type === "success" ? [] : answer.errors.map((error) => ({ severity: "error" as const, message: error.message, line: 1, column: 1, endLine: 1, endColumn: 1, source: "entities" }));
}

export function formatPolicyText(text: string): { ok: true; text: string } | { ok: false; diagnostics: Diagnostic[] } {
  const answer = cedar.formatPolicies({ policyText: text, lineWidth: 100, indentWidth: 2 });
  return answer.type === "success" ? { ok: true, text: answer.formatted_policy } : { ok: false, diagnostics: toDiagnostics(answer.errors, "error", text, "policy") };
}

function toDecision(answer: cedar.AuthorizationAnswer): CedarDecision {
  if (answer.type === "failure") return { decision: "deny", determiningPolicies: [], errors: answer.errors.map((error) => error.message), erroringPolicies: [] };
  return {
    decision: answer.response.decision,
    determiningPolicies: answer.response.diagnostics.reason,
    errors: answer.response.diagnostics.errors.map((error) => `${error.policyId}: ${error.error.message}`),
    erroringPolicies: [...new Set(answer.response.diagnostics.errors.map((error) => error.policyId))],
  };
}

/** One-off evaluation: parses policies and schema on every call (tests, explain). */
export function authorize(request: CedarRequest, policies: Record<string, string>, schemaText: string, entities: CedarEntity[]): CedarDecision {
  return toDecision(
    cedar.isAuthorized({
      principal: request.principal,
      action: request.action,
      resource: request.resource,
      context: request.context as cedar.Context,
      schema: schemaText,
      validateRequest: false,
      policies: { staticPolicies: policies },
      entities,
    }),
  );
}

/**
 * A policy set and schema parsed once and kept inside the WASM module, for the hot paths (the
 * PDP and replay): each evaluation then only converts the request and its few entities.
 */
export class PreparedPolicySet {
  /** `key` names the slot inside WASM; the same content reuses its slot instead of growing memory. */
  constructor(
    readonly key: string,
    policies: Record<string, string>,
    schemaText: string,
  ) {
    const parsedPolicies = cedar.preparsePolicySet(this.key, { staticPolicies: policies });
    if (parsedPolicies.type === "failure") throw new Error(`policy set does not parse: ${parsedPolicies.errors[0]?.message}`);
    const parsedSchema = cedar.preparseSchema(this.key, schemaText);
    if (parsedSchema.type === "failure") throw new Error(`schema does not parse: ${parsedSchema.errors[0]?.message}`);
  }

  /**
   * `withSchema: false` skips parsing the entities and context against the schema: only for a
   * request lib/policies/schema-free.ts found conforming, with the action entities it supplies.
   */
  authorize(request: CedarRequest, entities: CedarEntity[], withSchema = true): CedarDecision {
    return toDecision(
      cedar.statefulIsAuthorized({
        principal: request.principal as EntityUidJson,
        action: request.action as EntityUidJson,
        resource: request.resource as EntityUidJson,
        context: request.context as cedar.Context,
        preparsedPolicySetId: this.key,
        ...(withSchema ? { preparsedSchemaName: this.key } : {}),
        validateRequest: false,
        entities,
      }),
    );
  }
}

/** A policy's effect as Cedar parses it (comments and annotations cannot fool it); null when it does not parse. */
export function policyEffect(text: string): "permit" | "forbid" | null {
  const answer = cedar.policyToJson(text);
  return answer.type === "success" ? answer.json.effect : null;
}

/** The action ids a policy's scope names (`action == A`, `action in [A, B]`); empty when it names none. */
export function policyActions(text: string): string[] {
  const answer = cedar.policyToJson(text);
  if (answer.type !== "success") return [];
  const scope = answer.json.action as { op: string; entity?: { __entity?: CedarUid } & Partial<CedarUid>; entities?: ({ __entity?: CedarUid } & Partial<CedarUid>)[] };
  const ids = [scope.entity, ...(scope.entities ?? [])].filter(Boolean).map((ref) => (ref!.__entity ?? ref)!.id);
  return ids.filter((id): id is string => typeof id === "string");
}

/** Raw cedar-wasm, for the benchmark's baseline only. */
export const rawIsAuthorized = cedar.isAuthorized;

export type AttributeType = { type: string; element?: AttributeType; name?: string; attributes?: Record<string, AttributeType & { required?: boolean }>; additionalAttributes?: boolean };
export type SchemaShape = {
  namespace: string;
  /** Qualified entity type → attribute name → type. */
  entityAttributes: Map<string, Record<string, AttributeType & { required?: boolean }>>;
  actions: Set<string>;
  /** Action name → its context record's attributes. */
  contextAttributes: Map<string, Record<string, AttributeType & { required?: boolean }>>;
  /** Action name → the qualified principal and resource types it applies to. */
  appliesTo: Map<string, { principals: Set<string>; resources: Set<string> }>;
  /** Qualified entity type → the qualified types its parents may have (`in [...]`). */
  parentTypes: Map<string, Set<string>>;
  /**
   * Action uid key (`Type::"id"`, qualified) → the action and its direct action groups (schema
   * `memberOf`). Actions without groups are absent.
   */
  actionParents: Map<string, { uid: CedarUid; parents: CedarUid[] }>;
  /**
   * Whether the schema uses anything whose parsing Steward does not mirror (enumerated entity
   * types, entity tags, action attributes, open records, several namespaces), so evaluation must
   * always go through the schema.
   */
  needsSchemaParsing: boolean;
};

/** What the schema declares, for mapping loose AuthZEN properties onto typed Cedar attributes. */
export function readSchemaShape(schemaText: string): SchemaShape {
  const shape: SchemaShape = { namespace: "", entityAttributes: new Map(), actions: new Set(), contextAttributes: new Map(), appliesTo: new Map(), parentTypes: new Map(), actionParents: new Map(), needsSchemaParsing: false };
  const answer = cedar.schemaToJsonWithResolvedTypes(schemaText);
  if (answer.type === "failure") return shape;
  // Action names and context types are read by name alone below: with two namespaces one could shadow the other.
  if (Object.keys(answer.json).length > 1) shape.needsSchemaParsing = true;
  for (const [namespace, definition] of Object.entries(answer.json)) {
    shape.namespace ||= namespace;
    const qualify = (name: string) => (namespace && !name.includes("::") ? `${namespace}::${name}` : name);
    const common = new Map(Object.entries(definition.commonTypes ?? {}).map(([name, type]) => [qualify(name), type as unknown as AttributeType]));
    // Common types resolved at every depth (records inside records, set elements), keeping `required`.
    const resolve = (type: (AttributeType & { required?: boolean }) | undefined, depth = 0): AttributeType | undefined => {
      if (!type || depth > 32) return type;
      const named = common.get(type.type) ?? (type.type === "EntityOrCommon" && type.name ? common.get(qualify(type.name)) : undefined);
      const base: AttributeType & { required?: boolean } = named ? { ...named, ...(type.required === false ? { required: false } : {}) } : type;
      if (base.type === "Set" && base.element) return { ...base, element: resolve(base.element, depth + 1) };
      if (base.type === "Record" && base.attributes) return { ...base, attributes: Object.fromEntries(Object.entries(base.attributes).map(([name, inner]) => [name, { ...resolve(inner, depth + 1)!, ...(inner.required === false ? { required: false } : {}) }])) };
      return base;
    };
    for (const [name, entityType] of Object.entries(definition.entityTypes)) {
      const declared = entityType as { shape?: AttributeType; memberOfTypes?: string[]; enum?: unknown; tags?: unknown };
      const record = resolve(declared.shape);
      shape.entityAttributes.set(qualify(name), record?.attributes ?? {});
      shape.parentTypes.set(qualify(name), new Set((declared.memberOfTypes ?? []).map(qualify)));
      if (declared.enum !== undefined || declared.tags !== undefined || record?.additionalAttributes) shape.needsSchemaParsing = true;
    }
    const actionType = qualify("Action");
    for (const [name, action] of Object.entries(definition.actions ?? {})) {
      const declared = action as { memberOf?: { id: string; type?: string }[]; attributes?: unknown };
      if (declared.attributes !== undefined) shape.needsSchemaParsing = true;
      if (declared.memberOf?.length) shape.actionParents.set(`${actionType}::"${name}"`, { uid: { type: actionType, id: name }, parents: declared.memberOf.map((parent) => ({ type: parent.type ? qualify(parent.type) : actionType, id: parent.id })) });
      shape.actions.add(name);
      const context = resolve(action.appliesTo?.context as AttributeType | undefined);
      shape.contextAttributes.set(name, context?.attributes ?? {});
      const applies = action.appliesTo as { principalTypes?: string[]; resourceTypes?: string[] } | undefined;
      shape.appliesTo.set(name, { principals: new Set((applies?.principalTypes ?? []).map(qualify)), resources: new Set((applies?.resourceTypes ?? []).map(qualify)) });
    }
  }
  return shape;
}

/** A policy's effect and Cedar annotations (`@name("value")`; a bare `@name` has value null), or null when the text does not parse. */
export function policyAnnotations(text: string): { effect: "permit" | "forbid"; annotations: Record<string, string | null> } | null {
  const answer = cedar.policyToJson(text);
  if (answer.type === "failure") return null;
  return { effect: answer.json.effect, annotations: (answer.json.annotations ?? {}) as Record<string, string | null> };
}
