import type { Executor, Tx } from "@/db/client";
import { actionUsageOf, observedSummaries, refreshActivityRollup, type ObservedSummary } from "@/db/activity";
import type { AgentRow } from "@/db/agents";
import { listAgentsForFindings, listRecomputedLiveFindings, overdueCampaignAgentIds, ownerStatuses, resolveFindingsBySystem, snapshotOpenFindings, updateAgentRisks, upsertDetectedFindings, type LiveFinding } from "@/db/findings";
import { advisoryXactLock } from "@/db/locks";
import { computeRisk } from "../agents/risk";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { newId } from "../ids";
import { getSettings, type Settings } from "../settings/settings";
import { computeFindings, type DetectedFinding } from "./compute-findings";

type Scope = { agentIds?: string[] };

/** Serialises whole-fleet refreshes. */
const REFRESH_LOCK_KEY = 7_363_004;

/** Per-agent observation straight from decisions (bounded by the agent+time index). */
async function observedDirect(db: Executor, agentRows: AgentRow[], since: Date): Promise<Map<string, ObservedSummary>> {
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
  const agentRows = await listAgentsForFindings(db, scope.agentIds);
  const ownerIds = [...new Set(agentRows.map((row) => row.ownerId).filter((id): id is string => !!id))];
  const owners = await ownerStatuses(db, ownerIds);
  const overdue = await overdueCampaignAgentIds(db, now, scope.agentIds);

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

  await updateAgentRisks(db, riskChanges);
  // Today's open counts per kind, for the dashboard trend; a later refresh the same day overwrites them.
  await snapshotOpenFindings(db, now.toISOString().slice(0, 10));
  return { agents: agentRows.length, open: detected.length, riskChanged: riskChanges.length };
}

/**
 * Writes only what changed: new findings, re-opened ones (resolved, or accepted past expiry),
 * changed details, and findings whose condition no longer holds (resolved by the system).
 * A steady fleet therefore costs reads, not writes.
 */
async function writeFindingChanges(db: Executor, scope: Scope, detected: { agentId: string; finding: DetectedFinding }[], now: Date) {
  // Resolved findings need no read: one detected again is upserted (re-opened) like a new one.
  // Findings raised by events (lib/identity) are not recomputed here, so never resolved by a refresh.
  const existingRows: LiveFinding[] = await listRecomputedLiveFindings(db, scope.agentIds);
  const existing = new Map(existingRows.map((row) => [`${row.agentId}/${row.kind}`, row]));
  const upserts: { agentId: string; finding: DetectedFinding }[] = [];
  for (const item of detected) {
    const key = `${item.agentId}/${item.finding.kind}`;
    const row = existing.get(key);
    existing.delete(key);
    const acceptedStill = row?.status === "accepted" && row.acceptedUntil !== null && row.acceptedUntil > now;
    if (row && (row.status === "open" || acceptedStill) && row.detail === item.finding.detail) continue;
    upserts.push(item);
  }
  await upsertDetectedFindings(
    db,
    upserts.map(({ agentId, finding }) => ({ id: newId("fnd"), agentId, kind: finding.kind, detail: finding.detail })),
    now,
  );
  // Whatever is still in `existing` was not detected this time: its condition is gone.
  await resolveFindingsBySystem(db, [...existing.values()], now);
}

/** After a change to some agents: their findings and risk, from their own recent decisions. */
export async function refreshFindingsForAgents(tx: Tx, agentIds: string[], now = new Date()) {
  if (!agentIds.length) return { agents: 0, open: 0, riskChanged: 0 };
  const settings = await getSettings(tx);
  const since = new Date(now.getTime() - settings.observationWindowDays * 86_400_000);
  const agentRows = await listAgentsForFindings(tx, agentIds);
  return syncFindings(tx, { agentIds }, settings, await observedDirect(tx, agentRows, since), now);
}

/**
 * The whole fleet: roll up new decisions, then recompute every agent's findings and risk.
 * Run after ingest batches or on a schedule; the dashboard's trend comes from its snapshots.
 */
export async function refreshFindings({ ctx, now = new Date() }: { ctx: Ctx; now?: Date }) {
  requirePermission(ctx.actor, "findings.manage");
  return withTransaction(ctx, async (tx) => {
    await advisoryXactLock(tx, REFRESH_LOCK_KEY);
    await refreshActivityRollup(tx, { now });
    const settings = await getSettings(tx);
    const since = new Date(now.getTime() - settings.observationWindowDays * 86_400_000);
    return syncFindings(tx, {}, settings, await observedSummaries(tx, since), now);
  });
}
