import type { NextRequest } from "next/server";
import { isDatabaseUnavailable, requestIdFrom } from "@/app/_server/with-api";
import { resolveActor } from "@/app/_server/actor";
import { clientIp } from "@/app/_server/request-meta";
import { otlpFailure, otlpLogsHttp } from "@/lib/otlp/otlp-http";

export const dynamic = "force-dynamic";

// POST /api/v1/otlp/v1/logs — OTLP/HTTP logs export (protobuf or JSON, gzip), EP token as bearer.
// Point OTEL_EXPORTER_OTLP_ENDPOINT at …/api/v1/otlp, or OTEL_EXPORTER_OTLP_LOGS_ENDPOINT here.
// Not withApi: OTLP senders expect failures as a google.rpc.Status in their own encoding.
export async function POST(request: NextRequest): Promise<Response> {
  const requestId = requestIdFrom(request.headers);
  try {
    return await otlpLogsHttp(request, { resolveActor, requestId, ip: clientIp(request.headers) });
  } catch (error) {
    if (isDatabaseUnavailable(error)) return otlpFailure(request, 503, "The database is unavailable; retry shortly", requestId, { "retry-after": "5" });
    console.error(`[${requestId}] unhandled error`, error);
    return otlpFailure(request, 500, `Internal error (request ${requestId})`, requestId);
  }
}
