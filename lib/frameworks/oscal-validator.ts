import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import catalogSchema from "./oscal-schemas/oscal_catalog_schema.json";

/**
 * OSCAL's JSON schemas are draft-07 with Unicode property escapes in their patterns (\p{L}),
 * so Ajv keeps unicodeRegExp on; strict mode is off because the generated schemas use
 * keywords Ajv's strict mode rejects as unknown.
 */
export function createOscalAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

let catalogValidator: ValidateFunction | undefined;

export function validateOscalCatalog(document: unknown): { valid: true } | { valid: false; errors: string[] } {
  catalogValidator ??= createOscalAjv().compile(catalogSchema);
  if (catalogValidator(document)) return { valid: true };
  return { valid: false, errors: formatAjvErrors(catalogValidator.errors ?? []) };
}

export function formatAjvErrors(errors: ErrorObject[]): string[] {
  return errors.slice(0, 10).map((error) => `${error.instancePath || "/"} ${error.message ?? "is invalid"}`);
}
