import type { RawItem } from "./read-ingest-body";

/**
 * Where a translated decision came from, so a problem found after translation (a bad timestamp,
 * text Postgres cannot store, an id re-used) is quarantined in the sender's terms: the event as
 * received, and a JSON path naming the sender's field (`$[3].timestamp`), not Steward's (`$[3].time`).
 */
export type SourceOrigin = {
  /** The source event as received (JSON text); a function, because it is only needed when the item is quarantined. */
  raw: () => string;
  /** The event's own path in the request, e.g. `$[3]` or `$.resourceLogs[0].scopeLogs[0].logRecords[2]`. */
  base: string;
  /** Decision field (top level: time, agent, action, …) → the path below `base` it was read from, e.g. `.timestamp`. */
  fields: Partial<Record<string, string>>;
};

/** One item handed to ingestDecisions: a native decision, a translated one (with its origin), or a refused one (with its path). */
export type IngestItem = RawItem & { path?: string; origin?: SourceOrigin };

/** The sender's path for a problem at `issuePath` (Steward's decision fields) of a translated item. */
export function sourcePath(origin: SourceOrigin, issuePath: ReadonlyArray<PropertyKey>): string {
  const field = origin.fields[String(issuePath[0] ?? "")];
  return field === undefined ? origin.base : `${origin.base}${field}`;
}
