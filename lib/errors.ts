/**
 * Expected failures carry a code the API maps to a status, and a message the user can act on.
 * Anything that is not a StewardError is a bug: it becomes a generic 500 and is logged, never echoed.
 */
export const ERROR_STATUS = {
  /** The request's body or query does not match the contract (names the path). */
  invalid_input: 422,
  /** The body could not be parsed at all (malformed JSON, bad encoding). */
  bad_request: 400,
  /** No valid credentials were presented. */
  unauthenticated: 401,
  /** The actor is known but lacks the permission. */
  forbidden: 403,
  not_found: 404,
  /** The change contradicts the current state (duplicate name, stale version). */
  conflict: 409,
  /** The body is larger than the configured limit. */
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** The state does not allow this yet (e.g. a failing policy test blocks publish). */
  precondition_failed: 412,
  rate_limited: 429,
  /** A dependency (the database) is down; the client should retry. */
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class StewardError extends Error {
  readonly code: ErrorCode;
  /** JSON path or field of the offending input, when there is one. */
  readonly path: string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: { path?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "StewardError";
    this.code = code;
    this.path = options.path;
    this.details = options.details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string, id: string) => new StewardError("not_found", `${what} ${id} does not exist`);

/** Turns a zod issue path into a JSON-path-like string: `$.decisions[3].agent.id`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    // An unusual key is quoted as JSON, so the path stays printable and storable whatever was sent.
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : /^[A-Za-z_$][\w$-]*$/.test(String(key)) ? `${out}.${String(key)}` : `${out}[${JSON.stringify(String(key))}]`),
    "$",
  );
}

/** The error codes along an error's cause chain (drizzle reports the driver's error as `cause`). */
export function driverCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
  }
  return codes;
}

/**
 * A unique constraint refused a write after the domain's own check had passed: another request
 * saved the same name or identity between the check and the insert (SQLSTATE 23505). A conflict the
 * user can resolve (409), not a server fault (500).
 */
export function isUniqueViolation(error: unknown): boolean {
  return driverCodes(error).includes("23505");
}
export const CONCURRENT_DUPLICATE_MESSAGE = "Another change saved the same name or identity a moment ago; reload and try again";
