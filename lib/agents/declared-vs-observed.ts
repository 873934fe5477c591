import { getDb } from "@/db/client";
import { delegatesOf, observeAgent, recentDecisionsOf, type ActionUsage } from "@/db/activity";
import { agentNames, getAgentOrThrow, identitiesOf, resolveAgentRefs } from "@/db/agents";
import { enforcementPointNames } from "@/db/enforcement-points";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { getSettings } from "../settings/settings";

export type ObservedAction = { action: string; resourceTypes: string[]; allows: number; denies: number; others: number; lastAt: Date; declared: boolean };

export function compareScope(declaredActions: readonly string[], usage: ActionUsage[]) {
  const declared = new Set(declaredActions);
  const byAction = new Map<string, ObservedAction>();
  for (const u of usage) {
    const entry = byAction.get(u.actionName) ?? { action: u.actionName, resourceTypes: [], allows: 0, denies: 0, others: 0, lastAt: u.lastAt, declared: declared.has(u.actionName) };
    entry.resourceTypes.push(u.resourceType);
    entry.allows += u.allows;
    entry.denies += u.denies;
    entry.others += u.others;
    if (u.lastAt > entry.lastAt) entry.lastAt = u.lastAt;
    byAction.set(u.actionName, entry);
  }
  const used = [...byAction.values()];
  return {
    used,
    outOfScope: used.filter((u) => !u.declared).map((u) => u.action),
    unusedDeclared: [...declared].filter((action) => !byAction.has(action)).sort(),
    denies: used.reduce((sum, u) => sum + u.denies, 0),
  };
}

/**
 * What the agent was meant to do next to what it did, over the observation window. Every query is
 * bounded by the (agent_id, time) index, so its cost follows this agent's traffic, not the fleet's.
 */
export async function declaredVsObserved({ ctx, input }: { ctx: Ctx; input: { agentId: string } }) {
  requirePermission(ctx.actor, "agents.read");
  const db = ctx.tx ?? (await getDb());
  const agent = await getAgentOrThrow(db, input.agentId);
  const settings = await getSettings(db);
  const since = new Date(Date.now() - settings.observationWindowDays * 86_400_000);
  const identities = await identitiesOf(db, agent.id);
  const refs = [agent.id, ...identities.filter((i) => i.kind === "agent_id" || i.kind === "alias").map((i) => i.value)];
  const [{ usage, endpoints, delegators }, delegates, recent] = await Promise.all([observeAgent(db, agent.id, since), delegatesOf(db, refs, since), recentDecisionsOf(db, agent.id, 20)]);
  const scope = compareScope(agent.declaredActions, usage);
  const [refMap, epRows, delegateRows] = await Promise.all([
    // Refs as enforcement points send them (agent ids, aliases), resolved to inventory agents where known.
    resolveAgentRefs(db, delegators.map((d) => d.ref)),
    enforcementPointNames(db, [...new Set([...endpoints, ...recent].map((e) => e.enforcementPointId))]),
    agentNames(db, delegates.map((d) => d.agentId)),
  ]);
  return {
    windowDays: settings.observationWindowDays,
    ...scope,
    lastSeenAt: usage.reduce<Date | null>((latest, u) => (!latest || u.lastAt > latest ? u.lastAt : latest), null) ?? agent.lastSeenAt,
    endpoints: endpoints.map((e) => ({ ...e, name: epRows.find((row) => row.id === e.enforcementPointId)?.name ?? null })),
    delegatedBy: delegators.map((d) => ({ ...d, agent: refMap.get(d.ref) ?? null })),
    delegatesTo: delegates.map((d) => ({ ...d, name: delegateRows.find((row) => row.id === d.agentId)?.name ?? null })),
    recent: recent.map((decision) => ({ ...decision, enforcementPointName: epRows.find((row) => row.id === decision.enforcementPointId)?.name ?? null })),
  };
}
export type DeclaredVsObserved = Awaited<ReturnType<typeof declaredVsObserved>>;
