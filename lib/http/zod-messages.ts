import { z } from "zod";

/** The issues zod raises for an absent value: a type check, an enum or literal (`invalid_value`), a union. */
const MISSING_VALUE_CODES: ReadonlySet<string> = new Set(["invalid_type", "invalid_value", "invalid_union"]);

/**
 * Zod's own wording for a missing field is its type check's: "Invalid input: expected object, received
 * undefined", which reads as a wrong value to someone who simply left the field out. A required field that
 * is absent (of any type) is "Required" instead; the path still says which one. Every other issue keeps
 * zod's message (this map answers nothing for it, so zod's English locale does).
 */
export const requiredFieldMessage: z.core.$ZodErrorMap = (issue) => (issue.input === undefined && MISSING_VALUE_CODES.has(issue.code ?? "") ? "Required" : undefined);

/**
 * Installs the map for every schema in the process (zod keeps its config on globalThis, so one call reaches
 * every bundle that loaded zod). Imported for this effect by the API wrapper, the server-action wrapper and
 * the gateway: validation runs inside the verbs, behind them.
 */
export function installZodMessages(): void {
  z.config({ customError: requiredFieldMessage });
}

installZodMessages();
