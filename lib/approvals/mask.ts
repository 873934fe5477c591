/**
 * Masks sensitive values in tool arguments before a person sees them: members whose name says
 * secret (password, token, api key, authorization, cookie, credential, private key, card, IBAN,
 * SSN…) and string values that look like credentials (JWTs, well-known key prefixes, PEM blocks),
 * at any depth. Only for display: binding and re-evaluation always use the exact values.
 */
const SENSITIVE_NAME = /pass(word|wd|phrase)?|secret|token|api[-_]?key|authori[sz]ation|cookie|credential|private[-_]?key|session|card|cvv|cvc|iban|ssn|social[-_]?security/i;
const SENSITIVE_VALUE = [
  /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/, // JWT
  /^(sk|rk|pk)_(live|test)_[\w]{8,}/, // Stripe-style keys
  /^(ghp|gho|ghu|ghs|github_pat)_[\w]{16,}/, // GitHub tokens
  /^xox[abprs]-[\w-]{10,}/, // Slack tokens
  /^AKIA[0-9A-Z]{16}$/, // AWS access key id
  /^stw_(pat|ep)_/, // Steward's own tokens
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^Bearer\s+\S{8,}/i,
];
export const MASK = "••••••";

export function maskSensitive(value: unknown, name = ""): unknown {
  if (name && SENSITIVE_NAME.test(name) && value !== null && typeof value !== "object" && typeof value !== "boolean") return MASK;
  if (typeof value === "string") return SENSITIVE_VALUE.some((pattern) => pattern.test(value)) ? MASK : value;
  if (Array.isArray(value)) return value.map((item) => maskSensitive(item, name));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, maskSensitive(inner, key)]));
  return value;
}
