import type { Tx } from "@/db/client";
import { actionUsageOf } from "@/db/activity";
import { findIdentityConflict, getAgentByExternalId, insertAgentRow, replaceIdentities, updateAgentRow, type AgentInsert, type AgentRow } from "@/db/agents";
import { getPersonOrThrow, getTeamOrThrow } from "@/db/people";
import { getSettings, type Settings } from "../settings/settings";
import { isUniqueViolation, StewardError } from "../errors";
import { newId } from "../ids";
import { computeRisk } from "./risk";
import type { CreateAgentInput, UpdateAgentInput } from "./schemas";

/** Checks the references and uniqueness rules every write path shares. */
async function validateAgentChange(tx: Tx, agentId: string | null, data: UpdateAgentInput, merged: { ownerId: string | null; backupOwnerId: string | null }) {
  if (data.ownerId) await getPersonOrThrow(tx, data.ownerId, "ownerId");
  if (data.backupOwnerId) await getPersonOrThrow(tx, data.backupOwnerId, "backupOwnerId");
  if (data.teamId) await getTeamOrThrow(tx, data.teamId, "teamId");
  if (merged.ownerId && merged.ownerId === merged.backupOwnerId) {
    throw new StewardError("invalid_input", "The backup owner must be someone other than the owner", { path: "backupOwnerId" });
  }
  if (data.externalId) {
    const existing = await getAgentByExternalId(tx, data.externalId);
    if (existing && existing.id !== agentId) throw new StewardError("conflict", `External id ${data.externalId} already belongs to agent ${existing.id}`, { path: "externalId" });
  }
  if (data.identities) {
    const seen = new Set<string>();
    for (const [index, identity] of data.identities.entries()) {
      const key = `${identity.kind}:${identity.value}`;
      if (seen.has(key)) throw new StewardError("invalid_input", `Identity ${key} is listed twice`, { path: `identities[${index}]` });
      seen.add(key);
    }
    const conflict = await findIdentityConflict(tx, agentId, data.identities);
    if (conflict) {
      throw new StewardError("conflict", `Identity ${conflict.kind} "${conflict.value}" already belongs to agent ${conflict.agentId}`, { path: "identities" });
    }
  }
}

/** Recomputes the computed risk tier from the row and what the agent did in the observation window. */
export async function riskFor(tx: Tx, row: AgentRow, settings: Settings) {
  const since = new Date(Date.now() - settings.observationWindowDays * 86_400_000);
  const usage = await actionUsageOf(tx, row.id, since);
  const declared = new Set(row.declaredActions);
  const outOfScope = row.status === "discovered" ? 0 : new Set(usage.filter((u) => !declared.has(u.actionName)).map((u) => u.actionName)).size;
  const denies = usage.reduce((sum, u) => sum + u.denies, 0);
  const decisions = usage.reduce((sum, u) => sum + u.allows + u.denies + u.others, 0);
  return computeRisk({ ...row, outOfScopeActions: outOfScope, denies, decisions }, settings.maxCredentialLifetimeSeconds);
}

async function withRisk(tx: Tx, row: AgentRow): Promise<AgentRow> {
  const { tier, reasons } = await riskFor(tx, row, await getSettings(tx));
  if (tier === row.riskTier && JSON.stringify(reasons) === JSON.stringify(row.riskReasons)) return row;
  return updateAgentRow(tx, row.id, { riskTier: tier, riskReasons: reasons });
}

/**
 * Writes the identities; one that another agent took after validateAgentChange looked (an EP's
 * decision discovering that SPIFFE ID at the same moment) is the same conflict, at the same field.
 */
async function saveIdentities(tx: Tx, agentId: string, identities: UpdateAgentInput["identities"] & object) {
  try {
    await replaceIdentities(tx, agentId, identities);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new StewardError("conflict", "One of these identities was just registered on another agent (a discovered one, for an identity an enforcement point reported); open that agent instead", { path: "identities", cause: error });
  }
}

function columnsOf(data: UpdateAgentInput) {
  const { identities: _identities, ...columns } = data;
  return Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined)) as Partial<AgentInsert>;
}

export async function insertAgent(tx: Tx, data: CreateAgentInput): Promise<AgentRow> {
  await validateAgentChange(tx, null, data, { ownerId: data.ownerId ?? null, backupOwnerId: data.backupOwnerId ?? null });
  const row = await insertAgentRow(tx, { ...columnsOf(data), id: newId("agt"), name: data.name, status: data.status ?? "active" });
  if (data.identities) await saveIdentities(tx, row.id, data.identities);
  return withRisk(tx, row);
}

export async function patchAgent(tx: Tx, before: AgentRow, data: UpdateAgentInput): Promise<AgentRow> {
  const merged = { ownerId: data.ownerId !== undefined ? data.ownerId : before.ownerId, backupOwnerId: data.backupOwnerId !== undefined ? data.backupOwnerId : before.backupOwnerId };
  await validateAgentChange(tx, before.id, data, { ownerId: merged.ownerId ?? null, backupOwnerId: merged.backupOwnerId ?? null });
  const columns = columnsOf(data);
  // A named owner takes the agent out of its team's queue.
  if (data.ownerId) columns.inTeamQueue = false;
  const row = await updateAgentRow(tx, before.id, { ...columns, updatedAt: new Date() });
  if (data.identities) await saveIdentities(tx, before.id, data.identities);
  return withRisk(tx, row);
}
