import { containsPattern } from "./like";
import { and, asc, count, eq, ilike, inArray, isNotNull, isNull, ne, or, sql, type SQL } from "drizzle-orm";
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

export type AgentInsert = typeof agents.$inferInsert;

export async function insertAgentRow(db: Executor, row: AgentInsert): Promise<AgentRow> {
  const [inserted] = await db.insert(agents).values(row).returning();
  return inserted!;
}

/** Sets exactly the given columns (callers set `updatedAt` where the change is a person's); returns the row after. */
export async function updateAgentRow(db: Executor, id: string, patch: Partial<AgentInsert>): Promise<AgentRow> {
  const [row] = await db.update(agents).set(patch).where(eq(agents.id, id)).returning();
  return row!;
}

/** The same columns for every named agent. */
export async function updateAgentRows(db: Executor, ids: string[], patch: Partial<AgentInsert>): Promise<void> {
  await db.update(agents).set(patch).where(inArray(agents.id, ids));
}

/** Agent id and name of each ref that is an agent id or one of an agent's identity values (keyed by the ref). */
export async function resolveAgentRefs(db: Executor, refs: string[]): Promise<Map<string, { id: string; name: string }>> {
  if (!refs.length) return new Map();
  const identityColumns = { value: agentIdentities.value, id: agents.id, name: agents.name };
  const byIdentity = await db.select(identityColumns).from(agentIdentities).innerJoin(agents, eq(agents.id, agentIdentities.agentId)).where(inArray(agentIdentities.value, refs));
  const byId = await agentNames(db, refs);
  const out = new Map<string, { id: string; name: string }>();
  for (const row of byId) out.set(row.id, row);
  for (const row of byIdentity) out.set(row.value, { id: row.id, name: row.name });
  return out;
}

/** Id and name of the named agents that exist. */
export async function agentNames(db: Executor, ids: string[]): Promise<{ id: string; name: string }[]> {
  if (!ids.length) return [];
  return db.select({ id: agents.id, name: agents.name }).from(agents).where(inArray(agents.id, ids));
}

/** The live agents (not retired) owned by any of these people, by name, at most `limit`. */
export async function listLiveAgentsOwnedBy(db: Executor, ownerIds: string[], limit: number): Promise<AgentRow[]> {
  return db
    .select()
    .from(agents)
    .where(and(inArray(agents.ownerId, ownerIds), ne(agents.status, "retired")))
    .orderBy(asc(agents.name))
    .limit(limit);
}

/** Agents that have an owner and are active or suspended: the ones an attestation campaign asks about. */
export function listOwnedLiveAgentOwners(db: Executor): Promise<{ id: string; ownerId: string | null }[]> {
  return db
    .select({ id: agents.id, ownerId: agents.ownerId })
    .from(agents)
    .where(and(isNotNull(agents.ownerId), inArray(agents.status, ["active", "suspended"])));
}
