import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { StewardError } from "../errors";
import { JSON_BODY_LIMITS, parseJsonText, readJsonBody, textNestingExceeds, type BodyLimitDetails } from "./json-body";
import { rejectionOf } from "@/testing/rejection";

const jsonRequest = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
  new Request("http://steward.test/x", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : new Uint8Array(body) });

/** A body that hands out `chunk`-byte pieces of `bytes` and counts what the reader actually pulled. */
function countedBody(bytes: Uint8Array, chunk = 1024) {
  let offset = 0;
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      const piece = bytes.subarray(offset, offset + chunk);
      offset += piece.length;
      counter.pulled += piece.length;
      controller.enqueue(piece);
    },
  });
  return { stream, counter };
}

const refusal = (promise: Promise<unknown>) => rejectionOf(promise, StewardError);

describe("the one JSON body reader", () => {
  it("answers a 9 MiB deeply nested body with a 400 naming the depth limit, before parsing it", async () => {
    const levels = 4.5 * 1024 * 1024;
    const error = await refusal(readJsonBody(jsonRequest("[".repeat(levels) + "]".repeat(levels))));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/deeper than the limit of 64 levels \(maxDepth\) at character 64/);
    // Objects count like arrays, and brackets inside strings do not count.
    const objects = '{"a":'.repeat(65) + "1" + "}".repeat(65);
    expect((await refusal(readJsonBody(jsonRequest(objects)))).message).toMatch(/maxDepth/);
    const inStrings = JSON.stringify({ text: "[".repeat(500), nested: JSON.parse("[".repeat(63) + "]".repeat(63)) });
    await expect(readJsonBody(jsonRequest(inStrings))).resolves.toMatchObject({ text: "[".repeat(500) });
  });

  it("counts depth from the top-level value: exactly 64 levels pass, 65 do not", () => {
    expect(textNestingExceeds("[".repeat(64) + "]".repeat(64), 64)).toBeNull();
    expect(textNestingExceeds("[".repeat(65) + "]".repeat(65), 64)).toBe(64);
    expect(textNestingExceeds(String.raw`["\"[[[[", [[1]]]`, 2)).toBe(12);
    expect(() => parseJsonText("[".repeat(65) + "]".repeat(65))).toThrow(/limit of 64 levels \(maxDepth\)/);
  });

  it("refuses a declared or streamed body past the wire limit with a 413 naming it, reading no further", async () => {
    const declared = await refusal(readJsonBody(jsonRequest("{}", { "content-length": String(JSON_BODY_LIMITS.maxWireBytes + 1) })));
    expect(declared).toMatchObject({ status: 413, message: expect.stringMatching(/limit of 10 MiB \(maxWireBytes\)/) });

    const limits = { ...JSON_BODY_LIMITS, maxWireBytes: 64 * 1024 };
    const big = new TextEncoder().encode(JSON.stringify({ pad: "x".repeat(1024 * 1024) }));
    const { stream, counter } = countedBody(big);
    const request = new Request("http://steward.test/x", { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" } as RequestInit);
    const streamed = await refusal(readJsonBody(request, { limits }));
    expect(streamed.status).toBe(413);
    expect(streamed.details).toMatchObject({ limit: "maxWireBytes", limitBytes: 64 * 1024 });
    // Reading stopped one chunk past the limit, not at the end of the 1 MiB body.
    expect(counter.pulled).toBeLessThanOrEqual(64 * 1024 + 1024 * 4);
  });

  it("stops inflating a gzip bomb at the inflated limit: bytes read, not heap", async () => {
    const limits = { ...JSON_BODY_LIMITS, maxInflatedBytes: 1024 * 1024 };
    // 1 GiB of spaces as ten concatenated gzip members (valid gzip), ≈ 1 MiB on the wire.
    const member = gzipSync(Buffer.alloc(100 * 1024 * 1024, 32));
    const bomb = Buffer.concat(Array.from({ length: 10 }, () => member));
    const { stream, counter } = countedBody(bomb);
    const request = new Request("http://steward.test/x", { method: "POST", headers: { "content-type": "application/json", "content-encoding": "gzip" }, body: stream, duplex: "half" } as RequestInit);
    const error = await refusal(readJsonBody(request, { limits }));
    expect(error).toMatchObject({ status: 413, message: expect.stringMatching(/inflates to more than the limit of 1 MiB \(maxInflatedBytes\)/) });
    const details = error.details as BodyLimitDetails;
    expect(details.limit).toBe("maxInflatedBytes");
    // Inflation stopped within one zlib chunk (16 KiB) past the limit...
    expect(details.inflatedBytesRead).toBeGreaterThan(limits.maxInflatedBytes);
    expect(details.inflatedBytesRead).toBeLessThanOrEqual(limits.maxInflatedBytes + 64 * 1024);
    // ...and, counted by the body itself, most of the bomb was never even read off the wire.
    expect(counter.pulled).toBeLessThan(bomb.length / 4);
  });

  it("answers wrong types, encodings, UTF-8 and syntax with the status that names them", async () => {
    await expect(readJsonBody(jsonRequest("{}", { "content-type": "text/plain" }))).rejects.toMatchObject({ status: 415, message: expect.stringMatching(/Content-Type: application\/json \(got "text\/plain"\)/) });
    await expect(readJsonBody(jsonRequest("{}", { "content-type": "text/plain" }), { wrongTypeStatus: 400 })).rejects.toMatchObject({ status: 400 });
    await expect(readJsonBody(jsonRequest("{}", { "content-encoding": "br" }))).rejects.toMatchObject({ status: 415, message: expect.stringMatching(/Content-Encoding br/) });
    await expect(readJsonBody(jsonRequest(new Uint8Array([0x7b, 0xff, 0x7d])))).rejects.toMatchObject({ status: 400, message: "The body is not valid UTF-8" });
    await expect(readJsonBody(jsonRequest("{"))).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/not valid JSON/) });
    await expect(readJsonBody(jsonRequest(gzipSync('{"ok":true}'), { "content-encoding": "gzip" }))).resolves.toEqual({ ok: true });
  });
});

/** Every file under app/ that handles requests, with its source. */
function appSources(dir = path.join(process.cwd(), "app")): { file: string; source: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return appSources(full);
    return /\.(ts|tsx)$/.test(name) ? [{ file: path.relative(process.cwd(), full), source: readFileSync(full, "utf8") }] : [];
  });
}

describe("every route reads its body through the one reader", () => {
  it("no route or server module reads a body or parses JSON by itself", () => {
    const offenders = appSources()
      .filter(({ file }) => !file.endsWith(".tsx") || file.includes("actions"))
      .filter(({ source }) => /\brequest\.(json|text|arrayBuffer|formData|blob)\(\)|\bJSON\.parse\(/.test(source))
      .map(({ file }) => file);
    expect(offenders).toEqual([]);
  });
});
