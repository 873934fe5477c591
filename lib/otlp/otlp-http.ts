import type { Actor } from "../auth/actor";
import { requirePermission } from "../auth/require-permission";
import { StewardError } from "../errors";
import { encodeStatus } from "./logs-data";
import { handleOtlpLogsRequest, otlpResponseBody } from "./ingest-otlp-logs";
import { otlpFormat } from "../decisions/read-bounded-body";

/** google.rpc.Code for an HTTP status, as OTLP/HTTP failure bodies carry it. */
const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 422: 3, 429: 8, 500: 13, 503: 14 };

export type OtlpHttpOptions = { resolveActor: (headers: Headers) => Promise<Actor | null>; requestId: string; ip: string | null };

/** A google.rpc.Status response in the request's encoding (JSON when it named none OTLP knows). */
export function otlpFailure(request: Request, status: number, message: string, requestId: string, headers: Record<string, string> = {}): Response {
  const encoded = encodeStatus(otlpFormat(request.headers.get("content-type")) ?? "json", GRPC_CODE[status] ?? 2, message);
  return new Response(encoded.body as BodyInit, { status, headers: { "content-type": encoded.contentType, "cache-control": "no-store", "x-request-id": requestId, ...headers } });
}

/**
 * OTLP/HTTP logs export, from credentials to response (the specification's OTLP/HTTP section):
 * the EP token as a bearer header is checked as every API route checks it (identity, then the
 * `decisions.ingest` permission); success and partial success answer ExportLogsServiceResponse,
 * a refused request a google.rpc.Status, both in the request's encoding. Other errors are thrown
 * to the route (database down → 503 with Retry-After, bugs → 500).
 */
export async function otlpLogsHttp(request: Request, options: OtlpHttpOptions): Promise<Response> {
  try {
    const actor = await options.resolveActor(request.headers);
    requirePermission(actor, "decisions.ingest");
    const { format, result } = await handleOtlpLogsRequest(request, { actor, requestId: options.requestId, ip: options.ip });
    const encoded = otlpResponseBody(format, result);
    return new Response(encoded.body as BodyInit, { status: 200, headers: { "content-type": encoded.contentType, "cache-control": "no-store", "x-request-id": options.requestId } });
  } catch (error) {
    if (error instanceof StewardError) return otlpFailure(request, error.status, error.message, options.requestId);
    throw error;
  }
}
