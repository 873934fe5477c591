import type { ErrorCode } from "../errors";

/**
 * What every server action returns (app/_server/action.ts) and every form reads: the data, or the
 * error with per-field messages and the values typed (never passwords or secrets) to show again.
 */
export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; code: ErrorCode; message: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

/** A server action bound to a form with useActionState: the previous result and the submitted form. */
export type FormAction<T = unknown, Input = FormData> = (previous: unknown, input: Input) => Promise<ActionResult<T>>;
