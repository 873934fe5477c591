import { withBuiltInEnforcementPoints } from "./entity-names";
import { and, asc, count, desc, eq, gte, inArray, isNotNull, lte, ne, sql, type SQL } from "drizzle-orm";
import { queryRows } from "./rows";
import { StewardError } from "@/lib/errors";
import type { Inventory } from "@/lib/policies/inventory";
import type { Executor } from "./client";
import { orderFor } from "./order";
import { agentIdentities, agents, decisions, enforcementPoints, people, policies, policyApprovals, policyReplays, policyTests, policyVersions, policyWorkspace, teams } from "./schema";

export type PolicyRow = typeof policies.$inferSelect;
export type PolicyTestRow = typeof policyTests.$inferSelect;
export type PolicyVersionRow = typeof policyVersions.$inferSelect;
export type PolicyWorkspaceRow = typeof policyWorkspace.$inferSelect;
export type PolicyReplayRow = typeof policyReplays.$inferSelect;

export const DRAFT_WORKSPACE_ID = "draft";

export async function listDraftPolicies(db: Executor): Promise<PolicyRow[]> {
  return db.select().from(policies).orderBy(asc(policies.createdAt), asc(policies.id));
}

export async function getDraftPolicy(db: Executor, id: string): Promise<PolicyRow | undefined> {
  const [row] = await db.select().from(policies).where(eq(policies.id, id));
  return row;
}

export async function listDraftTests(db: Executor): Promise<PolicyTestRow[]> {
  return db.select().from(policyTests).orderBy(asc(policyTests.createdAt), asc(policyTests.id));
}

export async function getDraftTest(db: Executor, id: string): Promise<PolicyTestRow | undefined> {
  const [row] = await db.select().from(policyTests).where(eq(policyTests.id, id));
  return row;
}

/** The workspace row, created with the given default schema on first use. */
export async function getWorkspace(db: Executor, defaultSchema: string): Promise<PolicyWorkspaceRow> {
  const [row] = await db.select().from(policyWorkspace).where(eq(policyWorkspace.id, DRAFT_WORKSPACE_ID));
  if (row) return row;
  await db.insert(policyWorkspace).values({ id: DRAFT_WORKSPACE_ID, schemaText: defaultSchema, entities: [] }).onConflictDoNothing();
  const [created] = await db.select().from(policyWorkspace).where(eq(policyWorkspace.id, DRAFT_WORKSPACE_ID));
  return created!;
}

export async function markDraftEditedBy(db: Executor, userId: string | null): Promise<void> {
  if (!userId) return;
  await db
    .update(policyWorkspace)
    .set({
      editorIds: sql`case when ${policyWorkspace.editorIds} @> ${JSON.stringify([userId])}::jsonb then ${policyWorkspace.editorIds} else ${policyWorkspace.editorIds} || ${JSON.stringify([userId])}::jsonb end`,
      updatedAt: new Date(),
    })
    .where(eq(policyWorkspace.id, DRAFT_WORKSPACE_ID));
}

/** The published versions' orders: `revision` (default newest first; unique, indexed), `published`, `author`, `message`; `-` reverses. */
const VERSION_ORDER_COLUMNS = { revision: policyVersions.revision, published: policyVersions.createdAt, author: sql`lower(${policyVersions.authorLabel})`, message: sql`lower(${policyVersions.message})` };
export type PolicyVersionSort = keyof typeof VERSION_ORDER_COLUMNS | `-${keyof typeof VERSION_ORDER_COLUMNS}`;

/** Every published version without its content, in `sort` order (newest revision first when not given). */
export async function listVersions(db: Executor, sort: PolicyVersionSort = "-revision"): Promise<Omit<PolicyVersionRow, "content">[]> {
  return db
    .select({
      id: policyVersions.id,
      revision: policyVersions.revision,
      message: policyVersions.message,
      authorId: policyVersions.authorId,
      authorLabel: policyVersions.authorLabel,
      contentHash: policyVersions.contentHash,
      rolledBackFrom: policyVersions.rolledBackFrom,
      createdAt: policyVersions.createdAt,
    })
    .from(policyVersions)
    .orderBy(...orderFor(sort, VERSION_ORDER_COLUMNS, policyVersions.id));
}

export async function getLatestVersion(db: Executor): Promise<PolicyVersionRow | undefined> {
  const [row] = await db.select().from(policyVersions).orderBy(desc(policyVersions.revision)).limit(1);
  return row;
}

export async function getLatestRevision(db: Executor): Promise<{ revision: number; contentHash: string } | undefined> {
  const [row] = await db.select({ revision: policyVersions.revision, contentHash: policyVersions.contentHash }).from(policyVersions).orderBy(desc(policyVersions.revision)).limit(1);
  return row;
}

export async function getVersionByRevisionOrThrow(db: Executor, revision: number): Promise<PolicyVersionRow> {
  const [row] = await db.select().from(policyVersions).where(eq(policyVersions.revision, revision));
  if (!row) throw new StewardError("not_found", `Policy version ${revision} does not exist`);
  return row;
}

/** The latest approval of this content by someone other than `notBy` (null: anyone). */
export async function findApprovalByOther(db: Executor, contentHash: string, notBy: string | null) {
  const [row] = await db
    .select()
    .from(policyApprovals)
    .where(notBy ? and(eq(policyApprovals.contentHash, contentHash), ne(policyApprovals.approvedBy, notBy)) : eq(policyApprovals.contentHash, contentHash))
    .orderBy(desc(policyApprovals.createdAt))
    .limit(1);
  return row;
}

export async function findApproval(db: Executor, contentHash: string) {
  const [row] = await db.select().from(policyApprovals).where(eq(policyApprovals.contentHash, contentHash)).orderBy(desc(policyApprovals.createdAt)).limit(1);
  return row;
}

/**
 * The inventory as Cedar needs it; reads only the columns the foundation defines. Ordered, so an
 * unchanged inventory always hashes the same: ingest's last-seen updates move rows physically, and
 * an unordered read made the PDP rebuild its engine (and lose its memo) on every refresh.
 */
export async function loadInventory(db: Executor): Promise<Inventory> {
  const [teamRows, personRows, agentRows, identityRows] = await Promise.all([
    db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.id)),
    db.select({ id: people.id, name: people.name, email: people.email, teamId: people.teamId, active: people.active }).from(people).orderBy(asc(people.id)),
    db
      .select({
        id: agents.id,
        externalId: agents.externalId,
        name: agents.name,
        environment: agents.environment,
        status: agents.status,
        ownerId: agents.ownerId,
        teamId: agents.teamId,
        declaredActions: agents.declaredActions,
        declaredResourceTypes: agents.declaredResourceTypes,
        credentialKind: agents.credentialKind,
        dataSensitivity: agents.dataSensitivity,
        riskTier: agents.riskTier,
        riskOverrideTier: agents.riskOverrideTier,
      })
      .from(agents)
      .orderBy(asc(agents.id)),
    db.select({ value: agentIdentities.value, agentId: agentIdentities.agentId }).from(agentIdentities).orderBy(asc(agentIdentities.value), asc(agentIdentities.agentId)),
  ]);
  return { teams: teamRows, people: personRows, agents: agentRows, identities: identityRows };
}
export type { Inventory };

export type ReplayFilter = { agentId?: string; enforcementPointId?: string; from?: Date; to?: Date };

export function replayConditions(filter: ReplayFilter): SQL[] {
  return [
    isNotNull(decisions.request),
    ...(filter.agentId ? [eq(decisions.agentId, filter.agentId)] : []),
    ...(filter.enforcementPointId ? [eq(decisions.enforcementPointId, filter.enforcementPointId)] : []),
    ...(filter.from ? [gte(decisions.time, filter.from)] : []),
    ...(filter.to ? [lte(decisions.time, filter.to)] : []),
  ];
}

export type ReplayCursor = { time: Date; enforcementPointId: string; decisionId: string };

/** Newest first, keyset-paginated, so a million-row replay never holds more than one chunk. */
export async function readReplayChunk(db: Executor, filter: ReplayFilter, after: ReplayCursor | null, limit: number) {
  const conditions = replayConditions(filter);
  if (after) {
    conditions.push(sql`(${decisions.time}, ${decisions.enforcementPointId}, ${decisions.decisionId}) < (${after.time.toISOString()}::timestamptz, ${after.enforcementPointId}, ${after.decisionId})`);
  }
  return db
    .select({
      enforcementPointId: decisions.enforcementPointId,
      decisionId: decisions.decisionId,
      time: decisions.time,
      agentId: decisions.agentId,
      actionName: decisions.actionName,
      outcome: decisions.outcome,
      delegation: decisions.delegation,
      request: decisions.request,
    })
    .from(decisions)
    .where(and(...conditions))
    .orderBy(desc(decisions.time), desc(decisions.enforcementPointId), desc(decisions.decisionId))
    .limit(limit);
}

/** Replay job bookkeeping (lib/policies/replay.ts runs the evaluation; these write its state). */
export async function insertReplay(db: Executor, row: typeof policyReplays.$inferInsert): Promise<void> {
  await db.insert(policyReplays).values(row);
}

export async function requestReplayCancel(db: Executor, id: string): Promise<void> {
  await db.update(policyReplays).set({ cancelRequested: 1, updatedAt: new Date() }).where(eq(policyReplays.id, id));
}

/** How many recorded decisions a replay with this filter could read. */
export async function countReplayable(db: Executor, filter: ReplayFilter): Promise<number> {
  const [row] = await db.select({ n: count() }).from(decisions).where(and(...replayConditions(filter)));
  return Number(row?.n ?? 0);
}

export async function markReplayRunning(db: Executor, id: string, total: number): Promise<void> {
  await db.update(policyReplays).set({ status: "running", total, updatedAt: new Date() }).where(eq(policyReplays.id, id));
}

/** Writes progress after a chunk; answers whether someone asked to cancel meanwhile. */
export async function saveReplayProgress(db: Executor, id: string, processed: number, result: unknown): Promise<{ cancelRequested: boolean }> {
  const [state] = await db
    .update(policyReplays)
    .set({ processed, result, updatedAt: new Date() })
    .where(eq(policyReplays.id, id))
    .returning({ cancelRequested: policyReplays.cancelRequested });
  return { cancelRequested: Boolean(state?.cancelRequested) };
}

/** Ends a replay: done (with its result), cancelled, or failed (with the error and the partial result). */
export async function finishReplay(db: Executor, id: string, end: { status: "done" | "cancelled" | "failed"; processed?: number; result?: unknown; error?: string }): Promise<void> {
  const now = new Date();
  await db
    .update(policyReplays)
    .set({ status: end.status, finishedAt: now, ...(end.status === "cancelled" ? {} : { updatedAt: now, processed: end.processed, result: end.result }), ...(end.error ? { error: end.error } : {}) })
    .where(eq(policyReplays.id, id));
}

/** Display names of the agents and enforcement points a result refers to (ids without a row are left out). */
export async function agentAndEnforcementPointNames(db: Executor, agentIds: string[], enforcementPointIds: string[]): Promise<{ agents: Map<string, string>; enforcementPoints: Map<string, string> }> {
  const [agentRows, epRows] = await Promise.all([
    agentIds.length ? db.select({ id: agents.id, name: agents.name }).from(agents).where(inArray(agents.id, agentIds)) : [],
    enforcementPointIds.length ? db.select({ id: enforcementPoints.id, name: enforcementPoints.name }).from(enforcementPoints).where(inArray(enforcementPoints.id, enforcementPointIds)) : [],
  ]);
  return { agents: new Map(agentRows.map((row) => [row.id, row.name])), enforcementPoints: withBuiltInEnforcementPoints(new Map(epRows.map((row) => [row.id, row.name])), enforcementPointIds) };
}

export async function getReplayOrThrow(db: Executor, id: string): Promise<PolicyReplayRow> {
  const [row] = await db.select().from(policyReplays).where(eq(policyReplays.id, id));
  if (!row) throw new StewardError("not_found", `Replay ${id} does not exist`);
  return row;
}

export async function getDecisionOrThrow(db: Executor, key: { enforcementPointId: string; decisionId: string }) {
  const [row] = await db
    .select()
    .from(decisions)
    .where(and(eq(decisions.enforcementPointId, key.enforcementPointId), eq(decisions.decisionId, key.decisionId)))
    .limit(1);
  if (!row) throw new StewardError("not_found", `Decision ${key.decisionId} of enforcement point ${key.enforcementPointId} does not exist`);
  return row;
}

/**
 * Per policy id, for decisions recorded under `revision` (counts never follow an id into a revision
 * whose text changed): how many it determined in the last 7 and 30 days (`reasons`), and how many
 * times it errored (`context.pdp.erroringPolicies`, recorded by Steward's PDP).
 */
export async function countDeterminedDecisions(db: Executor, since30: Date, since7: Date, revision: string) {
  return queryRows<{ policyId: string; last7: number; last30: number; errored30: number }>(db, sql`
    with recent as (
      select d.time, d.reasons, d.context from decisions d
      where d.time >= ${since30.toISOString()}::timestamptz and d.policy_revision = ${revision}
    ), determined as (
      select reason as "policyId",
             count(*) filter (where r.time >= ${since7.toISOString()}::timestamptz)::int as "last7",
             count(*)::int as "last30"
      from recent r, jsonb_array_elements_text(r.reasons) as reason
      group by reason
    ), errored as (
      select e as "policyId", count(*)::int as "errored30"
      from recent r,
           jsonb_array_elements_text(case when jsonb_typeof(r.context -> 'pdp' -> 'erroringPolicies') = 'array' then r.context -> 'pdp' -> 'erroringPolicies' else '[]'::jsonb end) as e
      group by e
    )
    select coalesce(d."policyId", e."policyId") as "policyId", coalesce(d."last7", 0) as "last7", coalesce(d."last30", 0) as "last30", coalesce(e."errored30", 0) as "errored30"
    from determined d full outer join errored e on d."policyId" = e."policyId"`);
}

/** The distinct (action name, kind, resource type) shapes recorded requests used, for publish warnings. */
export async function listRecordedActionShapes(db: Executor, limit = 5_000) {
  return queryRows<{ actionName: string; actionKind: string | null; resourceType: string }>(db, sql`
    select distinct action_name as "actionName", action_kind as "actionKind", resource_type as "resourceType"
    from decisions where request is not null limit ${limit}`);
}

export type PolicyInsert = typeof policies.$inferInsert;
export type PolicyTestInsert = typeof policyTests.$inferInsert;

/** Inserts a draft policy, or (`update`: the caller found it) sets the values of the existing one; returns the row after. */
export async function saveDraftPolicy(db: Executor, row: PolicyInsert, update: boolean): Promise<PolicyRow> {
  const [saved] = update ? await db.update(policies).set(row).where(eq(policies.id, row.id)).returning() : await db.insert(policies).values(row).returning();
  return saved!;
}

/** Inserts a draft test, or (`update`: the caller found it) sets the values of the existing one; returns the row after. */
export async function saveDraftTest(db: Executor, row: PolicyTestInsert, update: boolean): Promise<PolicyTestRow> {
  const [saved] = update ? await db.update(policyTests).set(row).where(eq(policyTests.id, row.id)).returning() : await db.insert(policyTests).values(row).returning();
  return saved!;
}

/** Deletes one draft policy or test. */
export async function deleteDraftItem(db: Executor, kind: "policy" | "test", id: string): Promise<void> {
  if (kind === "policy") await db.delete(policies).where(eq(policies.id, id));
  else await db.delete(policyTests).where(eq(policyTests.id, id));
}

/** Sets columns of the draft workspace (schema text, entities, editor list). */
export async function updateWorkspace(db: Executor, patch: Partial<typeof policyWorkspace.$inferInsert>): Promise<void> {
  await db.update(policyWorkspace).set(patch).where(eq(policyWorkspace.id, DRAFT_WORKSPACE_ID));
}

/** Replaces every draft policy and test (a rollback resets the draft to an old version's content). */
export async function replaceDraftContent(db: Executor, draftPolicies: PolicyInsert[], tests: PolicyTestInsert[]): Promise<void> {
  await db.delete(policies);
  if (draftPolicies.length) await db.insert(policies).values(draftPolicies);
  await db.delete(policyTests);
  if (tests.length) await db.insert(policyTests).values(tests);
}

export async function insertPolicyVersion(db: Executor, row: typeof policyVersions.$inferInsert): Promise<PolicyVersionRow> {
  const [inserted] = await db.insert(policyVersions).values(row).returning();
  return inserted!;
}

export async function insertPolicyApproval(db: Executor, row: typeof policyApprovals.$inferInsert): Promise<void> {
  await db.insert(policyApprovals).values(row);
}

