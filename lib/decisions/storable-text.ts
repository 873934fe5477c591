/**
 * PostgreSQL text and jsonb cannot hold a NUL character or an unpaired UTF-16 surrogate (both can
 * arrive as JSON escapes). Such an item is refused with its path instead of failing the batch's insert.
 */
const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();
const storable = (text: string) => !text.includes("\u0000") && isWellFormed(text);

/** The path (below the value) of the first string or key Postgres cannot store, or null. */
export function findUnstorableText(value: unknown): PropertyKey[] | null {
  if (typeof value === "string") return storable(value) ? null : [];
  if (value === null || typeof value !== "object") return null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const inner = findUnstorableText(value[index]);
      if (inner) return [index, ...inner];
    }
    return null;
  }
  // for…in, not Object.entries: this walks every item of every batch, and allocates nothing on the way.
  for (const key in value) {
    if (!storable(key)) return [key];
    const found = findUnstorableText((value as Record<string, unknown>)[key]);
    if (found) return [key, ...found];
  }
  return null;
}

export const UNSTORABLE_TEXT_MESSAGE = "Contains a NUL character (\\u0000) or an unpaired surrogate, which cannot be stored";

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Raw text kept for an operator (quarantine, reasons): NULs and unpaired surrogates shown as escapes. */
export function toStorableText(text: string): string {
  if (storable(text)) return text;
  return text.replace(/\u0000/g, "\\u0000").replace(UNPAIRED_SURROGATE, (unit) => `\\u${unit.charCodeAt(0).toString(16)}`);
}
