import { containsPattern } from "./like";
import { and, asc, count, eq, ilike, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { ListAgentsQuery } from "@/lib/agents/schemas";
import { StewardError } from "@/lib/errors";
import type { Executor } from "./client";
import { alias } from "drizzle-orm/pg-core";
import { agentIdentities, agents, findings, people, teams } from "./schema";

export type AgentRow = typeof agents.$inferSelect;
export type IdentityRow = typeof agentIdentities.$inferSelect;

export async function getAgentRow(db: Executor, id: string): Promise<AgentRow | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.id, id)).limit(1);
  return row;
}

export async function getAgentOrThrow(db: Executor, id: string): Promise<AgentRow> {
  const row = await getAgentRow(db, id);
  if (!row) throw new StewardError("not_found", `Agent ${id} does not exist`);
  return row;
}

export async function getAgentByExternalId(db: Executor, externalId: string): Promise<AgentRow | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.externalId, externalId)).limit(1);
  return row;
}

export async function getAgentsOrThrow(db: Executor, ids: string[]): Promise<AgentRow[]> {
  const rows = await db.select().from(agents).where(inArray(agents.id, ids));
  const missing = ids.filter((id) => !rows.some((row) => row.id === id));
  if (missing.length) throw new StewardError("not_found", `Agent ${missing[0]} does not exist`, { path: "agentIds" });
  return rows;
}

const effectiveTier = sql`coalesce(${agents.riskOverrideTier}, ${agents.riskTier})`;

function listConditions(query: ListAgentsQuery): SQL | undefined {
  const conditions: SQL[] = [];
  if (query.q) {
    const like = containsPattern(query.q);
    conditions.push(
      or(
        ilike(agents.name, like),
        ilike(agents.description, like),
        eq(agents.id, query.q),
        sql`${agents.id} in (select ${agentIdentities.agentId} from ${agentIdentities} where ${agentIdentities.value} ilike ${like})`,
      )!,
    );
  }
  if (query.ownerId === "none") conditions.push(isNull(agents.ownerId));
  else if (query.ownerId) conditions.push(eq(agents.ownerId, query.ownerId));
  if (query.teamId) conditions.push(eq(agents.teamId, query.teamId));
  if (query.status) conditions.push(eq(agents.status, query.status));
  if (query.environment) conditions.push(eq(agents.environment, query.environment));
  if (query.risk) conditions.push(sql`${effectiveTier} = ${query.risk}`);
  if (query.finding) {
    conditions.push(sql`exists (select 1 from ${findings} where ${findings.agentId} = ${agents.id} and ${findings.kind} = ${query.finding} and ${findings.status} = 'open')`);
  }
  if (query.ids?.length) conditions.push(inArray(agents.id, query.ids));
  return conditions.length ? and(...conditions) : undefined;
}

/** Orders that match an index exactly (see the agents schema), so a page costs a short index walk. */
function listOrder(sort: ListAgentsQuery["sort"]): SQL[] {
  const descending = sort.startsWith("-");
  const dir = descending ? sql`desc` : sql`asc`;
  switch (sort.replace(/^-/, "")) {
    case "risk":
      return descending
        ? [sql`${agents.riskRank} desc`, sql`lower(${agents.name}) asc`, sql`${agents.id} asc`]
        : [sql`${agents.riskRank} asc`, sql`lower(${agents.name}) desc`, sql`${agents.id} desc`];
    case "lastSeen":
      return descending ? [sql`${agents.lastSeenAt} desc nulls last`, sql`${agents.id} desc`] : [sql`${agents.lastSeenAt} asc nulls first`, sql`${agents.id} asc`];
    case "created":
      return [sql`${agents.createdAt} ${dir}`, sql`${agents.id} ${dir}`];
    default:
      return [sql`lower(${agents.name}) ${dir}`, sql`${agents.id} ${dir}`];
  }
}

const owner = alias(people, "owner");
const backupOwner = alias(people, "backup_owner");
const personColumns = (table: typeof owner | typeof backupOwner) => ({ id: table.id, name: table.name, email: table.email, active: table.active });

/**
 * Agents with everything a view needs (owner, backup, team, identities, open findings) in one
 * round trip: joins for the people and team, correlated JSON aggregates for the lists (both drivers
 * hand json back parsed, and the aggregates coalesce to an empty array).
 */
function selectEnriched(db: Executor) {
  return db
    .select({
      agent: agents,
      owner: personColumns(owner),
      backupOwner: personColumns(backupOwner),
      team: { id: teams.id, name: teams.name },
      identities: sql<{ kind: IdentityRow["kind"]; value: string }[]>`coalesce((select json_agg(json_build_object('kind', i.kind, 'value', i.value) order by i.kind, i.value) from ${agentIdentities} i where i.agent_id = ${agents.id}), '[]'::json)`,
      openFindings: sql<(typeof findings.$inferSelect)["kind"][]>`coalesce((select json_agg(f.kind order by f.kind) from ${findings} f where f.agent_id = ${agents.id} and f.status = 'open'), '[]'::json)`,
    })
    .from(agents)
    .leftJoin(owner, eq(owner.id, agents.ownerId))
    .leftJoin(backupOwner, eq(backupOwner.id, agents.backupOwnerId))
    .leftJoin(teams, eq(teams.id, agents.teamId));
}
export type EnrichedAgentRow = Awaited<ReturnType<ReturnType<typeof selectEnriched>["execute"]>>[number];

export async function listAgentRows(db: Executor, query: ListAgentsQuery): Promise<{ rows: EnrichedAgentRow[]; total: number }> {
  const where = listConditions(query);
  // Pick the page's ids first, so the joins and aggregates run for one page, not every skipped row.
  const pageIds = db.select({ id: agents.id }).from(agents).where(where).orderBy(...listOrder(query.sort)).limit(query.limit).offset(query.offset);
  const [rows, [total]] = await Promise.all([
    selectEnriched(db)
      .where(inArray(agents.id, pageIds))
      .orderBy(...listOrder(query.sort)),
    db.select({ n: count() }).from(agents).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export async function enrichedAgentsByIds(db: Executor, ids: string[]): Promise<EnrichedAgentRow[]> {
  if (!ids.length) return [];
  return selectEnriched(db).where(inArray(agents.id, ids));
}

/** Finds which of `identities` already belong to an agent other than `agentId`. */
export async function findIdentityConflict(db: Executor, agentId: string | null, identities: { kind: IdentityRow["kind"]; value: string }[]) {
  for (const identity of identities) {
    const [row] = await db
      .select()
      .from(agentIdentities)
      .where(and(eq(agentIdentities.kind, identity.kind), eq(agentIdentities.value, identity.value)))
      .limit(1);
    if (row && row.agentId !== agentId) return row;
  }
  return undefined;
}

export async function replaceIdentities(db: Executor, agentId: string, identities: { kind: IdentityRow["kind"]; value: string }[]): Promise<void> {
  await db.delete(agentIdentities).where(eq(agentIdentities.agentId, agentId));
  if (identities.length) await db.insert(agentIdentities).values(identities.map((identity) => ({ ...identity, agentId })));
}

export async function identitiesOf(db: Executor, agentId: string): Promise<IdentityRow[]> {
  return db.select().from(agentIdentities).where(eq(agentIdentities.agentId, agentId)).orderBy(asc(agentIdentities.kind), asc(agentIdentities.value));
}
