import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { StewardError } from "@/lib/errors";
import type { Executor } from "./client";
import { queryRows } from "./rows";
import { DESTRUCTIVE_VERBS } from "@/lib/decisions/destructive-action";
import type { ReportScope } from "@/lib/frameworks/schemas";
import { dayRuns, delegationDepth, utcMidnight } from "./activity";
import { orderFor } from "./order";
import { controlMappings, controls, frameworkItems, frameworks, manualEvidence, removedDefaultMappings, reportSnapshots } from "./schema";

export type FrameworkRow = typeof frameworks.$inferSelect;
export type FrameworkItemRow = typeof frameworkItems.$inferSelect;
export type ControlRow = typeof controls.$inferSelect;
export type MappingRow = typeof controlMappings.$inferSelect;
export type ManualEvidenceRow = typeof manualEvidence.$inferSelect;
export type ReportSnapshotRow = typeof reportSnapshots.$inferSelect;

export async function listFrameworks(db: Executor): Promise<FrameworkRow[]> {
  return db.select().from(frameworks).orderBy(asc(frameworks.source), asc(frameworks.name));
}

export async function getFramework(db: Executor, id: string): Promise<FrameworkRow | undefined> {
  const [row] = await db.select().from(frameworks).where(eq(frameworks.id, id)).limit(1);
  return row;
}

export async function getFrameworkOrThrow(db: Executor, id: string): Promise<FrameworkRow> {
  const row = await getFramework(db, id);
  if (!row) throw new StewardError("not_found", `Framework ${id} does not exist`, { path: "frameworkId" });
  return row;
}

export async function listFrameworkItems(db: Executor, frameworkIds?: string[]): Promise<FrameworkItemRow[]> {
  const query = db.select().from(frameworkItems);
  const filtered = frameworkIds ? query.where(inArray(frameworkItems.frameworkId, frameworkIds)) : query;
  return filtered.orderBy(asc(frameworkItems.frameworkId), asc(frameworkItems.position));
}

export async function getFrameworkItemOrThrow(db: Executor, frameworkId: string, itemId: string): Promise<FrameworkItemRow> {
  const [row] = await db
    .select()
    .from(frameworkItems)
    .where(and(eq(frameworkItems.frameworkId, frameworkId), eq(frameworkItems.itemId, itemId)))
    .limit(1);
  if (!row) throw new StewardError("not_found", `Item "${itemId}" does not exist in framework ${frameworkId}`, { path: "itemId" });
  return row;
}

export async function setItemApplicability(db: Executor, frameworkId: string, itemId: string, reason: string | null): Promise<void> {
  await db
    .update(frameworkItems)
    .set({ notApplicableReason: reason })
    .where(and(eq(frameworkItems.frameworkId, frameworkId), eq(frameworkItems.itemId, itemId)));
}

/**
 * Writes a catalog's items: new ones inserted, known ones updated in place (keeping the
 * organisation's not-applicable justification), vanished ones removed.
 */
export async function replaceFrameworkItems(
  db: Executor,
  frameworkId: string,
  items: { itemId: string; title: string; parentId: string | null; kind: string; description: string; idOrigin: "official" | "steward"; titleOrigin: "official" | "paraphrase" }[],
): Promise<void> {
  const existing = await db.select({ itemId: frameworkItems.itemId }).from(frameworkItems).where(eq(frameworkItems.frameworkId, frameworkId));
  const keep = new Set(items.map((item) => item.itemId));
  const gone = existing.map((row) => row.itemId).filter((id) => !keep.has(id));
  if (gone.length) await db.delete(frameworkItems).where(and(eq(frameworkItems.frameworkId, frameworkId), inArray(frameworkItems.itemId, gone)));
  const rows = items.map((item, position) => ({ frameworkId, position, ...item }));
  for (let start = 0; start < rows.length; start += 500) {
    await db
      .insert(frameworkItems)
      .values(rows.slice(start, start + 500))
      .onConflictDoUpdate({
        target: [frameworkItems.frameworkId, frameworkItems.itemId],
        set: {
          title: sql`excluded.title`,
          parentId: sql`excluded.parent_id`,
          kind: sql`excluded.kind`,
          description: sql`excluded.description`,
          position: sql`excluded.position`,
          idOrigin: sql`excluded.id_origin`,
          titleOrigin: sql`excluded.title_origin`,
        },
      });
  }
}

export async function upsertFramework(db: Executor, row: Omit<FrameworkRow, "loadedAt" | "revision">): Promise<void> {
  await db
    .insert(frameworks)
    .values(row)
    .onConflictDoUpdate({
      target: frameworks.id,
      set: {
        name: row.name,
        shortName: row.shortName,
        version: row.version,
        publisher: row.publisher,
        description: row.description,
        idOrigin: row.idOrigin,
        titleOrigin: row.titleOrigin,
        provenanceNote: row.provenanceNote,
        source: row.source,
        contentHash: row.contentHash,
        revision: sql`${frameworks.revision} + 1`,
        loadedAt: new Date(),
      },
    });
}

export async function listControls(db: Executor): Promise<ControlRow[]> {
  return db.select().from(controls).orderBy(desc(controls.builtin), asc(controls.title));
}

export async function getControlOrThrow(db: Executor, id: string): Promise<ControlRow> {
  const [row] = await db.select().from(controls).where(eq(controls.id, id)).limit(1);
  if (!row) throw new StewardError("not_found", `Control ${id} does not exist`, { path: "controlId" });
  return row;
}

export async function upsertControl(db: Executor, row: Omit<ControlRow, "createdAt" | "updatedAt">): Promise<void> {
  await db
    .insert(controls)
    .values(row)
    .onConflictDoUpdate({
      target: controls.id,
      set: { title: row.title, description: row.description, evidenceKind: row.evidenceKind, evidenceQuery: row.evidenceQuery, updatedAt: new Date() },
    });
}

export async function listMappings(db: Executor, frameworkIds?: string[]): Promise<MappingRow[]> {
  const query = db.select().from(controlMappings);
  const filtered = frameworkIds ? query.where(inArray(controlMappings.frameworkId, frameworkIds)) : query;
  return filtered.orderBy(asc(controlMappings.frameworkId), asc(controlMappings.itemId), asc(controlMappings.controlId));
}

export async function findMapping(db: Executor, key: { controlId: string; frameworkId: string; itemId: string }): Promise<MappingRow | undefined> {
  const [row] = await db
    .select()
    .from(controlMappings)
    .where(and(eq(controlMappings.controlId, key.controlId), eq(controlMappings.frameworkId, key.frameworkId), eq(controlMappings.itemId, key.itemId)))
    .limit(1);
  return row;
}

export async function insertMapping(db: Executor, row: Omit<MappingRow, "createdAt">): Promise<MappingRow> {
  const [inserted] = await db.insert(controlMappings).values(row).returning();
  await db
    .delete(removedDefaultMappings)
    .where(and(eq(removedDefaultMappings.controlId, row.controlId), eq(removedDefaultMappings.frameworkId, row.frameworkId), eq(removedDefaultMappings.itemId, row.itemId)));
  return inserted!;
}

export async function deleteMapping(db: Executor, row: MappingRow): Promise<void> {
  await db
    .delete(controlMappings)
    .where(and(eq(controlMappings.controlId, row.controlId), eq(controlMappings.frameworkId, row.frameworkId), eq(controlMappings.itemId, row.itemId)));
  if (row.origin === "default") {
    await db.insert(removedDefaultMappings).values({ controlId: row.controlId, frameworkId: row.frameworkId, itemId: row.itemId }).onConflictDoNothing();
  }
}

/** Adds shipped default mappings that are neither present nor deliberately removed. */
export type DefaultMappingSync = { inserted: number; rationaleUpdated: number; withdrawn: number };

/**
 * Brings the stored default mappings (origin "default") in line with the shipped library:
 * inserts missing pairs (not those an engineer removed, nor those under an item whose default
 * mapping to the same control an engineer removed), rewrites a default pair's rationale when the
 * library's changed, and deletes default pairs the library no longer makes (withdrawn after review).
 * Custom mappings (origin "custom") are never touched, even when a default pair has the same key.
 * `ancestors` maps "<framework>\u0000<item>" to the item's ancestor ids, nearest first.
 */
export async function syncDefaultMappings(
  db: Executor,
  rows: { controlId: string; frameworkId: string; itemId: string; rationale: string }[],
  ancestors: ReadonlyMap<string, readonly string[]> = new Map(),
): Promise<DefaultMappingSync> {
  const keyOf = (row: { controlId: string; frameworkId: string; itemId: string }) => `${row.controlId}\u0000${row.frameworkId}\u0000${row.itemId}`;
  const removed = await db.select().from(removedDefaultMappings);
  const removedKeys = new Set(removed.map(keyOf));
  const removedHere = (row: { controlId: string; frameworkId: string; itemId: string }) =>
    removedKeys.has(keyOf(row)) || (ancestors.get(`${row.frameworkId}\u0000${row.itemId}`) ?? []).some((itemId) => removedKeys.has(keyOf({ ...row, itemId })));
  const shipped = new Map(rows.map((row) => [keyOf(row), row]));
  const stored = await db
    .select({ controlId: controlMappings.controlId, frameworkId: controlMappings.frameworkId, itemId: controlMappings.itemId, rationale: controlMappings.rationale })
    .from(controlMappings)
    .where(eq(controlMappings.origin, "default"));
  let withdrawn = 0;
  let rationaleUpdated = 0;
  for (const row of stored) {
    const match = (table: typeof controlMappings) =>
      and(eq(table.controlId, row.controlId), eq(table.frameworkId, row.frameworkId), eq(table.itemId, row.itemId), eq(table.origin, "default"));
    const wanted = shipped.get(keyOf(row));
    if (!wanted) {
      await db.delete(controlMappings).where(match(controlMappings));
      withdrawn++;
    } else if (wanted.rationale !== row.rationale) {
      await db.update(controlMappings).set({ rationale: wanted.rationale }).where(match(controlMappings));
      rationaleUpdated++;
    }
  }
  const wanted = rows.filter((row) => !removedHere(row)).map((row) => ({ ...row, origin: "default" as const }));
  let inserted = 0;
  for (let start = 0; start < wanted.length; start += 500) {
    const result = await db.insert(controlMappings).values(wanted.slice(start, start + 500)).onConflictDoNothing().returning({ controlId: controlMappings.controlId });
    inserted += result.length;
  }
  return { inserted, rationaleUpdated, withdrawn };
}

export async function listManualEvidence(db: Executor, controlId?: string): Promise<ManualEvidenceRow[]> {
  const query = db.select().from(manualEvidence);
  const filtered = controlId ? query.where(eq(manualEvidence.controlId, controlId)) : query;
  return filtered.orderBy(desc(manualEvidence.attestedAt));
}

export async function insertManualEvidence(db: Executor, row: typeof manualEvidence.$inferInsert): Promise<ManualEvidenceRow> {
  const [inserted] = await db.insert(manualEvidence).values(row).returning();
  return inserted!;
}

/** The evidence row, locked for the review that reads it (`for update`), or undefined. */
export async function lockManualEvidence(db: Executor, id: string): Promise<ManualEvidenceRow | undefined> {
  const [row] = await db.select().from(manualEvidence).where(eq(manualEvidence.id, id)).for("update").limit(1);
  return row;
}

export async function markManualEvidenceReviewed(db: Executor, id: string, reviewer: { label: string; id: string }, at: Date): Promise<ManualEvidenceRow> {
  const [row] = await db
    .update(manualEvidence)
    .set({ reviewStatus: "reviewed", reviewedBy: reviewer.label, reviewedById: reviewer.id, reviewedAt: at })
    .where(eq(manualEvidence.id, id))
    .returning();
  return row!;
}

export async function insertReportSnapshot(db: Executor, row: Omit<ReportSnapshotRow, "createdAt"> & { createdAt: Date }): Promise<ReportSnapshotRow> {
  const [inserted] = await db.insert(reportSnapshots).values(row).returning();
  return inserted!;
}

export type ReportSnapshotSummary = Omit<ReportSnapshotRow, "content">;

/** The report list's orders: `title`, `period` (its start), `author` (who made it), `created` (default newest first, report_snapshots_created_idx); `-` reverses. */
const REPORT_ORDER_COLUMNS = { title: sql`lower(${reportSnapshots.title})`, period: reportSnapshots.periodStart, author: sql`lower(${reportSnapshots.createdByLabel})`, created: reportSnapshots.createdAt };
export type ReportSort = keyof typeof REPORT_ORDER_COLUMNS | `-${keyof typeof REPORT_ORDER_COLUMNS}`;

/** The first `limit` stored snapshots in `sort` order (newest first when not given), without their content. */
export async function listReportSnapshots(db: Executor, limit = 200, sort: ReportSort = "-created"): Promise<ReportSnapshotSummary[]> {
  return db
    .select({
      id: reportSnapshots.id,
      title: reportSnapshots.title,
      frameworkIds: reportSnapshots.frameworkIds,
      scope: reportSnapshots.scope,
      periodStart: reportSnapshots.periodStart,
      periodEnd: reportSnapshots.periodEnd,
      sha256: reportSnapshots.sha256,
      createdBy: reportSnapshots.createdBy,
      createdByLabel: reportSnapshots.createdByLabel,
      createdAt: reportSnapshots.createdAt,
    })
    .from(reportSnapshots)
    .orderBy(...orderFor(sort, REPORT_ORDER_COLUMNS, reportSnapshots.id))
    .limit(limit);
}

export async function getReportSnapshotOrThrow(db: Executor, id: string): Promise<ReportSnapshotRow> {
  const [row] = await db.select().from(reportSnapshots).where(eq(reportSnapshots.id, id)).limit(1);
  if (!row) throw new StewardError("not_found", `Report ${id} does not exist`);
  return row;
}

/** Per-framework coverage over time, read from the stored snapshots' summaries. */
export async function listCoverageHistory(db: Executor): Promise<{ id: string; createdAt: Date; scope: unknown; coverage: unknown }[]> {
  return db
    .select({ id: reportSnapshots.id, createdAt: reportSnapshots.createdAt, scope: reportSnapshots.scope, coverage: sql<unknown>`${reportSnapshots.content} -> 'coverage'` })
    .from(reportSnapshots)
    .orderBy(asc(reportSnapshots.createdAt));
}

/**
 * Of `policyIds`, those named among the determining policies (`reasons`) of at least one decision in
 * [start, end). One existence probe per policy over the period's partitions; stops at the first hit.
 */
export async function policiesThatDetermined(db: Executor, policyIds: string[], period: { start: Date; end: Date }): Promise<string[]> {
  if (!policyIds.length) return [];
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select p.id from jsonb_array_elements_text(${JSON.stringify(policyIds)}::jsonb) as p(id)
         where exists (select 1 from decisions d
                        where d.time >= ${period.start.toISOString()}::timestamptz and d.time < ${period.end.toISOString()}::timestamptz
                          and d.reasons ? p.id)`,
  );
  return rows.map((row) => row.id);
}

/** When Steward first held data: the earliest agent registration or recorded decision (null: none yet). */
export async function firstDataAt(db: Executor): Promise<Date | null> {
  const [row] = await queryRows<{ first: string | Date | null }>(db, sql`select least((select min(created_at) from agents), (select min(time) from decisions)) as first`);
  return row?.first ? new Date(row.first) : null;
}

// ---- Framework evidence: the set-based reads behind lib/frameworks/evidence/facts.ts ----

/**
 * Legacy fallback for decisions recorded before ingest judged them (their `destructive` is null): the
 * action name with camelCase split into words, matched case-insensitively on a word boundary against
 * the verbs ingest uses (lib/decisions/destructive-action.ts).
 */
export const DESTRUCTIVE_ACTION_PATTERN = `(^|[^a-z0-9])(${DESTRUCTIVE_VERBS.join("|")})([^a-z0-9]|$)`;

const CAMEL_BOUNDARY = "([a-z0-9])([A-Z])";
const CAMEL_SPLIT = "\\1_\\2";

export type Period = { start: Date; end: Date };

export type AgentFact = {
  id: string;
  name: string;
  status: string;
  environment: string | null;
  credentialKind: string | null;
  credentialMaxLifetimeSeconds: number | null;
  ownerId: string | null;
  ownerActive: boolean;
  backupActive: boolean;
  /** The agent's most recent recorded attestation (any outcome), from the inventory's attestations. */
  lastAttestedAt: Date | null;
  /** An unanswered request of an open campaign whose due date has passed. */
  overdueCampaign: { name: string; dueAt: Date } | null;
};

export type AgentDecisionFact = {
  agentId: string;
  total: number;
  allowed: number;
  errors: number;
  outOfScope: number;
  outOfScopeBlocked: number;
  destructive: number;
  destructiveGated: number;
  maxDepth: number;
  overDepthCap: number;
  unreported: number;
  crossEnvironment: number;
  /** Decisions whose agent and enforcement point both had an environment (isolation is judgeable). */
  environmentKnown: number;
  /** Decisions that presented a workload identity (client id or SPIFFE id). */
  withIdentity: number;
  /** Decisions made through a delegation chain (more than one acting agent). */
  delegated: number;
  /** Allowed decisions while the agent was retired or suspended (judged at ingest). */
  allowedWhileOffboarded: number;
};

export type SharedIdentity = { identity: string; agents: number };

export function scopeCondition(scope: ReportScope): SQL {
  switch (scope.kind) {
    case "all":
      return sql`true`;
    case "team":
      return sql`a.team_id = ${scope.teamId}`;
    case "environment":
      return sql`a.environment = ${scope.environment}`;
    case "agent":
      return sql`a.id = ${scope.agentId}`;
  }
}

const toNumber = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/**
 * The inventory as it stood at `asOf` (exclusive): for each agent that existed then, its latest
 * `agent_history` row valid before `asOf`, with the columns of `agents` that reports judge (id, name,
 * status, environment, owner_id, backup_owner_id, team_id, declared_actions, declared_resource_types,
 * credential_kind, credential_max_lifetime_seconds). A derived table: use as `from ${agentsAsOf(end)} a`,
 * so `scopeCondition` applies unchanged. Agents created at or after `asOf` are absent.
 */
export function agentsAsOf(asOf: Date): SQL {
  return sql`(select distinct on (h.agent_id) h.agent_id as id, h.name, h.status, h.environment, h.owner_id, h.backup_owner_id, h.team_id,
                     h.declared_actions, h.declared_resource_types, h.credential_kind, h.credential_max_lifetime_seconds
                from agent_history h
               where h.valid_from < ${asOf.toISOString()}::timestamptz
               order by h.agent_id, h.valid_from desc, h.id desc)`;
}

/**
 * The in-scope agents as they stood at the period's end (`agentsAsOf(period.end)`): a change or
 * retirement after the period does not move the period's report. Whether the owner and backup are
 * active people, and the attestation campaigns, are read as they are at `now`.
 */
export async function agentFacts(db: Executor, scope: ReportScope, period: Period, now: Date): Promise<AgentFact[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select a.id, a.name, a.status, a.environment, a.credential_kind, a.credential_max_lifetime_seconds, a.owner_id,
               coalesce(o.active, false) as owner_active,
               coalesce(b.active and b.id <> a.owner_id, false) as backup_active,
               attested.last_attested_at, overdue.name as overdue_campaign, overdue.due_at as overdue_due_at
          from ${agentsAsOf(period.end)} a
          left join people o on o.id = a.owner_id
          left join people b on b.id = a.backup_owner_id
          left join lateral (
            select max(t.attested_at) as last_attested_at from attestations t where t.agent_id = a.id
          ) attested on true
          left join lateral (
            select c.name, c.due_at
              from attestations p join attestation_campaigns c on c.id = p.campaign_id
             where p.agent_id = a.id and p.attested_at is null and c.closed_at is null and c.due_at < ${now.toISOString()}::timestamptz
             order by c.due_at limit 1
          ) overdue on true
         where ${scopeCondition(scope)}
         order by a.name, a.id`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    status: String(row.status),
    environment: (row.environment as string | null) ?? null,
    credentialKind: (row.credential_kind as string | null) ?? null,
    credentialMaxLifetimeSeconds: row.credential_max_lifetime_seconds === null ? null : Number(row.credential_max_lifetime_seconds),
    ownerId: (row.owner_id as string | null) ?? null,
    ownerActive: row.owner_active === true,
    backupActive: row.backup_active === true,
    lastAttestedAt: row.last_attested_at ? new Date(row.last_attested_at as string | Date) : null,
    overdueCampaign: row.overdue_campaign === null || row.overdue_campaign === undefined ? null : { name: String(row.overdue_campaign), dueAt: new Date(row.overdue_due_at as string | Date) },
  }));
}

/**
 * The period's decisions grouped by agent, action, outcome, enforcement point, workload identity and
 * delegation depth (an agent normally yields a few dozen groups): whole closed days come from the
 * daily rollup (`decision_evidence_daily`, see `rolledUpEvidenceDays`), the rest of the period — its
 * partial first day, the open days, and any day with late decisions not yet rolled up — from the
 * decisions themselves, whose `time` ranges prune the day partitions. The declared-scope test, the
 * destructive-name pattern and the joins with agents (as of the period's end) and enforcement points (now) then
 * run on the grouped rows (thousands) instead of on every decision (millions).
 */
export async function decisionFacts(
  db: Executor,
  scope: ReportScope,
  period: Period,
  maxDepth: number,
  rolledUpDays: string[],
): Promise<{ byAgent: Map<string, AgentDecisionFact>; shared: SharedIdentity[] }> {
  // The grouping is a hash aggregate over millions of rows into tens of thousands of groups. Give it
  // memory rather than spilling, and keep the planner on the hash: it guesses millions of groups from
  // ten keys and, given the memory, picks an external sort three times slower. JIT compilation costs
  // about a second here and saves nothing. Transaction-local, and restored after this query.
  const [previous] = await queryRows<{ jit: string; enableSort: string }>(db, sql`select current_setting('jit') as jit, current_setting('enable_sort') as "enableSort", set_config('work_mem', '256MB', true), set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`);
  const inScope = (column: SQL) => (scope.kind === "all" ? sql`true` : sql`${column} in (select a.id from ${agentsAsOf(period.end)} a where ${scopeCondition(scope)})`);
  const rolledUp = dayRuns(rolledUpDays);
  const live: { start: SQL; end: SQL }[] = [];
  let cursor: SQL = sql`${period.start.toISOString()}::timestamptz`;
  for (const run of rolledUp) {
    live.push({ start: cursor, end: utcMidnight(run.from) });
    cursor = utcMidnight(run.to);
  }
  live.push({ start: cursor, end: sql`${period.end.toISOString()}::timestamptz` });
  const sources: SQL[] = [];
  sources.push(sql`
      select d.agent_id, d.action_name, d.outcome, d.enforcement_point_id, coalesce(d.client_id, d.spiffe_id), ${delegationDepth(sql`d.delegation`)},
             d.in_declared_scope, d.destructive, d.cross_environment, d.agent_offboarded, 1
        from decisions d
       where (${sql.join(live.map((range) => sql`(d.time >= ${range.start} and d.time < ${range.end})`), sql` or `)}) and ${inScope(sql`d.agent_id`)}`);
  if (rolledUp.length) {
    sources.push(sql`
      select r.agent_id, r.action_name, r.outcome, r.enforcement_point_id, r.identity, r.depth, r.in_declared_scope, r.destructive, r.cross_environment, r.agent_offboarded, r.decisions as n
        from decision_evidence_daily r
       where (${sql.join(rolledUp.map((run) => sql`(r.day >= ${run.from}::date and r.day < ${run.to}::date)`), sql` or `)}) and ${inScope(sql`r.agent_id`)}`);
  }
  // Facts recorded at ingest decide; only decisions recorded before ingest judged them (null) are
  // judged against the agents as they stood at the period's end and the enforcement points as they are now.
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`with grouped as (
          select agent_id, action_name, outcome, enforcement_point_id, identity, depth, in_scope, destructive, cross_env, offboarded, sum(n) as n
            from (${sql.join(sources, sql` union all `)}) as u (agent_id, action_name, outcome, enforcement_point_id, identity, depth, in_scope, destructive, cross_env, offboarded, n)
           group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
        ), flagged as (
          select g.agent_id, g.outcome, g.identity, g.n, g.depth,
                 (ep.id is null or not ep.enabled) as unreported,
                 not coalesce(g.in_scope, a.declared_actions ? g.action_name, false) as out_of_scope,
                 coalesce(g.destructive, regexp_replace(g.action_name, ${CAMEL_BOUNDARY}, ${CAMEL_SPLIT}, 'g') ~* ${DESTRUCTIVE_ACTION_PATTERN}) as destructive,
                 coalesce(g.cross_env, case when ep.environment <> '' and a.environment is not null then ep.environment <> a.environment end) as cross_environment,
                 coalesce(g.offboarded, a.status in ('retired', 'suspended'), false) as offboarded
            from grouped g
            left join enforcement_points ep on ep.id = g.enforcement_point_id
            left join ${agentsAsOf(period.end)} a on a.id = g.agent_id
        ), shared as (
          select identity from flagged where identity is not null group by identity having count(distinct agent_id) > 1
        )
        select 'agent' as kind, agent_id, null as identity,
               sum(n) as total,
               sum(n) filter (where outcome = 'allow') as allowed,
               sum(n) filter (where outcome = 'error') as errors,
               sum(n) filter (where out_of_scope) as out_of_scope,
               sum(n) filter (where out_of_scope and outcome in ('deny', 'approval_required')) as out_of_scope_blocked,
               sum(n) filter (where destructive) as destructive,
               sum(n) filter (where destructive and outcome in ('deny', 'approval_required')) as destructive_gated,
               max(depth) as max_depth,
               sum(n) filter (where depth > ${maxDepth}) as over_depth_cap,
               sum(n) filter (where unreported) as unreported,
               sum(n) filter (where cross_environment) as cross_environment,
               sum(n) filter (where cross_environment is not null) as environment_known,
               sum(n) filter (where identity is not null) as with_identity,
               sum(n) filter (where depth > 1) as delegated,
               sum(n) filter (where offboarded and outcome = 'allow') as allowed_while_offboarded
          from flagged group by agent_id
        union all
        select 'shared', null, f.identity, count(distinct f.agent_id), null, null, null, null, null, null, null, null, null, null, null, null, null, null
          from flagged f join shared s on s.identity = f.identity group by f.identity`,
  );
  await db.execute(sql`select set_config('enable_sort', ${previous?.enableSort ?? "on"}, true), set_config('jit', ${previous?.jit ?? "on"}, true)`);
  const byAgent = new Map<string, AgentDecisionFact>();
  const shared: SharedIdentity[] = [];
  for (const row of rows) {
    if (row.kind === "shared") {
      shared.push({ identity: String(row.identity), agents: toNumber(row.total) });
      continue;
    }
    byAgent.set(String(row.agent_id), {
      agentId: String(row.agent_id),
      total: toNumber(row.total),
      allowed: toNumber(row.allowed),
      errors: toNumber(row.errors),
      outOfScope: toNumber(row.out_of_scope),
      outOfScopeBlocked: toNumber(row.out_of_scope_blocked),
      destructive: toNumber(row.destructive),
      destructiveGated: toNumber(row.destructive_gated),
      maxDepth: toNumber(row.max_depth),
      overDepthCap: toNumber(row.over_depth_cap),
      unreported: toNumber(row.unreported),
      crossEnvironment: toNumber(row.cross_environment),
      environmentKnown: toNumber(row.environment_known),
      withIdentity: toNumber(row.with_identity),
      delegated: toNumber(row.delegated),
      allowedWhileOffboarded: toNumber(row.allowed_while_offboarded),
    });
  }
  shared.sort((a, b) => b.agents - a.agents || a.identity.localeCompare(b.identity));
  return { byAgent, shared: shared.slice(0, 50) };
}


/** The oldest stored decision's time (null: none). */
export async function oldestDecisionTime(db: Executor): Promise<Date | null> {
  const [oldest] = await queryRows<{ oldest: string | Date | null }>(db, sql`select min(time) as oldest from decisions`);
  return oldest?.oldest ? new Date(oldest.oldest) : null;
}

/** A stored decision as a report's evidence export lists it: the record's own fields and the facts judged at ingest. */
export type DecisionRecord = {
  enforcementPointId: string;
  decisionId: string;
  time: string;
  agentId: string;
  actionName: string;
  resourceType: string;
  resourceId: string;
  outcome: string;
  reasons: string[];
  policyRevision: string | null;
  inDeclaredScope: boolean | null;
  destructive: boolean | null;
  crossEnvironment: boolean | null;
  agentOffboarded: boolean | null;
  /** The record's content hash, as ingest computed it. */
  contentHash: string;
};

/**
 * The stored decisions with these keys (enforcement point, decision id, time); missing ones (purged) are
 * absent. The times are also listed on their own, as constants, so the planner prunes the day partitions.
 */
export async function decisionRecords(db: Executor, keys: { enforcementPointId: string; decisionId: string; time: string }[]): Promise<DecisionRecord[]> {
  if (!keys.length) return [];
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select d.enforcement_point_id, d.decision_id, d.time, d.agent_id, d.action_name, d.resource_type, d.resource_id, d.outcome, d.reasons,
               d.policy_revision, d.in_declared_scope, d.destructive, d.cross_environment, d.agent_offboarded, d.content_hash
          from decisions d
         where d.time in (${sql.join([...new Set(keys.map((key) => key.time))].map((time) => sql`${time}::timestamptz`), sql`, `)})
           and (d.enforcement_point_id, d.decision_id, d.time) in (${sql.join(
             keys.map((key) => sql`(${key.enforcementPointId}, ${key.decisionId}, ${key.time}::timestamptz)`),
             sql`, `,
           )})
         order by d.time desc, d.enforcement_point_id, d.decision_id`,
  );
  const flag = (value: unknown) => (value === null || value === undefined ? null : value === true);
  return rows.map((row) => ({
    enforcementPointId: String(row.enforcement_point_id),
    decisionId: String(row.decision_id),
    time: new Date(row.time as string | Date).toISOString(),
    agentId: String(row.agent_id),
    actionName: String(row.action_name),
    resourceType: String(row.resource_type),
    resourceId: String(row.resource_id),
    outcome: String(row.outcome),
    reasons: (row.reasons as string[] | null) ?? [],
    policyRevision: (row.policy_revision as string | null) ?? null,
    inDeclaredScope: flag(row.in_declared_scope),
    destructive: flag(row.destructive),
    crossEnvironment: flag(row.cross_environment),
    agentOffboarded: flag(row.agent_offboarded),
    contentHash: String(row.content_hash),
  }));
}

/** Decision-level violations a report samples, named as the controls judge them. */
export type ViolationKind = "out_of_scope_allowed" | "destructive_unapproved" | "cross_environment" | "allowed_while_offboarded" | "over_delegation_cap";
export type SampledDecision = { enforcementPointId: string; decisionId: string; time: string; agentId: string };

/**
 * Up to `limit` of the most recent decisions of `agentIds` in [start, end) showing the violation, judged
 * as the evidence judges it (facts recorded at ingest; the agent as of the period's end and the enforcement
 * point as it is now only for decisions recorded before ingest judged them). Reads by agent and time (decisions_agent_time_idx): the
 * agents are a literal list so the planner can use that index in every partition, even for rare violations.
 */
export async function sampleViolatingDecisions(
  db: Executor,
  kind: ViolationKind,
  agentIds: string[],
  period: { start: Date; end: Date },
  maxDepth: number,
  limit = 5,
): Promise<SampledDecision[]> {
  if (!agentIds.length) return [];
  const notBlocked = sql`d.outcome not in ('deny', 'approval_required')`;
  const condition: Record<ViolationKind, SQL> = {
    out_of_scope_allowed: sql`not coalesce(d.in_declared_scope, a.declared_actions ? d.action_name, false) and ${notBlocked}`,
    destructive_unapproved: sql`coalesce(d.destructive, regexp_replace(d.action_name, ${CAMEL_BOUNDARY}, ${CAMEL_SPLIT}, 'g') ~* ${DESTRUCTIVE_ACTION_PATTERN}) and ${notBlocked}`,
    cross_environment: sql`coalesce(d.cross_environment, ep.environment <> '' and a.environment is not null and ep.environment <> a.environment, false)`,
    allowed_while_offboarded: sql`coalesce(d.agent_offboarded, a.status in ('retired', 'suspended'), false) and d.outcome = 'allow'`,
    over_delegation_cap: sql`${delegationDepth(sql`d.delegation`)} > ${maxDepth}`,
  };
  const rows = await queryRows<{ enforcement_point_id: string; decision_id: string; time: string | Date; agent_id: string }>(
    db,
    // Per agent: its row as of the period's end, then its own decisions newest first through
    // decisions_agent_time_idx (a Merge Append of backward index scans), stopping at `limit` — so a rare
    // violation never sends the planner down a time index across every agent's decisions.
    sql`select s.enforcement_point_id, s.decision_id, s.time, s.agent_id
          from (values ${sql.join(agentIds.map((id) => sql`(${id})`), sql`, `)}) as ag(id)
          left join lateral (
            select h.declared_actions, h.environment, h.status from agent_history h
             where h.agent_id = ag.id and h.valid_from < ${period.end.toISOString()}::timestamptz
             order by h.valid_from desc, h.id desc limit 1
          ) a on true
          cross join lateral (
            select d.enforcement_point_id, d.decision_id, d.time, d.agent_id
              from decisions d
              left join enforcement_points ep on ep.id = d.enforcement_point_id
             where d.agent_id = ag.id
               and d.time >= ${period.start.toISOString()}::timestamptz and d.time < ${period.end.toISOString()}::timestamptz
               and ${condition[kind]}
             order by d.time desc
             limit ${limit}
          ) s
         order by s.time desc, s.decision_id
         limit ${limit}`,
  );
  return rows.map((row) => ({ enforcementPointId: row.enforcement_point_id, decisionId: row.decision_id, time: new Date(row.time).toISOString(), agentId: row.agent_id }));
}
