import { z } from "zod";
import { ExploreQuery, QuarantineQuery } from "@/lib/decisions/explore-decisions";
import { DecisionFilter } from "@/lib/decisions/filters";
import { IngestBody, IngestResult } from "@/lib/decisions/schemas";
import type { ApiOperation } from "../operation";

const ingestResponses = {
  200: { description: "Every accepted decision is committed; duplicates were already stored; quarantined items are kept with the reason", schema: IngestResult },
  400: { description: "Malformed JSON, invalid UTF-8, invalid gzip, or nesting deeper than 64 levels" },
  413: { description: "Over 10 MiB on the wire, 64 MiB inflated, or 10,000 items" },
  415: { description: "Content-Type is not application/json or application/x-ndjson, or an unsupported Content-Encoding" },
  503: { description: "The database is unavailable; nothing was recorded. Retry after the Retry-After header" },
};

/** An OPA decision-log event; only the fields Steward reads are listed, others are accepted and ignored. */
const OpaDecisionEvent = z
  .object({
    decision_id: z.string(),
    timestamp: z.string().describe("RFC 3339"),
    path: z.string().optional(),
    input: z.unknown().optional(),
    result: z.unknown().optional(),
    bundles: z.record(z.string(), z.object({ revision: z.string().optional() })).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    trace_id: z.string().optional(),
    span_id: z.string().optional(),
    requested_by: z.string().optional(),
    metrics: z.record(z.string(), z.number()).optional(),
    req_id: z.number().optional(),
    revision: z.string().optional().describe("Old-style policy revision, read when bundles is absent"),
    error: z.unknown().optional().describe("The error of a failed evaluation (outcome error)"),
    nd_builtin_cache: z.unknown().optional(),
    erased: z.array(z.string()).optional(),
    masked: z.array(z.string()).optional(),
  })
  .loose();

export const decisionOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/decisions",
    summary: "Past decisions by time range and filters, newest first; pass `next` as `cursor` for the following page",
    tag: "Decisions",
    permission: "decisions.read",
    auth: "user",
    query: ExploreQuery,
    responses: {
      200: {
        description: "One page",
        schema: z.object({
          decisions: z.array(
            z
              .object({
                agentName: z.string().nullable().describe("The inventory agent's current name (null: a person, or the agent is gone)"),
                enforcementPointName: z.string().nullable().describe("The enforcement point's current name (null: it is gone)"),
              })
              .catchall(z.unknown())
              .describe("A recorded decision's fields, with the names read at request time"),
          ),
          next: z.string().nullable(),
        }),
      },
    },
  },
  {
    method: "get",
    path: "/api/v1/decisions/stream",
    summary: "Live feed as server-sent events: `decisions` events carry up to 200 matching decisions (each with `agentName`, the inventory agent's name when known), the count skipped under a burst, and the rate",
    tag: "Decisions",
    permission: "decisions.read",
    auth: "user",
    query: DecisionFilter,
    responses: { 200: { description: "text/event-stream" } },
  },
  {
    method: "get",
    path: "/api/v1/decisions/quarantine",
    summary: "Quarantined items with the reason and the raw item; format=ndjson downloads them",
    tag: "Decisions",
    permission: "decisions.read",
    auth: "user",
    query: QuarantineQuery.extend({ format: z.enum(["json", "ndjson"]).optional() }),
    responses: { 200: { description: "The items" } },
  },
  {
    method: "post",
    path: "/api/v1/decisions",
    summary: "Ingest a batch of decisions (JSON array, {decisions: [...]}, or NDJSON; optionally gzip)",
    description:
      "Authenticated with the enforcement point's token. A retry with the same ids and content is stored once. If every item was quarantined, the answer is 422 with the same body plus an error naming the first problem.",
    tag: "Decisions",
    permission: "decisions.ingest",
    auth: "enforcement_point",
    body: IngestBody,
    bodyContentTypes: ["application/json", "application/x-ndjson"],
    responses: ingestResponses,
  },
  ...["/api/v1/opa/logs", "/api/v1/opa/logs/{partition}"].map(
    (path): ApiOperation => ({
      method: "post",
      path,
      summary: "OPA decision_logs upload: a gzip JSON array of OPA decision events",
      description:
        "Point OPA's decision_logs service at Steward with the EP token as bearer. Every per-event problem (no agent identity — requested_by is never one —, no verdict, a bad timestamp, nesting deeper than 64) quarantines that event with OPA's field path; the chunk is still acknowledged, so OPA never retries it forever. A chunk is refused whole only over 64 KiB compressed (keep upload_size_limit_bytes ≤ 65536), when it is not gzip JSON, or nested deeper than 1,000 levels. See docs/ingest.md for the identity order and what is kept.",
      tag: "Decisions",
      permission: "decisions.ingest",
      auth: "enforcement_point",
      body: z.array(OpaDecisionEvent),
      responses: { ...ingestResponses, 200: { description: "Committed; unmappable events are quarantined", schema: IngestResult } },
    }),
  ),
  {
    method: "post",
    path: "/api/v1/otlp/v1/logs",
    summary: "OTLP/HTTP logs export (ExportLogsServiceRequest as application/x-protobuf or application/json, optionally gzip)",
    description:
      "Point an OpenTelemetry exporter here (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT=…/api/v1/otlp) with the EP token as a bearer header. Records describing an MCP/GenAI tool call or the mapping's action become decisions; others are counted and skipped. Answers an ExportLogsServiceResponse in the request's encoding, with partial_success {rejected_log_records, error_message} when records were quarantined; failures answer a google.rpc.Status.",
    tag: "Decisions",
    permission: "decisions.ingest",
    auth: "enforcement_point",
    bodyContentTypes: ["application/x-protobuf", "application/json"],
    responses: {
      200: { description: "ExportLogsServiceResponse: every decision record is committed or quarantined (partial_success counts the quarantined)" },
      400: { description: "google.rpc.Status: not an ExportLogsServiceRequest, invalid gzip or JSON" },
      413: { description: "google.rpc.Status: over 10 MiB on the wire, 64 MiB inflated, or 100,000 records" },
      415: { description: "google.rpc.Status: another Content-Type or Content-Encoding" },
      503: { description: "google.rpc.Status: the database is unavailable; retry after Retry-After" },
    },
  },
  {
    method: "post",
    path: "/api/v1/events/contextforge",
    summary: "One IBM ContextForge webhook-notification event (a single JSON object) per request",
    description: "Configure ContextForge's webhook_notification plugin with this URL and the EP token as bearer. The event is committed, or quarantined with the reason, before the 200.",
    tag: "Decisions",
    permission: "decisions.ingest",
    auth: "enforcement_point",
    body: z.object({ event: z.string(), timestamp: z.string(), request_id: z.string().optional(), user: z.unknown(), tenant_id: z.string().optional(), server_id: z.string().optional(), violation: z.unknown().optional(), metadata: z.record(z.string(), z.unknown()).optional() }).loose(),
    responses: { ...ingestResponses, 200: { description: "Committed, a duplicate, or quarantined", schema: IngestResult } },
  },
];
