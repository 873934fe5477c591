import { createHash } from "node:crypto";

/** OSCAL ids are XML NCName tokens: no spaces or colons, starting with a letter or underscore. */
const TOKEN = /^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$/u;

export function isOscalToken(value: string): boolean {
  return TOKEN.test(value);
}

/** `GOVERN 1.1` → `govern-1.1`, `NHI1:2025` → `nhi1-2025`; the official id travels in a `label` prop. */
export function toOscalToken(id: string): string {
  const cleaned = id
    .toLowerCase()
    .replace(/[^\p{L}\p{N}._-]+/gu, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  const token = /^(\p{L}|_)/u.test(cleaned) ? cleaned : `_${cleaned}`;
  return token === "_" ? "_item" : token;
}

/**
 * A name-based UUID (version 5, RFC 9562 §5.5: SHA-1 of the namespace's 16 bytes and the UTF-8 name)
 * — the same name under the same namespace always yields the same UUID, so identifiers derived from
 * a report's own UUID (an agent, an evidence resource) are identical in every download of the report.
 */
export function uuidV5(name: string, namespace: string): string {
  const bytes = createHash("sha1").update(Buffer.from(namespace.replace(/-/g, ""), "hex")).update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
