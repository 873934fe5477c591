import { containsPattern } from "./like";
import { and, asc, count, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import { executedRows } from "./rows";
import { StewardError } from "@/lib/errors";
import type { Executor } from "./client";
import { orderFor } from "./order";
import type { AgentRow } from "./agents";
import { agents, people, teams, users } from "./schema";

export type PersonRow = typeof people.$inferSelect;
export type TeamRow = typeof teams.$inferSelect;

export async function getPersonOrThrow(db: Executor, id: string, path?: string): Promise<PersonRow> {
  const [row] = await db.select().from(people).where(eq(people.id, id)).limit(1);
  if (!row) throw new StewardError("not_found", `Person ${id} does not exist`, { path });
  return row;
}

export async function getPersonByEmail(db: Executor, email: string): Promise<PersonRow | undefined> {
  const [row] = await db.select().from(people).where(eq(people.email, email.toLowerCase())).limit(1);
  return row;
}

export async function getPersonByExternalId(db: Executor, externalId: string): Promise<PersonRow | undefined> {
  const [row] = await db.select().from(people).where(eq(people.externalId, externalId)).limit(1);
  return row;
}

/** The people records a signed-in console user stands for: linked by user id, or by the same email. */
export async function peopleForUser(db: Executor, user: { userId: string; email: string }): Promise<PersonRow[]> {
  return db
    .select()
    .from(people)
    .where(or(eq(people.userId, user.userId), eq(people.email, user.email.toLowerCase())));
}

export async function getTeamOrThrow(db: Executor, id: string, path?: string): Promise<TeamRow> {
  const [row] = await db.select().from(teams).where(eq(teams.id, id)).limit(1);
  if (!row) throw new StewardError("not_found", `Team ${id} does not exist`, { path });
  return row;
}

export async function getTeamByName(db: Executor, name: string): Promise<TeamRow | undefined> {
  const [row] = await db.select().from(teams).where(eq(teams.name, name)).limit(1);
  return row;
}

export async function listTeams(db: Executor): Promise<TeamRow[]> {
  return db.select().from(teams).orderBy(asc(teams.name));
}

/** The directory's orders: `name` (default; people_name_idx), `email` (unique index); `-` reverses. */
const PEOPLE_ORDER_COLUMNS = { name: people.name, email: people.email };
export type PeopleSort = keyof typeof PEOPLE_ORDER_COLUMNS | `-${keyof typeof PEOPLE_ORDER_COLUMNS}`;

export type PeopleFilter = { q?: string; teamId?: string; active?: boolean; limit: number; offset: number; sort?: PeopleSort };

export async function listPeople(db: Executor, filter: PeopleFilter): Promise<{ rows: PersonRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.q) {
    const like = containsPattern(filter.q);
    conditions.push(or(ilike(people.name, like), ilike(people.email, like))!);
  }
  if (filter.teamId) conditions.push(eq(people.teamId, filter.teamId));
  if (filter.active !== undefined) conditions.push(eq(people.active, filter.active));
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [total]] = await Promise.all([
    db.select().from(people).where(where).orderBy(...orderFor(filter.sort ?? "name", PEOPLE_ORDER_COLUMNS, people.id)).limit(filter.limit).offset(filter.offset),
    db.select({ n: count() }).from(people).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export async function countAgentsByOwner(db: Executor): Promise<Map<string, number>> {
  const rows = executedRows<{ owner_id: string; n: number }>(await db.execute(sql`select owner_id, count(*)::int as n from agents where owner_id is not null group by owner_id`));
  return new Map(rows.map((row) => [row.owner_id, Number(row.n)]));
}


export async function insertPersonRow(db: Executor, row: typeof people.$inferInsert): Promise<PersonRow> {
  const [inserted] = await db.insert(people).values(row).returning();
  return inserted!;
}

/** Sets exactly the given columns; returns the row after. */
export async function updatePersonRow(db: Executor, id: string, patch: Partial<typeof people.$inferInsert>): Promise<PersonRow> {
  const [row] = await db.update(people).set(patch).where(eq(people.id, id)).returning();
  return row!;
}

/** The person records linked to one console user. */
export function listPeopleOfUser(db: Executor, userId: string): Promise<PersonRow[]> {
  return db.select().from(people).where(eq(people.userId, userId));
}

/** Agents the person owns or backs up. */
export function listAgentsOwnedOrBackedBy(db: Executor, personId: string): Promise<AgentRow[]> {
  return db
    .select()
    .from(agents)
    .where(or(eq(agents.ownerId, personId), eq(agents.backupOwnerId, personId)));
}

/** Every person by name (for export). */
export function listPeopleByName(db: Executor): Promise<PersonRow[]> {
  return db.select().from(people).orderBy(asc(people.name));
}

export async function insertTeamRow(db: Executor, row: { id: string; name: string }): Promise<TeamRow> {
  const [inserted] = await db.insert(teams).values(row).returning();
  return inserted!;
}

export async function renameTeamRow(db: Executor, id: string, name: string): Promise<TeamRow> {
  const [row] = await db.update(teams).set({ name }).where(eq(teams.id, id)).returning();
  return row!;
}

export async function deleteTeamRow(db: Executor, id: string): Promise<void> {
  await db.delete(teams).where(eq(teams.id, id));
}

/** How many agents and people belong to the team. */
export async function countTeamMembers(db: Executor, teamId: string): Promise<{ agents: number; people: number }> {
  const [[agentCount], [peopleCount]] = await Promise.all([
    db.select({ n: count() }).from(agents).where(eq(agents.teamId, teamId)),
    db.select({ n: count() }).from(people).where(eq(people.teamId, teamId)),
  ]);
  return { agents: agentCount?.n ?? 0, people: peopleCount?.n ?? 0 };
}

/**
 * Active console users who are not yet a directory person (no person has their user id or email),
 * by name, at most `limit`: the ones an owner picker offers to add to the directory.
 */
export function listConsoleUsersWithoutPerson(db: Executor, limit: number): Promise<{ id: string; name: string; email: string }[]> {
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.active, true), sql`not exists (select 1 from ${people} where ${people.userId} = ${users.id} or ${people.email} = ${users.email})`))
    .orderBy(asc(users.name), asc(users.id))
    .limit(limit);
}
