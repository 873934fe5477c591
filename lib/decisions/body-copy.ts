import { constants, createGunzip } from "node:zlib";

/** How much of a request refused whole is kept for the operator (after gzip inflation). */
export const REJECTED_COPY_BYTES = 64 * 1024;

/**
 * Wraps a request so the first `limit` wire bytes of its body are kept as they stream past the
 * reader, at no extra read. `copy()` gives the kept prefix as text, gzip inflated (bounded to
 * `limit` bytes out, whatever the ratio), binary bodies (protobuf) as `base64:…`. Used only when a
 * request is refused whole, so nobody has to reproduce a sender's bug to see what it sent.
 */
export function tapBody(request: Request, limit = REJECTED_COPY_BYTES): { request: Request; copy: () => Promise<string> } {
  if (!request.body) return { request, copy: async () => "" };
  const kept: Uint8Array[] = [];
  let size = 0;
  const keep = (chunk: Uint8Array) => {
    if (size >= limit) return;
    const part = chunk.subarray(0, limit - size);
    kept.push(part);
    size += part.byteLength;
  };
  const tapped = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        keep(chunk);
        controller.enqueue(chunk);
      },
    }),
  );
  const wrapped = new Request(request.url, { method: request.method, headers: request.headers, body: tapped, duplex: "half" } as RequestInit);
  return {
    request: wrapped,
    copy: async () => {
      // Refused before reading (content type, declared length): read the prefix now, then stop.
      if (size < limit && !wrapped.bodyUsed && wrapped.body && !wrapped.body.locked) {
        const reader = wrapped.body.getReader();
        try {
          while (size < limit) if ((await reader.read()).done) break;
        } catch {
          // What was read so far is the copy.
        } finally {
          await reader.cancel().catch(() => undefined);
        }
      }
      const prefix = Buffer.concat(kept);
      const encoding = (request.headers.get("content-encoding") ?? "").trim().toLowerCase();
      const bytes = encoding === "gzip" || encoding === "x-gzip" ? await inflatePrefix(prefix, limit) : prefix;
      const binary = /protobuf/i.test(request.headers.get("content-type") ?? "");
      return binary ? `base64:${bytes.toString("base64")}` : bytes.toString("utf8");
    },
  };
}

/** Inflates a (possibly truncated, possibly corrupt) gzip prefix, stopping at `limit` bytes out. */
function inflatePrefix(prefix: Buffer, limit: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    const gunzip = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
    const finish = () => resolve(Buffer.concat(parts).subarray(0, limit));
    gunzip.on("data", (chunk: Buffer) => {
      parts.push(chunk);
      size += chunk.length;
      if (size >= limit) gunzip.destroy();
    });
    gunzip.on("end", finish);
    gunzip.on("close", finish);
    gunzip.on("error", finish);
    gunzip.end(prefix);
  });
}
