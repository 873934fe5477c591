import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { StewardError } from "../errors";

/**
 * The limits every JSON body is read under — console API, AuthZEN, and decision ingest alike
 * (ingest adds its item count on top, see lib/decisions/read-ingest-body.ts).
 */
export const JSON_BODY_LIMITS = {
  /** Bytes on the wire (after any proxy, before inflating). */
  maxWireBytes: 10 * 1024 * 1024,
  /** Bytes after gzip inflation; inflating stops here, so a gzip bomb costs no memory. */
  maxInflatedBytes: 64 * 1024 * 1024,
  /** Levels of nested arrays/objects; the top-level value is level 1. */
  maxDepth: 64,
};
export type JsonBodyLimits = { maxWireBytes: number; maxInflatedBytes: number; maxDepth: number };

class LimitExceeded extends Error {
  constructor(
    message: string,
    readonly limit: "maxWireBytes" | "maxInflatedBytes",
  ) {
    super(message);
  }
}

/** What a 413 from the body reader reports in `details`: which limit, and how far reading got before it stopped. */
export type BodyLimitDetails = { limit: "maxWireBytes" | "maxInflatedBytes"; limitBytes: number; wireBytesRead: number; inflatedBytesRead: number };

export const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
const wireLimitMessage = (limits: JsonBodyLimits) => `The body is larger than the limit of ${mib(limits.maxWireBytes)} (maxWireBytes); send less`;
const inflatedLimitMessage = (limits: JsonBodyLimits) => `The body inflates to more than the limit of ${mib(limits.maxInflatedBytes)} (maxInflatedBytes); send less`;

/** Content-Encoding the readers accept: none or gzip; anything else is a 415. */
export function bodyIsGzip(headers: Headers): boolean {
  const encoding = (headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (!["gzip", "x-gzip", "identity", ""].includes(encoding)) throw new StewardError("unsupported_media_type", `Content-Encoding ${encoding} is not supported; use gzip or none`);
  return encoding === "gzip" || encoding === "x-gzip";
}

/** Refuses a declared Content-Length above the wire limit before reading a byte. */
export function checkDeclaredLength(headers: Headers, limits: JsonBodyLimits): void {
  const declared = Number(headers.get("content-length") ?? "0");
  if (declared > limits.maxWireBytes) {
    const details: BodyLimitDetails = { limit: "maxWireBytes", limitBytes: limits.maxWireBytes, wireBytesRead: 0, inflatedBytesRead: 0 };
    throw new StewardError("payload_too_large", wireLimitMessage(limits), { details });
  }
}

/**
 * Reads a whole body, counting wire and inflated bytes as they stream and stopping at either limit:
 * a body that lies about its length, or a gzip bomb, is cut off at the limit and never held whole.
 * Throws StewardError payload_too_large (413) past a limit, bad_request (400) for broken gzip.
 */
export async function readBodyBytes(body: ReadableStream<Uint8Array> | null, gzip: boolean, limits: JsonBodyLimits): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  let wire = 0;
  let inflated = 0;
  const parts: Buffer[] = [];
  const countWire = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      wire += chunk.length;
      if (wire > limits.maxWireBytes) done(new LimitExceeded(wireLimitMessage(limits), "maxWireBytes"));
      else done(null, chunk);
    },
  });
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      inflated += chunk.length;
      if (inflated > limits.maxInflatedBytes) return done(new LimitExceeded(inflatedLimitMessage(limits), "maxInflatedBytes"));
      parts.push(chunk);
      done();
    },
  });
  try {
    if (gzip) {
      const source = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
      await pipeline(source, countWire, createGunzip(), collect);
    } else {
      // Uncompressed, the wire bytes are the bytes: read the stream directly, without stream plumbing per chunk.
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        wire += chunk.length;
        if (wire > limits.maxWireBytes) throw new LimitExceeded(wireLimitMessage(limits), "maxWireBytes");
        parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
    }
  } catch (error) {
    if (error instanceof LimitExceeded) {
      const details: BodyLimitDetails = { limit: error.limit, limitBytes: limits[error.limit], wireBytesRead: wire, inflatedBytesRead: gzip ? inflated : wire };
      throw new StewardError("payload_too_large", error.message, { details });
    }
    const code = (error as { code?: string }).code ?? "";
    if (code.startsWith("Z_") || code === "ERR_ZLIB_INITIALIZATION_FAILED") throw new StewardError("bad_request", `The body is not valid gzip (${(error as Error).message})`);
    throw error;
  }
  return Buffer.concat(parts);
}

/** Strict UTF-8 (a malformed sequence is a 400, never replaced with U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new StewardError("bad_request", "The body is not valid UTF-8");
  }
}

/**
 * Where JSON text first nests deeper than maxDepth, as a character offset, or null. Scans the text
 * before JSON.parse, so a body of millions of `[` never becomes millions of objects, and nothing
 * downstream (zod, Cedar, canonical JSON) recurses past the limit. Brackets inside strings do not count.
 */
export function textNestingExceeds(text: string, maxDepth: number): number | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > maxDepth) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return null;
}

/**
 * Parses JSON text under the depth limit: 400 naming the limit for too deep, 400 for a syntax error.
 * For JSON that arrives other than as a request body (a pasted document in a form).
 */
export function parseJsonText(text: string, options: { maxDepth?: number; what?: string } = {}): unknown {
  const maxDepth = options.maxDepth ?? JSON_BODY_LIMITS.maxDepth;
  const what = options.what ?? "The body";
  const at = textNestingExceeds(text, maxDepth);
  if (at !== null) throw new StewardError("bad_request", `${what} nests deeper than the limit of ${maxDepth} levels (maxDepth) at character ${at}`, { path: "$" });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StewardError("bad_request", `${what} is not valid JSON: ${(error as Error).message}`);
  }
}

const JSON_MEDIA_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/**
 * The one reader for a JSON request body. In order: Content-Type must be JSON (415, or 400 when
 * `wrongTypeStatus` is 400, as AuthZEN's binding asks), Content-Encoding none or gzip (415),
 * declared and streamed size (413 naming maxWireBytes / maxInflatedBytes), UTF-8 (400),
 * nesting depth (400 naming maxDepth), JSON syntax (400). Returns the parsed value, unvalidated.
 */
export async function readJsonBody(request: Request, options: { limits?: JsonBodyLimits; wrongTypeStatus?: 400 | 415 } = {}): Promise<unknown> {
  const limits = options.limits ?? JSON_BODY_LIMITS;
  const contentType = request.headers.get("content-type") ?? "";
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    throw new StewardError(options.wrongTypeStatus === 400 ? "bad_request" : "unsupported_media_type", `Send Content-Type: application/json (got "${contentType || "none"}")`);
  }
  const gzip = bodyIsGzip(request.headers);
  checkDeclaredLength(request.headers, limits);
  const text = decodeUtf8(await readBodyBytes(request.body, gzip, limits));
  return parseJsonText(text, { maxDepth: limits.maxDepth });
}
