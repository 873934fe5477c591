import type { Executor } from "@/db/client";
import { loadAgentRelations, type AgentRow } from "@/db/agents";
import type { PersonRow } from "@/db/people";
import type { AgentView } from "./schemas";

const personRef = (person: PersonRow | undefined) => (person ? { id: person.id, name: person.name, email: person.email, active: person.active } : null);

/** Rows → views with owner, team, identities and open findings, in two round trips whatever the count. */
export async function toAgentViews(db: Executor, rows: AgentRow[]): Promise<AgentView[]> {
  const { peopleMap, teamMap, identityRows, findingRows } = await loadAgentRelations(db, rows);
  return rows.map((row) => ({
    id: row.id,
    externalId: row.externalId,
    name: row.name,
    description: row.description,
    environment: row.environment,
    status: row.status,
    owner: personRef(row.ownerId ? peopleMap.get(row.ownerId) : undefined),
    backupOwner: personRef(row.backupOwnerId ? peopleMap.get(row.backupOwnerId) : undefined),
    team: row.teamId && teamMap.get(row.teamId) ? { id: row.teamId, name: teamMap.get(row.teamId)!.name } : null,
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
    identities: identityRows.filter((identity) => identity.agentId === row.id).map(({ kind, value }) => ({ kind, value })),
    openFindings: findingRows.filter((finding) => finding.agentId === row.id).map((finding) => finding.kind),
    lastAttestedAt: row.lastAttestedAt,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }));
}

export async function toAgentView(db: Executor, row: AgentRow): Promise<AgentView> {
  const [view] = await toAgentViews(db, [row]);
  return view!;
}
