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
