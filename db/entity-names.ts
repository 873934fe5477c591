import { inArray } from "drizzle-orm";
import type { Executor } from "./client";
import { agents, enforcementPoints, people, policies, teams, users } from "./schema";

/** The kinds of entity that have a display name, as `audit_log.entity_type` and the console name them. */
export const NAMED_KINDS = ["agent", "enforcement_point", "person", "user", "team", "policy"] as const;
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

/** Where each kind's display name lives (a policy is named by its description; an empty one names nothing). */
const NAME_COLUMNS = {
  agent: { table: agents, id: agents.id, name: agents.name },
  enforcement_point: { table: enforcementPoints, id: enforcementPoints.id, name: enforcementPoints.name },
  person: { table: people, id: people.id, name: people.name },
  user: { table: users, id: users.id, name: users.name },
  team: { table: teams, id: teams.id, name: teams.name },
  policy: { table: policies, id: policies.id, name: policies.description },
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
      const { table, id, name } = NAME_COLUMNS[kind];
      const rows = await db.select({ id, name }).from(table).where(inArray(id, wanted));
      const names = new Map(rows.filter((row) => row.name).map((row) => [row.id, row.name]));
      return [kind, kind === "enforcement_point" ? withBuiltInEnforcementPoints(names, wanted) : names] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<NamedKind, Map<string, string>>;
}
