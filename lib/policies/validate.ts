import { approvalDiagnostics } from "../approvals/annotations";
import { checkEntities, checkSchema, countStatements, readSchemaShape, validatePolicies, type CedarEntity, type Diagnostic } from "./cedar";
import { completeAttributes, contextSupplyProblems, uidOf, unknownSubjectAttributes } from "./request-mapping";
import type { PolicySetContent } from "./content";

export type ValidationResult = { valid: boolean; diagnostics: Diagnostic[] };

const result = (diagnostics: Diagnostic[]): ValidationResult => ({ valid: !diagnostics.some((item) => item.severity === "error"), diagnostics });

/**
 * Validates one policy's text as the editor holds it, against the schema and (so ids and
 * conflicts are checked in context) alongside the other policies of the draft.
 */
export function validatePolicySource(policyId: string, source: string, schemaText: string): ValidationResult {
  if (!source.trim()) return result([{ severity: "error", message: "The policy is empty; write one permit or forbid statement", line: 1, column: 1, endLine: 1, endColumn: 1, source: policyId }]);
  const statements = countStatements(source);
  if (statements.diagnostics.length) return result(statements.diagnostics.map((item) => ({ ...item, source: policyId })));
  if (statements.count !== 1) {
    return result([{ severity: "error", message: `A policy holds exactly one statement; this text holds ${statements.count}. Split it into separate policies.`, line: 1, column: 1, endLine: 1, endColumn: 1, source: policyId }]);
  }
  return result([...validatePolicies({ [policyId]: source }, schemaText), ...approvalDiagnostics(policyId, source)]);
}

export function validateSchemaText(schemaText: string): ValidationResult {
  return result(checkSchema(schemaText));
}

export function validateEntities(entities: CedarEntity[], schemaText: string): ValidationResult {
  return result(checkEntities(completedAdminEntities(entities, schemaText), schemaText));
}

/**
 * Admin entities for agents and people extend the inventory's and need not repeat its required
 * attributes: they are checked as the engine completes them (safe defaults for what they omit).
 */
function completedAdminEntities(entities: CedarEntity[], schemaText: string): CedarEntity[] {
  const shape = readSchemaShape(schemaText);
  return entities.map((entity) => {
    const uid = uidOf(entity);
    const kind = uid.type.split("::").at(-1)!;
    if (kind !== "Agent" && kind !== "Person") return entity;
    return { ...entity, attrs: completeAttributes(shape.entityAttributes.get(uid.type) ?? {}, { ...unknownSubjectAttributes(kind, uid.id), ...(entity.attrs ?? {}) }) as CedarEntity["attrs"] };
  });
}

/** Context attributes no request can supply block publishing, named. */
function contextDiagnostics(schemaText: string): Diagnostic[] {
  return contextSupplyProblems(readSchemaShape(schemaText)).map((message) => ({ severity: "error", message, line: 1, column: 1, endLine: 1, endColumn: 1, source: "schema" }));
}

/** The whole set, as publishing needs it: schema, every policy, and the admin-added entities. */
export function validateContent(content: PolicySetContent): ValidationResult {
  const schema = checkSchema(content.schemaText);
  if (schema.length) return result(schema);
  const diagnostics = content.policies.flatMap((policy) => validatePolicySource(policy.id, policy.source, content.schemaText).diagnostics);
  return result([...contextDiagnostics(content.schemaText), ...diagnostics, ...checkEntities(completedAdminEntities(content.entities, content.schemaText), content.schemaText)]);
}
