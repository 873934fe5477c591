import type { NextRequest } from "next/server";
import { ZodError, type z } from "zod";
import type { Actor, RequestContext } from "@/lib/auth/actor";
import { requirePermission, type AnyPermission } from "@/lib/auth/require-permission";
import { CONCURRENT_DUPLICATE_MESSAGE, driverCodes, formatIssuePath, isUniqueViolation, StewardError, type ErrorCode } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/json-body";
// A missing required field reads "Required", in every schema the route's verbs parse with.
import "@/lib/http/zod-messages";
import { newId } from "@/lib/ids";
import { assertWritable } from "@/db/disk-space";
import { ensureStarted } from "@/lib/startup";
import { assertNoPendingPasswordChange, assertSameOriginForSession } from "./csrf";
import { clientIp } from "./request-meta";

export type ApiContext = RequestContext & { actor: Actor };
/** A public handler identifies no one: whatever credential its protocol carries (a client assertion, a token to revoke) is its own business. */
export type PublicApiContext = Omit<RequestContext, "actor">;
type RouteParams = Record<string, string | string[]>;
type Handler<P> = (request: NextRequest, ctx: ApiContext, params: P) => Promise<Response>;
type PublicHandler<P> = (request: Request, ctx: PublicApiContext, params: P) => Promise<Response> | Response;
/** Renders a thrown error in the route's own protocol (OTLP's google.rpc.Status, RFC 6749 §5.2); null falls back to Steward's body. */
type ErrorRenderer = (error: unknown, request: Request, requestId: string) => Response | null;
type ProtectedOptions = { permission: AnyPermission; errorResponse?: ErrorRenderer };
type PublicOptions = {
  permission: "public";
  errorResponse?: ErrorRenderer;
  /**
   * "wait" (default): open the database first, as any route (a state change is then refused near a full
   * PGlite disk). "skip": answer without it — liveness, readiness (which reports the start-up itself),
   * static discovery documents, and next-auth, which opens the database only when it needs it.
   */
  startup?: "wait" | "skip";
};

export function errorResponse(code: ErrorCode, status: number, message: string, extra: Record<string, unknown> = {}, headers: HeadersInit = {}): Response {
  return Response.json({ error: { code, message, ...extra } }, { status, headers: { "cache-control": "no-store", ...headers } });
}

/** Maps any throw to one JSON error shape; unknown errors are logged and never echoed. */
export function toErrorResponse(error: unknown, requestId: string): Response {
  if (error instanceof StewardError) {
    const retry: HeadersInit = error.code === "unavailable" ? { "retry-after": "5" } : {};
    return errorResponse(error.code, error.status, error.message, { ...(error.path ? { path: error.path } : {}), ...(error.details ? { details: error.details } : {}) }, retry);
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
    const first = issues[0];
    return errorResponse("invalid_input", 422, first ? `${first.path}: ${first.message}` : "Invalid input", { path: first?.path, issues });
  }
  if (isDatabaseUnavailable(error)) {
    return errorResponse("unavailable", 503, "The database is unavailable; retry shortly", {}, { "retry-after": "5" });
  }
  if (isUniqueViolation(error)) return errorResponse("conflict", 409, CONCURRENT_DUPLICATE_MESSAGE);
  console.error(`[${requestId}] unhandled error`, error);
  return errorResponse("internal", 500, `Internal error (request ${requestId})`);
}

/** Connection-level failures, also when wrapped. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return driverCodes(error).some((code) => UNAVAILABLE_CODES.has(code) || code.startsWith("08"));
}

// Socket errors, postgres.js connection states, admin shutdown / cannot connect now (57P01, 57P03),
// and "database is not accepting connections" (55000 is only raised at connection time by the server).
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT", "57P01", "57P02", "57P03", "55000"]);

/**
 * Every route handler goes through this: resolve the actor (session or bearer token), check the
 * permission, refuse a cookie-authenticated change from another Origin (CSRF), run, and map errors.
 * `permission: "public"` (liveness, discovery documents, the token service, sign-in) resolves no actor
 * and checks nothing; it still echoes X-Request-ID and maps errors. `errorResponse` lets a route speak
 * its protocol's error body (return null to use Steward's).
 */
export function withApi<P extends RouteParams = RouteParams>(options: PublicOptions, handler: PublicHandler<P>): (request: Request, route?: { params: Promise<P> }) => Promise<Response>;
export function withApi<P extends RouteParams = RouteParams>(options: ProtectedOptions, handler: Handler<P>): (request: NextRequest, route: { params: Promise<P> }) => Promise<Response>;
export function withApi<P extends RouteParams = RouteParams>(options: PublicOptions | ProtectedOptions, handler: PublicHandler<P> | Handler<P>) {
  if (options.permission === "public") return publicRoute(options as PublicOptions, handler as PublicHandler<P>);
  return async (request: NextRequest, route: { params: Promise<P> }): Promise<Response> => {
    const requestId = requestIdFrom(request.headers);
    try {
      await ensureStarted();
      // PGlite near a full disk: refuse writes cleanly (503) instead of wedging (db/disk-space.ts).
      if (!SAFE_METHODS.has(request.method)) assertWritable();
      // Loaded on first use: public routes (the token service) never load the session machinery (next-auth).
      const { resolveActor } = await import("./actor");
      const actor = await resolveActor(request.headers);
      requirePermission(actor, options.permission);
      assertSameOriginForSession(actor, request.method, request.headers, request.nextUrl.protocol);
      assertNoPendingPasswordChange(actor);
      const response = await handler(request, { actor, requestId, ip: clientIp(request.headers) }, await route.params);
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      // A protocol with its own error body (OTLP's google.rpc.Status) renders it; the status is the same.
      const response = options.errorResponse?.(error, request, requestId) ?? toErrorResponse(error, requestId);
      response.headers.set("x-request-id", requestId);
      return response;
    }
  };
}

function publicRoute<P extends RouteParams>(options: PublicOptions, handler: PublicHandler<P>) {
  return async (request: Request, route?: { params: Promise<P> }): Promise<Response> => {
    const requestId = requestIdFrom(request.headers);
    try {
      if (options.startup !== "skip") {
        await ensureStarted();
        if (!SAFE_METHODS.has(request.method)) assertWritable();
      }
      return withRequestId(await handler(request, { requestId, ip: clientIp(request.headers) }, ((await route?.params) ?? {}) as P), requestId);
    } catch (error) {
      return withRequestId(options.errorResponse?.(error, request, requestId) ?? toErrorResponse(error, requestId), requestId);
    }
  };
}

/** Sets X-Request-ID; a response with immutable headers (`Response.redirect`, as Auth.js returns) is copied first. */
function withRequestId(response: Response, requestId: string): Response {
  try {
    response.headers.set("x-request-id", requestId);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set("x-request-id", requestId);
    return copy;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A caller's X-Request-ID (printable, ≤ 128 characters) is kept and echoed, as AuthZEN asks; otherwise a new id. */
export function requestIdFrom(headers: Headers): string {
  const incoming = headers.get("x-request-id");
  return incoming && /^[\x21-\x7e]{1,128}$/.test(incoming) ? incoming : newId("req");
}

/**
 * Parses a JSON body against a schema, through the one body reader (lib/http/json-body.ts):
 * 415 for another content type, 413 past the size limits, 400 for malformed or too deeply nested
 * JSON (each naming the limit), 422 naming the path that does not match the schema.
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  return schema.parse(await readJsonBody(request));
}
