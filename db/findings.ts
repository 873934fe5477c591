import { and, asc, count, eq, gte, inArray, isNull, lt, notInArray, sql } from "drizzle-orm";
import type { Executor } from "./client";
import { executedRows } from "./rows";
import { orderFor } from "./order";
import { agents, attestationCampaigns, attestations, EVENT_FINDING_KINDS, FINDING_KINDS, findings, findingSnapshots, people } from "./schema";

export type FindingRow = typeof findings.$inferSelect;
export type FindingKind = (typeof FINDING_KINDS)[number];
export type FindingSnapshotRow = typeof findingSnapshots.$inferSelect;

/** Rows per statement for the bulk writes below (bounded parameter count). */
const CHUNK = 1000;

/** Every agent (no `ids`) or the named ones. */
export function listAgentsForFindings(db: Executor, ids?: string[]) {
  return ids ? db.select().from(agents).where(inArray(agents.id, ids)) : db.select().from(agents);
}

/** Name and active flag of each named person (looked up in chunks). */
export async function ownerStatuses(db: Executor, personIds: string[]): Promise<Map<string, { name: string; active: boolean }>> {
  const owners = new Map<string, { name: string; active: boolean }>();
  for (let i = 0; i < personIds.length; i += CHUNK) {
    const rows = await db.select({ id: people.id, name: people.name, active: people.active }).from(people).where(inArray(people.id, personIds.slice(i, i + CHUNK)));
    for (const row of rows) owners.set(row.id, row);
  }
  return owners;
}

/** Agents with an unanswered attestation in an open campaign past its due date (all, or among `agentIds`). */
export async function overdueCampaignAgentIds(db: Executor, now: Date, agentIds?: string[]): Promise<Set<string>> {
  const rows = await db
    .select({ agentId: attestations.agentId })
    .from(attestations)
    .innerJoin(attestationCampaigns, eq(attestationCampaigns.id, attestations.campaignId))
    .where(and(isNull(attestations.attestedAt), isNull(attestationCampaigns.closedAt), lt(attestationCampaigns.dueAt, now), agentIds ? inArray(attestations.agentId, agentIds) : undefined));
  return new Set(rows.map((row) => row.agentId));
}

/** Sets each agent's computed risk tier and reasons, one statement per chunk. */
export async function updateAgentRisks(db: Executor, changes: { id: string; tier: string; reasons: string[] }[]): Promise<void> {
  for (let i = 0; i < changes.length; i += CHUNK) {
    const values = changes.slice(i, i + CHUNK).map((change) => sql`(${change.id}, ${change.tier}, ${JSON.stringify(change.reasons)}::jsonb)`);
    await db.execute(sql`
      update agents set risk_tier = v.tier, risk_reasons = v.reasons
      from (values ${sql.join(values, sql`, `)}) as v(id, tier, reasons) where agents.id = v.id`);
  }
}

export type LiveFinding = { agentId: string; kind: string; status: string; detail: string; acceptedUntil: Date | null };

/**
 * Open and accepted findings that a refresh recomputes (all, or of `agentIds`). Findings raised by
 * events (lib/identity) are left out: a refresh never resolves them.
 */
export async function listRecomputedLiveFindings(db: Executor, agentIds?: string[]): Promise<LiveFinding[]> {
  const columns = { agentId: findings.agentId, kind: findings.kind, status: findings.status, detail: findings.detail, acceptedUntil: findings.acceptedUntil };
  const live = and(inArray(findings.status, ["open", "accepted"]), notInArray(findings.kind, [...EVENT_FINDING_KINDS]));
  if (!agentIds) return db.select(columns).from(findings).where(live);
  const rows: LiveFinding[] = [];
  for (let i = 0; i < agentIds.length; i += CHUNK) rows.push(...(await db.select(columns).from(findings).where(and(live, inArray(findings.agentId, agentIds.slice(i, i + CHUNK))))));
  return rows;
}

/**
 * Inserts detected findings, or updates the existing (agent, kind) row: an acceptance holds until it
 * expires; a resolved finding whose condition is back re-opens. `stamp` is the detection time.
 */
export async function upsertDetectedFindings(db: Executor, detected: { id: string; agentId: string; kind: string; detail: string }[], stamp: Date): Promise<void> {
  const at = stamp.toISOString();
  for (let i = 0; i < detected.length; i += CHUNK) {
    const values = detected.slice(i, i + CHUNK).map((row) => sql`(${row.id}, ${row.agentId}, ${row.kind}, 'open', ${row.detail}, ${at}::timestamptz, ${at}::timestamptz)`);
    await db.execute(sql`
      insert into findings (id, agent_id, kind, status, detail, first_detected_at, last_detected_at)
      values ${sql.join(values, sql`, `)}
      on conflict (agent_id, kind) do update set
        detail = excluded.detail,
        last_detected_at = excluded.last_detected_at,
        first_detected_at = case when findings.status = 'resolved' then excluded.first_detected_at else findings.first_detected_at end,
        status = case when findings.status = 'accepted' and findings.accepted_until > excluded.last_detected_at then 'accepted' else 'open' end,
        resolved_at = case when findings.status = 'accepted' and findings.accepted_until > excluded.last_detected_at then findings.resolved_at else null end`);
  }
}

/** Resolves (by the system, at `stamp`) the open or accepted findings of these (agent, kind) pairs. */
export async function resolveFindingsBySystem(db: Executor, pairs: { agentId: string; kind: string }[], stamp: Date): Promise<void> {
  const at = stamp.toISOString();
  for (let i = 0; i < pairs.length; i += CHUNK) {
    const keys = pairs.slice(i, i + CHUNK).map((row) => sql`(${row.agentId}, ${row.kind})`);
    await db.execute(sql`
      update findings set status = 'resolved', resolved_at = ${at}::timestamptz, decided_by = 'system'
      where (agent_id, kind) in (${sql.join(keys, sql`, `)}) and status in ('open', 'accepted')`);
  }
}

/** Stores today's open count per kind (`day` as YYYY-MM-DD); a later snapshot the same day overwrites it. */
export async function snapshotOpenFindings(db: Executor, day: string): Promise<void> {
  const counts = new Map(
    executedRows<{ kind: string; n: number }>(await db.execute(sql`select kind, count(*)::int as n from findings where status = 'open' group by kind`)).map((row) => [row.kind, Number(row.n)]),
  );
  const values = FINDING_KINDS.map((kind) => sql`(${day}::date, ${kind}, ${counts.get(kind) ?? 0})`);
  await db.execute(sql`
    insert into finding_snapshots (day, kind, open_count) values ${sql.join(values, sql`, `)}
    on conflict (day, kind) do update set open_count = excluded.open_count`);
}

export async function getFindingRow(db: Executor, id: string): Promise<FindingRow | undefined> {
  const [row] = await db.select().from(findings).where(eq(findings.id, id)).limit(1);
  return row;
}

export async function updateFindingRow(db: Executor, id: string, patch: Partial<typeof findings.$inferInsert>): Promise<FindingRow> {
  const [row] = await db.update(findings).set(patch).where(eq(findings.id, id)).returning();
  return row!;
}

/** Finding counts per (kind, status). */
export function countFindingsByKindAndStatus(db: Executor) {
  return db.select({ kind: findings.kind, status: findings.status, n: count() }).from(findings).groupBy(findings.kind, findings.status);
}

/** Daily snapshots from `sinceDay` (YYYY-MM-DD) on, oldest first. */
export function listFindingSnapshotsSince(db: Executor, sinceDay: string): Promise<FindingSnapshotRow[]> {
  return db.select().from(findingSnapshots).where(gte(findingSnapshots.day, sinceDay)).orderBy(asc(findingSnapshots.day));
}

/** One page of findings with one status (and kind), most recently detected first, with the agent's name; and the total. */
const FINDING_ORDER_COLUMNS = { agent: agents.name, kind: findings.kind, since: findings.firstDetectedAt, detected: findings.lastDetectedAt } as const;

/**
 * One page of findings in a status (and kind), ordered by `sort` (`key` ascending, `-key` descending;
 * ties broken by id so pages never overlap), with the total for the pager.
 */
export async function listFindingPage(db: Executor, query: { status: FindingRow["status"]; kind?: FindingKind; limit: number; offset: number; sort?: `${"" | "-"}${keyof typeof FINDING_ORDER_COLUMNS}` }) {
  const where = and(eq(findings.status, query.status), query.kind ? eq(findings.kind, query.kind) : undefined);
  const [rows, [total]] = await Promise.all([
    db
      .select({ finding: findings, agentName: agents.name })
      .from(findings)
      .innerJoin(agents, eq(agents.id, findings.agentId))
      .where(where)
      .orderBy(...orderFor(query.sort ?? "-detected", FINDING_ORDER_COLUMNS, findings.id))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ n: count() }).from(findings).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/** One agent's findings: open, then accepted, then resolved; by kind within each. */
export function listFindingsOfAgent(db: Executor, agentId: string): Promise<FindingRow[]> {
  return db
    .select()
    .from(findings)
    .where(eq(findings.agentId, agentId))
    .orderBy(sql`case ${findings.status} when 'open' then 0 when 'accepted' then 1 else 2 end`, asc(findings.kind));
}
