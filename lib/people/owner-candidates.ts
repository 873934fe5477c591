import { getDb } from "@/db/client";
import { listConsoleUsersWithoutPerson, listPeople } from "@/db/people";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";

/**
 * Someone who can own an agent, in the console's one people model: a directory person (may also
 * be a console user: `consoleUser`), or a console user who is not in the directory yet (`kind:
 * "user"`, `id` is the user id) — choosing one adds them to the directory as a person first.
 */
export type OwnerCandidate = { kind: "person"; id: string; name: string; email: string; consoleUser: boolean } | { kind: "user"; id: string; name: string; email: string };

/** At most this many of each kind; the picker filters as you type, and more than this is a directory import's job. */
export const OWNER_CANDIDATES_MAX = 2000;

/**
 * Active people and not-yet-listed console users, by name, for the owner pickers. Needs
 * `agents.assign_owner` (not `users.read`): it shows only a console user's name and email.
 */
export async function listOwnerCandidates({ ctx }: { ctx: Ctx }): Promise<OwnerCandidate[]> {
  requirePermission(ctx.actor, "agents.assign_owner");
  const db = await getDb();
  const [people, users] = await Promise.all([listPeople(db, { active: true, limit: OWNER_CANDIDATES_MAX, offset: 0 }), listConsoleUsersWithoutPerson(db, OWNER_CANDIDATES_MAX)]);
  return [
    ...people.rows.map((person) => ({ kind: "person" as const, id: person.id, name: person.name, email: person.email, consoleUser: person.userId !== null })),
    ...users.map((user) => ({ kind: "user" as const, id: user.id, name: user.name, email: user.email })),
  ].sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
}
