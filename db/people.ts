import { containsPattern } from "./like";
import { and, asc, count, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import { executedRows } from "./rows";
import { StewardError } from "@/lib/errors";
import type { Executor } from "./client";
import { people, teams } from "./schema";

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

export type PeopleFilter = { q?: string; teamId?: string; active?: boolean; limit: number; offset: number };

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
    db.select().from(people).where(where).orderBy(asc(people.name), asc(people.id)).limit(filter.limit).offset(filter.offset),
    db.select({ n: count() }).from(people).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export async function countAgentsByOwner(db: Executor): Promise<Map<string, number>> {
  const rows = executedRows<{ owner_id: string; n: number }>(await db.execute(sql`select owner_id, count(*)::int as n from agents where owner_id is not null group by owner_id`));
  return new Map(rows.map((row) => [row.owner_id, Number(row.n)]));
}

