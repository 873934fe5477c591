import { isDatabaseUnavailable, withApi } from "@/app/_server/with-api";
import { StewardError } from "@/lib/errors";
import { handleOtlpLogsRequest, otlpResponseBody } from "@/lib/otlp/ingest-otlp-logs";
import { otlpFailure } from "@/lib/otlp/otlp-http";

export const dynamic = "force-dynamic";

// POST /api/v1/otlp/v1/logs — OTLP/HTTP logs export (protobuf or JSON, gzip), EP token as bearer.
// Point OTEL_EXPORTER_OTLP_ENDPOINT at …/api/v1/otlp, or OTEL_EXPORTER_OTLP_LOGS_ENDPOINT here.
// Failures answer a google.rpc.Status in the request's encoding, as OTLP/HTTP specifies.
export const POST = withApi(
  {
    permission: "decisions.ingest",
    errorResponse: (error, request, requestId) => {
      if (error instanceof StewardError) return otlpFailure(request, error.status, error.message, requestId);
      if (isDatabaseUnavailable(error)) return otlpFailure(request, 503, "The database is unavailable; retry shortly", requestId, { "retry-after": "5" });
      console.error(`[${requestId}] unhandled error`, error);
      return otlpFailure(request, 500, `Internal error (request ${requestId})`, requestId);
    },
  },
  async (request, ctx) => {
    const { format, result } = await handleOtlpLogsRequest(request, ctx);
    const encoded = otlpResponseBody(format, result);
    return new Response(encoded.body as BodyInit, { status: 200, headers: { "content-type": encoded.contentType, "cache-control": "no-store" } });
  },
);
