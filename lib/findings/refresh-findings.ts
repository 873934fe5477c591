import { and, eq, inArray, isNull, lt, notInArray, sql } from "drizzle-orm";
import type { Executor, Tx } from "@/db/client";
import { actionUsageOf, observedSummaries, refreshActivityRollup, type ObservedSummary } from "@/db/activity";
import { executedRows } from "@/db/rows";
import { agents, attestationCampaigns, attestations, EVENT_FINDING_KINDS, FINDING_KINDS, findings, people } from "@/db/schema";
import { computeRisk } from "../agents/risk";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { newId } from "../ids";
import { getSettings, type Settings } from "../settings/settings";
import { computeFindings, type DetectedFinding } from "./compute-findings";

const CHUNK = 1000;

type Scope = { agentIds?: string[] };

async function overdueCampaignAgents(db: Executor, now: Date, scope: Scope): Promise<Set<string>> {
  const rows = await db
    .select({ agentId: attestations.agentId })
    .from(attestations)
    .innerJoin(attestationCampaigns, eq(attestationCampaigns.id, attestations.campaignId))
    .where(
      and(
        isNull(attestations.attestedAt),
        isNull(attestationCampaigns.closedAt),
        lt(attestationCampaigns.dueAt, now),
        scope.agentIds ? inArray(attestations.agentId, scope.agentIds) : undefined,
      ),
    );
  return new Set(rows.map((row) => row.agentId));
}

/** Per-agent observation straight from decisions (bounded by the agent+time index). */
async function observedDirect(db: Executor, agentRows: (typeof agents.$inferSelect)[], since: Date): Promise<Map<string, ObservedSummary>> {
  const out = new Map<string, ObservedSummary>();
  for (const row of agentRows) {
    const usage = await actionUsageOf(db, row.id, since);
    const declared = new Set(row.declaredActions);
    out.set(row.id, {
      agentId: row.id,
      outOfScope: [...new Set(usage.filter((u) => !declared.has(u.actionName)).map((u) => u.actionName))],
      denies: usage.reduce((sum, u) => sum + u.denies, 0),
      decisions: usage.reduce((sum, u) => sum + u.allows + u.denies + u.others, 0),
    });
  }
  return out;
}

async function syncFindings(db: Executor, scope: Scope, settings: Settings, observed: Map<string, ObservedSummary>, now: Date) {
  const agentRows = scope.agentIds ? await db.select().from(agents).where(inArray(agents.id, scope.agentIds)) : await db.select().from(agents);
  const ownerIds = [...new Set(agentRows.map((row) => row.ownerId).filter((id): id is string => !!id))];
  const owners = new Map<string, { name: string; active: boolean }>();
  for (let i = 0; i < ownerIds.length; i += CHUNK) {
    const rows = await db.select({ id: people.id, name: people.name, active: people.active }).from(people).where(inArray(people.id, ownerIds.slice(i, i + CHUNK)));
    for (const row of rows) owners.set(row.id, row);
  }
  const overdue = await overdueCampaignAgents(db, now, scope);

  const detected: { agentId: string; finding: DetectedFinding }[] = [];
  const riskChanges: { id: string; tier: string; reasons: string[] }[] = [];
  for (const row of agentRows) {
    const summary = observed.get(row.id);
    const outOfScope = row.status === "discovered" ? [] : (summary?.outOfScope ?? []);
    for (const finding of computeFindings(row, { owner: row.ownerId ? (owners.get(row.ownerId) ?? null) : null, outOfScope, campaignOverdue: overdue.has(row.id) }, settings, now)) {
      detected.push({ agentId: row.id, finding });
    }
    const risk = computeRisk({ ...row, outOfScopeActions: outOfScope.length, denies: summary?.denies ?? 0, decisions: summary?.decisions ?? 0 }, settings.maxCredentialLifetimeSeconds);
    if (risk.tier !== row.riskTier || JSON.stringify(risk.reasons) !== JSON.stringify(row.riskReasons)) riskChanges.push({ id: row.id, ...risk });
  }

  await writeFindingChanges(db, scope, detected, now);

  for (let i = 0; i < riskChanges.length; i += CHUNK) {
    const values = riskChanges.slice(i, i + CHUNK).map((change) => sql`(${change.id}, ${change.tier}, ${JSON.stringify(change.reasons)}::jsonb)`);
    await db.execute(sql`
      update agents set risk_tier = v.tier, risk_reasons = v.reasons
      from (values ${sql.join(values, sql`, `)}) as v(id, tier, reasons) where agents.id = v.id`);
  }
  await snapshotFindings(db, now);
  return { agents: agentRows.length, open: detected.length, riskChanged: riskChanges.length };
}

type ExistingFinding = { agentId: string; kind: string; status: string; detail: string; acceptedUntil: Date | null };

/**
 * Writes only what changed: new findings, re-opened ones (resolved, or accepted past expiry),
 * changed details, and findings whose condition no longer holds (resolved by the system).
 * A steady fleet therefore costs reads, not writes.
 */
async function writeFindingChanges(db: Executor, scope: Scope, detected: { agentId: string; finding: DetectedFinding }[], now: Date) {
  const existingRows: ExistingFinding[] = [];
  const columns = { agentId: findings.agentId, kind: findings.kind, status: findings.status, detail: findings.detail, acceptedUntil: findings.acceptedUntil };
  // Resolved findings need no read: one detected again is upserted (re-opened) like a new one.
  // Findings raised by events (lib/identity) are not recomputed here, so never resolved by a refresh.
  const live = and(inArray(findings.status, ["open", "accepted"]), notInArray(findings.kind, [...EVENT_FINDING_KINDS]));
  if (scope.agentIds) {
    for (let i = 0; i < scope.agentIds.length; i += CHUNK) existingRows.push(...(await db.select(columns).from(findings).where(and(live, inArray(findings.agentId, scope.agentIds.slice(i, i + CHUNK))))));
  } else existingRows.push(...(await db.select(columns).from(findings).where(live)));
  const existing = new Map(existingRows.map((row) => [`${row.agentId}/${row.kind}`, row]));
  const stamp = now.toISOString();
  const upserts: { agentId: string; finding: DetectedFinding }[] = [];
  for (const item of detected) {
    const key = `${item.agentId}/${item.finding.kind}`;
    const row = existing.get(key);
    existing.delete(key);
    const acceptedStill = row?.status === "accepted" && row.acceptedUntil !== null && row.acceptedUntil > now;
    if (row && (row.status === "open" || acceptedStill) && row.detail === item.finding.detail) continue;
    upserts.push(item);
  }
  for (let i = 0; i < upserts.length; i += CHUNK) {
    const values = upserts
      .slice(i, i + CHUNK)
      .map(({ agentId, finding }) => sql`(${newId("fnd")}, ${agentId}, ${finding.kind}, 'open', ${finding.detail}, ${stamp}::timestamptz, ${stamp}::timestamptz)`);
    // An acceptance holds until it expires; a resolved finding whose condition is back re-opens.
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
  // Whatever is still in `existing` was not detected this time: its condition is gone.
  const gone = [...existing.values()];
  for (let i = 0; i < gone.length; i += CHUNK) {
    const pairs = gone.slice(i, i + CHUNK).map((row) => sql`(${row.agentId}, ${row.kind})`);
    await db.execute(sql`
      update findings set status = 'resolved', resolved_at = ${stamp}::timestamptz, decided_by = 'system'
      where (agent_id, kind) in (${sql.join(pairs, sql`, `)}) and status in ('open', 'accepted')`);
  }
}

/** Today's open counts per kind, for the dashboard trend; a later refresh the same day overwrites them. */
async function snapshotFindings(db: Executor, now: Date) {
  const day = now.toISOString().slice(0, 10);
  const counts = new Map(
    executedRows<{ kind: string; n: number }>(await db.execute(sql`select kind, count(*)::int as n from findings where status = 'open' group by kind`)).map((row) => [row.kind, Number(row.n)]),
  );
  const values = FINDING_KINDS.map((kind) => sql`(${day}::date, ${kind}, ${counts.get(kind) ?? 0})`);
  await db.execute(sql`
    insert into finding_snapshots (day, kind, open_count) values ${sql.join(values, sql`, `)}
    on conflict (day, kind) do update set open_count = excluded.open_count`);
}

/** After a change to some agents: their findings and risk, from their own recent decisions. */
export async function refreshFindingsForAgents(tx: Tx, agentIds: string[], now = new Date()) {
  if (!agentIds.length) return { agents: 0, open: 0, riskChanged: 0 };
  const settings = await getSettings(tx);
  const since = new Date(now.getTime() - settings.observationWindowDays * 86_400_000);
  const agentRows = await tx.select().from(agents).where(inArray(agents.id, agentIds));
  return syncFindings(tx, { agentIds }, settings, await observedDirect(tx, agentRows, since), now);
}

/**
 * The whole fleet: roll up new decisions, then recompute every agent's findings and risk.
 * Run after ingest batches or on a schedule; the dashboard's trend comes from its snapshots.
 */
export async function refreshFindings({ ctx, now = new Date() }: { ctx: Ctx; now?: Date }) {
  requirePermission(ctx.actor, "findings.manage");
  return withTransaction(ctx, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7363004)`);
    await refreshActivityRollup(tx, { now });
    const settings = await getSettings(tx);
    const since = new Date(now.getTime() - settings.observationWindowDays * 86_400_000);
    return syncFindings(tx, {}, settings, await observedSummaries(tx, since), now);
  });
}
