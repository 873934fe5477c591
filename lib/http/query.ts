import { z } from "zod";
import { StewardError } from "../errors";

/**
 * The one reader for query strings. API routes read strictly — an unknown parameter, a repeated
 * one the schema does not list as a list, a value the schema refuses, or a control character is a
 * 400 naming the parameter — while console pages read leniently: the same schema, with a bad
 * parameter dropped so the page shows its defaults rather than an error.
 */
export type QueryInput = URLSearchParams | Record<string, string | string[] | undefined>;
type QuerySchema = z.ZodObject<z.ZodRawShape>;

/** C0 controls, DEL and C1 controls: never meaningful in a filter, and PostgreSQL cannot store NUL (`%00`). */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
/** No parameter value is longer than this (a cursor is the longest legitimate one). */
export const MAX_QUERY_VALUE_LENGTH = 2000;

/** Parameter → its values, in order; a value given once stays a string, a repeated one becomes a list. */
function collect(input: QueryInput): Map<string, string[]> {
  const values = new Map<string, string[]>();
  const add = (key: string, value: string) => (values.get(key) ?? values.set(key, []).get(key)!).push(value);
  if (input instanceof URLSearchParams) for (const [key, value] of input) add(key, value);
  else
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) add(key, one);
    }
  return values;
}

/** Why a parameter's raw value is refused before any schema sees it, or null. */
function rawProblem(values: string[]): string | null {
  for (const value of values) {
    if (CONTROL_CHARACTER.test(value)) return "must not contain control characters";
    if (value.length > MAX_QUERY_VALUE_LENGTH) return `must be at most ${MAX_QUERY_VALUE_LENGTH} characters`;
  }
  return null;
}

const toObject = (values: Map<string, string[]>) => Object.fromEntries([...values].map(([key, list]) => [key, list.length === 1 ? list[0] : list]));

/** The schema without its lenient fallbacks (`.catch`), refusing unknown parameters. */
export function strictQuerySchema<S extends QuerySchema>(schema: S): z.ZodObject<z.ZodRawShape, z.core.$strict> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => {
      let inner = field as z.ZodType;
      while (inner instanceof z.ZodCatch) inner = inner.unwrap() as z.ZodType;
      return [key, inner];
    }),
  );
  return z.strictObject(shape);
}

/** `?name` for error paths, so an API client sees which parameter to fix. */
const paramPath = (key: PropertyKey | undefined) => `?${String(key ?? "")}`;

/**
 * Reads a request's query string (or a parsed one) strictly against `schema`.
 * Throws StewardError bad_request (400) whose message and `path` name the first bad parameter.
 */
export function readQuery<S extends QuerySchema>(source: Request | QueryInput, schema: S): z.output<S> {
  const values = collect(source instanceof Request ? new URL(source.url).searchParams : source);
  for (const [key, list] of values) {
    const problem = rawProblem(list);
    if (problem) throw new StewardError("bad_request", `Query parameter "${key}" ${problem}`, { path: paramPath(key) });
  }
  const parsed = strictQuerySchema(schema).safeParse(toObject(values));
  if (parsed.success) return parsed.data as z.output<S>;
  const issue = parsed.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    const known = Object.keys(schema.shape);
    throw new StewardError("bad_request", `Unknown query parameter "${issue.keys[0]}"${known.length ? ` (expected some of: ${known.join(", ")})` : " (this route takes none)"}`, { path: paramPath(issue.keys[0]) });
  }
  const key = issue.path[0];
  const repeated = key !== undefined && (values.get(String(key))?.length ?? 0) > 1;
  throw new StewardError("bad_request", `Query parameter "${String(key)}": ${repeated ? "give it once" : issue.message}`, { path: paramPath(key), details: { issues: parsed.error.issues.map((one) => ({ path: paramPath(one.path[0]), message: one.message })) } });
}

/**
 * Reads a page's searchParams leniently: parameters with control characters, unknown ones and ones
 * the schema refuses are dropped (the schema's defaults apply), so a mangled link still opens the page.
 * Returns the query and the names of the parameters it ignored.
 */
export function readPageQuery<S extends QuerySchema>(source: QueryInput, schema: S): z.output<S> {
  return readPageQueryWithIgnored(source, schema).query;
}

export function readPageQueryWithIgnored<S extends QuerySchema>(source: QueryInput, schema: S): { query: z.output<S>; ignored: string[] } {
  const values = collect(source);
  const ignored: string[] = [];
  for (const [key, list] of values) {
    if (!(key in schema.shape) || rawProblem(list)) {
      values.delete(key);
      ignored.push(key);
    }
  }
  const strict = strictQuerySchema(schema);
  // Drop one refused parameter at a time; every round removes a key, so this ends.
  for (;;) {
    const parsed = strict.safeParse(toObject(values));
    if (parsed.success) return { query: parsed.data as z.output<S>, ignored };
    const keys = new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? "")).filter((key) => values.has(key)));
    if (!keys.size) return { query: schema.parse({}) as z.output<S>, ignored: [...ignored, ...values.keys()] };
    for (const key of keys) {
      values.delete(key);
      ignored.push(key);
    }
  }
}

const URL_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[zZ]|[+-]\d{2}:\d{2})?)?$/;
/**
 * A date or date-time from a URL: RFC 3339 with a four-digit year (UTC when no offset is named), so
 * every accepted value is also a valid PostgreSQL timestamptz — JavaScript's looser `Date` parsing
 * (`-271821-04-20`, `1`) never reaches the database. Empty means unset.
 */
export const queryDateTime = z
  .string()
  .trim()
  .refine((value) => value === "" || (URL_DATE_TIME.test(value) && !Number.isNaN(parseQueryDateTime(value).getTime())), "not a date and time (use RFC 3339, e.g. 2026-01-31T12:00:00Z)")
  .transform((value) => (value === "" ? undefined : parseQueryDateTime(value)));

function parseQueryDateTime(value: string): Date {
  const iso = value.replace(" ", "T");
  return new Date(/[zZ]|[+-]\d{2}:\d{2}$/.test(iso) || !iso.includes("T") ? (iso.includes("T") ? iso : `${iso}T00:00:00Z`) : `${iso}Z`);
}

/**
 * The `sort` parameter of a server-ordered list: each of `keys` ascending (`key`) or descending
 * (`-key`), defaulting to `fallback`. Strict like every query value: an API route answers an unknown
 * order with a 400 naming `?sort`; a page drops it and shows its default order (readPageQuery).
 * Tables link their headers to these values (components/ui/table-sort.ts, DataTable `sortKey`).
 */
export function sortParam<const K extends string>(keys: readonly [K, ...K[]], fallback: K | `-${K}`) {
  const values = keys.flatMap((key) => [key, `-${key}`] as const) as [K | `-${K}`, ...(K | `-${K}`)[]];
  // (zod cannot see that a generic `fallback` is one of the values; the parameter type says so.)
  return z.enum(values).default(fallback as never).describe(`Order: ${keys.join(", ")} ascending, or descending with a leading "-"`);
}
export type SortValue<K extends string> = K | `-${K}`;
