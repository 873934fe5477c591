import { eq, inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { delegatesOf, observeAgent, recentDecisionsOf, type ActionUsage } from "@/db/activity";
import { getAgentOrThrow, identitiesOf } from "@/db/agents";
import { agentIdentities, agents, enforcementPoints } from "@/db/schema";
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

/** Resolves refs as enforcement points send them (agent ids, aliases) to inventory agents where known. */
async function resolveRefs(db: Awaited<ReturnType<typeof getDb>>, refs: string[]) {
  if (!refs.length) return new Map<string, { id: string; name: string }>();
  const byIdentity = await db
    .select({ value: agentIdentities.value, id: agents.id, name: agents.name })
    .from(agentIdentities)
    .innerJoin(agents, eq(agents.id, agentIdentities.agentId))
    .where(inArray(agentIdentities.value, refs));
  const byId = await db.select({ id: agents.id, name: agents.name }).from(agents).where(inArray(agents.id, refs));
  const out = new Map<string, { id: string; name: string }>();
  for (const row of byId) out.set(row.id, row);
  for (const row of byIdentity) out.set(row.value, { id: row.id, name: row.name });
  return out;
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
    resolveRefs(db, delegators.map((d) => d.ref)),
    endpoints.length ? db.select({ id: enforcementPoints.id, name: enforcementPoints.name }).from(enforcementPoints).where(inArray(enforcementPoints.id, endpoints.map((e) => e.enforcementPointId))) : [],
    delegates.length ? db.select({ id: agents.id, name: agents.name }).from(agents).where(inArray(agents.id, delegates.map((d) => d.agentId))) : [],
  ]);
  return {
    windowDays: settings.observationWindowDays,
    ...scope,
    lastSeenAt: usage.reduce<Date | null>((latest, u) => (!latest || u.lastAt > latest ? u.lastAt : latest), null) ?? agent.lastSeenAt,
    endpoints: endpoints.map((e) => ({ ...e, name: epRows.find((row) => row.id === e.enforcementPointId)?.name ?? null })),
    delegatedBy: delegators.map((d) => ({ ...d, agent: refMap.get(d.ref) ?? null })),
    delegatesTo: delegates.map((d) => ({ ...d, name: delegateRows.find((row) => row.id === d.agentId)?.name ?? null })),
    recent,
  };
}
export type DeclaredVsObserved = Awaited<ReturnType<typeof declaredVsObserved>>;
