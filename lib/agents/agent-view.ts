import type { Executor } from "@/db/client";
import { enrichedAgentsByIds, type AgentRow, type EnrichedAgentRow } from "@/db/agents";
import type { AgentView } from "./schemas";

type Person = AgentView["owner"];
const personOrNull = (person: { id: string | null; name: string | null; email: string | null; active: boolean | null } | null): Person =>
  person?.id ? { id: person.id, name: person.name ?? "", email: person.email ?? "", active: person.active ?? false } : null;

export function enrichedToView({ agent: row, owner, backupOwner, team, identities, openFindings }: EnrichedAgentRow): AgentView {
  return {
    id: row.id,
    externalId: row.externalId,
    name: row.name,
    description: row.description,
    environment: row.environment,
    status: row.status,
    owner: personOrNull(owner),
    backupOwner: personOrNull(backupOwner),
    team: team?.id ? { id: team.id, name: team.name ?? "" } : null,
    inTeamQueue: row.inTeamQueue,
    modelProvider: row.modelProvider,
    framework: row.framework,
    declaredActions: row.declaredActions,
    declaredResourceTypes: row.declaredResourceTypes,
    credentialKind: row.credentialKind,
    credentialMaxLifetimeSeconds: row.credentialMaxLifetimeSeconds,
    credentialLastRotatedAt: row.credentialLastRotatedAt,
    dataSensitivity: row.dataSensitivity,
    riskTier: row.riskOverrideTier ?? row.riskTier,
    computedRiskTier: row.riskTier,
    riskReasons: row.riskReasons,
    riskOverride: row.riskOverrideTier ? { tier: row.riskOverrideTier, justification: row.riskOverrideJustification ?? "" } : null,
    identities,
    openFindings,
    lastAttestedAt: row.lastAttestedAt,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Rows → views in one round trip whatever the count, in the rows' order. */
export async function toAgentViews(db: Executor, rows: AgentRow[]): Promise<AgentView[]> {
  const enriched = new Map((await enrichedAgentsByIds(db, rows.map((row) => row.id))).map((row) => [row.agent.id, row]));
  return rows.map((row) => enrichedToView(enriched.get(row.id)!));
}

export async function toAgentView(db: Executor, row: AgentRow): Promise<AgentView> {
  const [view] = await toAgentViews(db, [row]);
  return view!;
}
