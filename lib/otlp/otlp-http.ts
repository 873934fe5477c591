import { encodeStatus } from "./logs-data";
import { otlpFormat } from "../decisions/read-bounded-body";

/** google.rpc.Code for an HTTP status, as OTLP/HTTP failure bodies carry it. */
const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 422: 3, 429: 8, 500: 13, 503: 14 };

/** A google.rpc.Status response in the request's encoding (JSON when it named none OTLP knows). */
export function otlpFailure(request: Request, status: number, message: string, requestId: string, headers: Record<string, string> = {}): Response {
  const encoded = encodeStatus(otlpFormat(request.headers.get("content-type")) ?? "json", GRPC_CODE[status] ?? 2, message);
  return new Response(encoded.body as BodyInit, { status, headers: { "content-type": encoded.contentType, "cache-control": "no-store", "x-request-id": requestId, ...headers } });
}
