import { StewardError } from "../errors";
import { bodyIsGzip, checkDeclaredLength, decodeUtf8, JSON_BODY_LIMITS, readBodyBytes } from "../http/json-body";

/** The shared JSON body limits (lib/http/json-body.ts) plus what only a batch has: items and context size. */
export const INGEST_LIMITS = {
  ...JSON_BODY_LIMITS,
  maxItems: 10_000,
  maxContextBytes: 64 * 1024,
};
export type IngestLimits = typeof INGEST_LIMITS;

/** One received item: its parsed value, or the raw text and the reason it could not be parsed. */
export type RawItem = { value: unknown; raw?: undefined; parseError?: undefined } | { value?: undefined; raw: string; parseError: string };

/**
 * Whether nesting goes deeper than maxDepth. The recursion stops one level past the limit, so a
 * hostile body cannot blow the stack, and it allocates nothing (it runs over every item of every batch).
 */
function depthExceeds(value: unknown, maxDepth: number, depth = 1): boolean {
  if (value === null || typeof value !== "object") return false;
  if (depth > maxDepth) return true;
  if (Array.isArray(value)) {
    for (const inner of value) if (depthExceeds(inner, maxDepth, depth + 1)) return true;
    return false;
  }
  for (const key in value) if (depthExceeds((value as Record<string, unknown>)[key], maxDepth, depth + 1)) return true;
  return false;
}

/** Where nesting first exceeds the limit, as a JSON path; only computed once a body is known to be too deep. */
export function findTooDeep(value: unknown, maxDepth: number, basePath: string): string | null {
  if (!depthExceeds(value, maxDepth)) return null;
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 1, path: basePath }];
  while (stack.length) {
    const next = stack.pop()!;
    if (next.value === null || typeof next.value !== "object") continue;
    if (next.depth > maxDepth) return next.path;
    if (Array.isArray(next.value)) next.value.forEach((inner, index) => stack.push({ value: inner, depth: next.depth + 1, path: `${next.path}[${index}]` }));
    else for (const [key, inner] of Object.entries(next.value)) stack.push({ value: inner, depth: next.depth + 1, path: `${next.path}.${key}` });
  }
  return null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StewardError("bad_request", `The body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Turns an ingest request into items: checks content type and encoding (415), size (413), UTF-8 and
 * JSON syntax (400), item count (413) and nesting depth (400). Per-item problems are left to the caller.
 */
export async function readIngestBody(request: Request, limits: IngestLimits = INGEST_LIMITS, options: { allowNdjson?: boolean } = {}): Promise<RawItem[]> {
  const contentType = (request.headers.get("content-type") ?? "").toLowerCase();
  const ndjson = /^application\/(x-ndjson|ndjson|jsonl|x-jsonlines)\b/.test(contentType);
  if (!ndjson && !/^application\/([\w.+-]+\+)?json\b/.test(contentType)) {
    throw new StewardError("unsupported_media_type", `Send Content-Type: application/json${options.allowNdjson === false ? "" : " or application/x-ndjson"} (got "${contentType || "none"}")`);
  }
  if (ndjson && options.allowNdjson === false) throw new StewardError("unsupported_media_type", "Send Content-Type: application/json");
  const gzip = bodyIsGzip(request.headers);
  checkDeclaredLength(request.headers, limits);
  const text = decodeUtf8(await readBodyBytes(request.body, gzip, limits));
  if (!text.trim()) throw new StewardError("bad_request", "The body is empty; send at least one decision");

  let items: RawItem[];
  if (ndjson) {
    const lines = text.split("\n").filter((line) => line.trim());
    if (lines.length > limits.maxItems) throw new StewardError("payload_too_large", `${lines.length} items in one request; send at most ${limits.maxItems}`);
    items = lines.map((line) => {
      try {
        return { value: JSON.parse(line) as unknown };
      } catch (error) {
        return { raw: line.slice(0, 65_536), parseError: `Not valid JSON: ${(error as Error).message}` };
      }
    });
  } else {
    const parsed = parseJson(text);
    const list = Array.isArray(parsed) ? parsed : parsed && typeof parsed === "object" && Array.isArray((parsed as { decisions?: unknown }).decisions) ? (parsed as { decisions: unknown[] }).decisions : null;
    if (!list) throw new StewardError("invalid_input", 'Send a JSON array of decisions or {"decisions": [...]}', { path: "$" });
    if (list.length > limits.maxItems) throw new StewardError("payload_too_large", `${list.length} items in one request; send at most ${limits.maxItems}`);
    items = list.map((value) => ({ value }));
  }
  if (items.length === 0) throw new StewardError("invalid_input", "The batch is empty; send at least one decision", { path: "$" });
  for (const [index, item] of items.entries()) {
    const tooDeep = item.parseError ? null : findTooDeep(item.value, limits.maxDepth - 1, `$[${index}]`);
    if (tooDeep) throw new StewardError("bad_request", `Nesting deeper than ${limits.maxDepth} levels at ${tooDeep} (the maxDepth limit)`, { path: tooDeep });
  }
  return items;
}
