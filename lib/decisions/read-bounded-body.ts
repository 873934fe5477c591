import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { StewardError } from "../errors";
import { INGEST_LIMITS } from "./read-ingest-body";

export type OtlpFormat = "protobuf" | "json";

/** The request's OTLP encoding from its Content-Type (OTLP/HTTP: application/x-protobuf or application/json). */
export function otlpFormat(contentType: string | null): OtlpFormat | null {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-protobuf" || type === "application/protobuf") return "protobuf";
  if (type === "application/json") return "json";
  return null;
}

/**
 * Reads a body that is not a JSON batch (OTLP protobuf or JSON, a single gateway audit event): the
 * same wire (10 MiB) and inflated (64 MiB) bounds as native ingest, counted while streaming, gzip
 * per `Content-Encoding`. Batches of JSON decisions go through read-ingest-body.ts instead; the
 * caller parses what this returns.
 */
export async function readBoundedBody(request: Request): Promise<Buffer> {
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (!["gzip", "x-gzip", "identity", ""].includes(encoding)) throw new StewardError("unsupported_media_type", `Content-Encoding ${encoding} is not supported; use gzip or none`);
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () => new StewardError("payload_too_large", `The body is larger than ${INGEST_LIMITS.maxWireBytes / 1048576} MiB (${INGEST_LIMITS.maxInflatedBytes / 1048576} MiB inflated); send smaller requests`);
  if (declared > INGEST_LIMITS.maxWireBytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  let wire = 0;
  let inflated = 0;
  const parts: Buffer[] = [];
  const source = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      inflated += chunk.length;
      if (inflated > INGEST_LIMITS.maxInflatedBytes) return done(tooLarge());
      parts.push(chunk);
      done();
    },
  });
  source.on("data", (chunk: Buffer) => {
    wire += chunk.length;
    if (wire > INGEST_LIMITS.maxWireBytes) source.destroy(tooLarge());
  });
  try {
    if (encoding === "gzip" || encoding === "x-gzip") await pipeline(source, createGunzip(), collect);
    else await pipeline(source, collect);
  } catch (error) {
    if (error instanceof StewardError) throw error;
    const code = (error as { code?: string }).code ?? "";
    if (code.startsWith("Z_")) throw new StewardError("bad_request", `The body is not valid gzip (${(error as Error).message})`);
    throw error;
  }
  return Buffer.concat(parts);
}
