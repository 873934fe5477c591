import { isRedirectError } from "next/dist/client/components/redirect-error";
import { ZodError, type z } from "zod";
import type { Actor, RequestContext } from "@/lib/auth/actor";
import { requirePermission, type AnyPermission } from "@/lib/auth/require-permission";
import { CONCURRENT_DUPLICATE_MESSAGE, isUniqueViolation, StewardError } from "@/lib/errors";
import { countNoun } from "@/lib/count-noun";
import { currentRequestContext } from "./actor";
import { headers } from "next/headers";
import { clientIp } from "./request-meta";
import { assertNoPendingPasswordChange, assertSameOriginForSession } from "./csrf";
import { isDatabaseUnavailable } from "./with-api";
import { assertWritable } from "@/db/disk-space";
import type { ActionResult } from "@/lib/http/action-result";
// A missing required field reads "Required", in every schema the action's verbs parse with.
import "@/lib/http/zod-messages";
import { noteWrite } from "./read-scope";

export type { ActionResult };

/**
 * React resets a form after its action runs; a failed submission hands back what was typed
 * (never passwords or secrets) so the form can show it again.
 */
function echoableValues(raw: FormData | Record<string, unknown>): Record<string, string> | undefined {
  if (!(raw instanceof FormData)) return undefined;
  const values: Record<string, string> = {};
  for (const [key, value] of raw.entries()) {
    if (typeof value === "string" && !key.startsWith("$ACTION") && !/password|secret|token/i.test(key)) values[key] = value;
  }
  return values;
}

/** FormData → plain object; repeated keys become arrays. */
function formDataToObject(formData: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of formData.entries()) {
    if (key.startsWith("$ACTION")) continue;
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

function toActionError(error: unknown): ActionResult<never> & { ok: false } {
  if (isRedirectError(error)) throw error;
  if (error instanceof StewardError) return { ok: false, code: error.code, message: error.message, ...(error.path ? { fieldErrors: { [error.path]: [error.message] } } : {}) };
  if (error instanceof ZodError) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of error.issues) {
      // A field holding a list (lines of a textarea, repeated inputs) is one form field: an item's error
      // is shown at it, saying which entry.
      const item = issue.path.findIndex((segment) => typeof segment === "number");
      const field = (item < 0 ? issue.path : issue.path.slice(0, item)).join(".") || "form";
      (fieldErrors[field] ??= []).push(item < 0 ? issue.message : `Entry ${Number(issue.path[item]) + 1}: ${issue.message}`);
    }
    const fields = Object.keys(fieldErrors).length;
    return { ok: false, code: "invalid_input", message: fields === 1 ? "Check the highlighted field" : `Check the ${countNoun(fields, "highlighted field")}`, fieldErrors };
  }
  if (isDatabaseUnavailable(error)) return { ok: false, code: "unavailable", message: "The database is unavailable; try again shortly" };
  if (isUniqueViolation(error)) return { ok: false, code: "conflict", message: CONCURRENT_DUPLICATE_MESSAGE };
  console.error("server action failed", error);
  return { ok: false, code: "internal", message: "Something went wrong; the change was not saved" };
}

/**
 * Every server action goes through this: authenticate, check the permission (before reading any
 * input), refuse a cookie-authenticated call from another Origin, parse with zod, run, and return
 * errors as data for useActionState.
 * Called as `(previousState, formDataOrObject)`.
 */
export function action<S extends z.ZodType, T>(
  permission: AnyPermission,
  schema: S,
  run: (ctx: RequestContext & { actor: Actor }, input: z.infer<S>) => Promise<T>,
  options: { allowPendingPasswordChange?: boolean } = {},
) {
  return async (_previous: unknown, raw: FormData | Record<string, unknown>): Promise<ActionResult<T>> => {
    try {
      const ctx = await currentRequestContext();
      requirePermission(ctx.actor, permission);
      // Server actions are POSTs: a cookie-authenticated one must come from this console's own pages.
      const requestHeaders = await headers();
      assertSameOriginForSession(ctx.actor, "POST", requestHeaders, requestHeaders.get("x-forwarded-proto") ?? "http");
      if (!options.allowPendingPasswordChange) assertNoPendingPasswordChange(ctx.actor);
      assertWritable();
      const input = schema.parse(raw instanceof FormData ? formDataToObject(raw) : raw);
      const data = await run({ ...ctx, actor: ctx.actor }, input);
      // The pages this person opens next read from the primary, not a replica that may lag (read-your-own-writes).
      await noteWrite();
      return { ok: true, data };
    } catch (error) {
      return { ...toActionError(error), values: echoableValues(raw) };
    }
  };
}

/** For the only actions an anonymous visitor may call: signing in and first-run setup. */
export function publicAction<S extends z.ZodType, T>(schema: S, run: (input: z.infer<S>, meta: { ip: string | null }) => Promise<T>) {
  return async (_previous: unknown, raw: FormData | Record<string, unknown>): Promise<ActionResult<T>> => {
    try {
      const input = schema.parse(raw instanceof FormData ? formDataToObject(raw) : raw);
      return { ok: true, data: await run(input, { ip: clientIp(await headers()) }) };
    } catch (error) {
      return { ...toActionError(error), values: echoableValues(raw) };
    }
  };
}
