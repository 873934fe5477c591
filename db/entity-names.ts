import { inArray } from "drizzle-orm";
import type { Executor } from "./client";
import { agents, enforcementPoints, people, teams, users } from "./schema";

/** The kinds of entity that have a display name, as `audit_log.entity_type` and the console name them. */
export const NAMED_KINDS = ["agent", "enforcement_point", "person", "user", "team"] as const;
export type NamedKind = (typeof NAMED_KINDS)[number];

/**
 * Enforcement points that are Steward itself and have no row (no token can be issued for them): the
 * console's own PDP and token service record their decisions under this id
 * (`STEWARD_PDP_ENFORCEMENT_POINT` in lib/policies/pdp-decisions.ts). Name lookups answer for it.
 */
export const BUILT_IN_ENFORCEMENT_POINT_NAMES: ReadonlyMap<string, string> = new Map([["ep_steward_pdp", "Steward console (PDP and token service)"]]);

/** `names` (id → name) with the built-in enforcement points among `ids` added. */
export function withBuiltInEnforcementPoints(names: Map<string, string>, ids: Iterable<string>): Map<string, string> {
  for (const id of ids) {
    const builtIn = BUILT_IN_ENFORCEMENT_POINT_NAMES.get(id);
    if (builtIn && !names.has(id)) names.set(id, builtIn);
  }
  return names;
}

const TABLES = {
  agent: agents,
  enforcement_point: enforcementPoints,
  person: people,
  user: users,
  team: teams,
} as const;

/**
 * Display names of the given entities, one query per kind that has ids (at most five, whatever the
 * number of rows shown). Ids that name nothing (deleted, or not an inventory entity) are absent
 * from the map.
 */
export async function entityNames(db: Executor, ids: Partial<Record<NamedKind, Iterable<string>>>): Promise<Record<NamedKind, Map<string, string>>> {
  const entries = await Promise.all(
    NAMED_KINDS.map(async (kind) => {
      const wanted = [...new Set(ids[kind] ?? [])];
      if (!wanted.length) return [kind, new Map<string, string>()] as const;
      const table = TABLES[kind];
      const rows = await db.select({ id: table.id, name: table.name }).from(table).where(inArray(table.id, wanted));
      const names = new Map(rows.map((row) => [row.id, row.name]));
      return [kind, kind === "enforcement_point" ? withBuiltInEnforcementPoints(names, wanted) : names] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<NamedKind, Map<string, string>>;
}
