import { z } from "zod";

/** The issues zod raises for an absent value: a type check, an enum or literal (`invalid_value`), a union. */
const MISSING_VALUE_CODES: ReadonlySet<string> = new Set(["invalid_type", "invalid_value", "invalid_union"]);

/**
 * Zod's own wording for a missing field is its type check's: "Invalid input: expected object, received
 * undefined", which reads as a wrong value to someone who simply left the field out. A required field that
 * is absent (of any type) is "Required" instead; the path still says which one.
 */
export const requiredFieldMessage: z.core.$ZodErrorMap = (issue) => (issue.input === undefined && MISSING_VALUE_CODES.has(issue.code ?? "") ? "Required" : undefined);

/**
 * A number out of range or not whole, in words a form field can show and an API caller can read:
 * "Must be 1 or more" rather than zod's "Too small: expected number to be >=1".
 */
export const numberMessage: z.core.$ZodErrorMap = (issue) => {
  if ((issue.code === "too_small" || issue.code === "too_big") && (issue.origin === "number" || issue.origin === "bigint")) {
    const bound = String(issue.code === "too_small" ? issue.minimum : issue.maximum);
    if (issue.code === "too_small") return issue.inclusive ? `Must be ${bound} or more` : `Must be more than ${bound}`;
    return issue.inclusive ? `Must be ${bound} or less` : `Must be less than ${bound}`;
  }
  if (issue.code === "invalid_type" && issue.expected === "int" && typeof issue.input === "number") return "Must be a whole number";
  return undefined;
};

/** Steward's wording where it has one; every other issue keeps zod's message (the map answers nothing, so zod's English locale does). */
export const stewardZodMessages: z.core.$ZodErrorMap = (issue) => requiredFieldMessage(issue) ?? numberMessage(issue);

/**
 * Installs the map for every schema in the process (zod keeps its config on globalThis, so one call reaches
 * every bundle that loaded zod). Imported for this effect by the API wrapper, the server-action wrapper and
 * the gateway: validation runs inside the verbs, behind them.
 */
export function installZodMessages(): void {
  z.config({ customError: stewardZodMessages });
}

installZodMessages();
