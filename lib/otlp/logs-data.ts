import protobuf from "protobufjs/light";
import { StewardError } from "../errors";
import descriptor from "./otlp-logs-descriptor.json";

/**
 * OTLP logs (opentelemetry-proto v1.11 `ExportLogsServiceRequest`) decoded with protobufjs from the
 * official proto definitions (scripts/gen-otlp-descriptor.ts), or read from OTLP/JSON, into one
 * shape: ids as lowercase hex, 64-bit integers as decimal strings, AnyValues as plain JSON.
 */
const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
const ExportLogsServiceRequest = root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest");
const ExportLogsServiceResponse = root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse");
const Status = root.lookupType("google.rpc.Status");

export type Attributes = Record<string, unknown>;
export type LogRecord = {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: unknown;
  attributes: Attributes;
  traceId: string;
  spanId: string;
  eventName: string;
};
export type ScopeLogs = { scope: { name: string; version: string }; logRecords: LogRecord[] };
export type ResourceLogs = { resource: Attributes; scopeLogs: ScopeLogs[] };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
// A view, not a copy: Buffer.from(uint8Array) would copy the bytes first.
const hex = (value: unknown): string => (value instanceof Uint8Array ? (value.byteLength ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex") : "") : typeof value === "string" ? value.toLowerCase() : "");
/** A 64-bit integer as decimal text: from JSON (string or number) or a decoded Long ({low, high}: BigInt is faster than Long's own toString). */
function int64(value: unknown): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") return String(value);
  if (value && typeof value === "object" && "low" in value && "high" in value) {
    const { low, high } = value as { low: number; high: number };
    return ((BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)).toString();
  }
  return "0";
}

/** An OTLP AnyValue as JSON: kvlists become objects, bytes become base64 text. */
export function anyValue(value: unknown): unknown {
  if (!isObject(value)) return null;
  // Own properties only: a decoded protobuf message keeps its unset fields' defaults on the prototype.
  if (Object.hasOwn(value, "stringValue")) return value.stringValue ?? "";
  if (Object.hasOwn(value, "boolValue")) return Boolean(value.boolValue);
  if (Object.hasOwn(value, "intValue")) {
    const text = int64(value.intValue);
    const number = Number(text);
    return Number.isSafeInteger(number) ? number : text;
  }
  if (Object.hasOwn(value, "doubleValue")) return Number(value.doubleValue);
  if (Object.hasOwn(value, "arrayValue")) return list((value.arrayValue as Json | undefined)?.values).map(anyValue);
  if (Object.hasOwn(value, "kvlistValue")) return keyValues((value.kvlistValue as Json | undefined)?.values);
  if (Object.hasOwn(value, "bytesValue")) return value.bytesValue instanceof Uint8Array ? Buffer.from(value.bytesValue).toString("base64") : String(value.bytesValue ?? "");
  return null;
}

function keyValues(values: unknown): Attributes {
  const out: Attributes = {};
  for (const entry of list(values)) if (isObject(entry) && typeof entry.key === "string") out[entry.key] = anyValue(entry.value);
  return out;
}

function normalise(request: Json): ResourceLogs[] {
  return list(request.resourceLogs).map((resourceLogs) => {
    const rl = isObject(resourceLogs) ? resourceLogs : {};
    return {
      resource: keyValues(isObject(rl.resource) ? rl.resource.attributes : undefined),
      scopeLogs: list(rl.scopeLogs).map((scopeLogs) => {
        const sl = isObject(scopeLogs) ? scopeLogs : {};
        const scope = isObject(sl.scope) ? sl.scope : {};
        return {
          scope: { name: String(scope.name ?? ""), version: String(scope.version ?? "") },
          logRecords: list(sl.logRecords).map((record) => {
            const r = isObject(record) ? record : {};
            return {
              timeUnixNano: int64(r.timeUnixNano),
              observedTimeUnixNano: int64(r.observedTimeUnixNano),
              severityNumber: Number(r.severityNumber ?? 0) || 0,
              severityText: String(r.severityText ?? ""),
              body: r.body === undefined ? null : anyValue(r.body),
              attributes: keyValues(r.attributes),
              traceId: hex(r.traceId),
              spanId: hex(r.spanId),
              eventName: String(r.eventName ?? ""),
            };
          }),
        };
      }),
    };
  });
}

/** Decodes `application/x-protobuf` bytes; a malformed message is a 400 (OTLP: not retryable). */
export function decodeProtobuf(bytes: Uint8Array): ResourceLogs[] {
  try {
    // The decoded message is read directly (no toObject copy): 64-bit integers arrive as Long or
    // number and are printed as decimal text, bytes as Uint8Array and printed as hex.
    return normalise(ExportLogsServiceRequest.decode(bytes) as unknown as Json);
  } catch (error) {
    // Truncated or wrong bytes, or nesting deep enough to exhaust the stack (RangeError).
    throw new StewardError("bad_request", `The body is not an OTLP ExportLogsServiceRequest: ${(error as Error).message}`);
  }
}

/** Reads OTLP/JSON (lowerCamelCase keys, hex ids, int64 as string or number). */
export function decodeJson(value: unknown): ResourceLogs[] {
  if (!isObject(value)) throw new StewardError("bad_request", "An OTLP/JSON body is an ExportLogsServiceRequest object: {\"resourceLogs\": [...]}");
  return normalise(value);
}

/** ExportLogsServiceResponse, in the request's encoding; partial_success only when something was rejected. */
export function encodeResponse(format: "protobuf" | "json", rejected: number, errorMessage: string): { body: Uint8Array | string; contentType: string } {
  const partial = rejected > 0 || errorMessage ? { partialSuccess: { rejectedLogRecords: rejected, errorMessage } } : {};
  if (format === "json") return { body: JSON.stringify(rejected > 0 || errorMessage ? { partialSuccess: { rejectedLogRecords: String(rejected), errorMessage } } : {}), contentType: "application/json" };
  return { body: ExportLogsServiceResponse.encode(ExportLogsServiceResponse.fromObject(partial)).finish(), contentType: "application/x-protobuf" };
}

/** A google.rpc.Status, the body OTLP/HTTP gives failures, in the request's encoding. */
export function encodeStatus(format: "protobuf" | "json", code: number, message: string): { body: Uint8Array | string; contentType: string } {
  if (format === "json") return { body: JSON.stringify({ code, message }), contentType: "application/json" };
  return { body: Status.encode(Status.fromObject({ code, message })).finish(), contentType: "application/x-protobuf" };
}

/** Test and bench helper: encodes an OTLP/JSON-shaped request as protobuf (ids in hex are turned into bytes). */
export function encodeLogsRequest(request: Json): Uint8Array {
  const withBytes = JSON.parse(JSON.stringify(request), (key, value) => ((key === "traceId" || key === "spanId") && typeof value === "string" ? Buffer.from(value, "hex") : value));
  return ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(withBytes)).finish();
}
