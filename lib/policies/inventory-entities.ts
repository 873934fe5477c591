import type { Inventory } from "./inventory";
import type { CedarEntity } from "./cedar";

const STATIC_CREDENTIALS = new Set(["static_api_key", "shared_secret"]);

/**
 * The tier the inventory shows for the agent: a person's override, else the computed one
 * (lib/agents/risk.ts). An agent nobody registered ("discovered") declared nothing its computed
 * tier could rest on, so policies see "unknown" unless someone set an override.
 */
function riskTierOf(agent: Inventory["agents"][number]): string {
  if (agent.riskOverrideTier) return agent.riskOverrideTier;
  return agent.status === "discovered" ? "unknown" : agent.riskTier;
}

/** Agents, people and teams as Cedar entities of the given namespace. */
export function inventoryEntities(inventory: Inventory, namespace: string): { entities: CedarEntity[]; agentAliases: Map<string, string> } {
  const type = (name: string) => (namespace ? `${namespace}::${name}` : name);
  const entities: CedarEntity[] = [];
  for (const team of inventory.teams) entities.push({ uid: { type: type("Team"), id: team.id }, attrs: { name: team.name }, parents: [] });
  for (const person of inventory.people) {
    entities.push({
      uid: { type: type("Person"), id: person.id },
      attrs: { name: person.name, email: person.email, active: person.active },
      parents: person.teamId ? [{ type: type("Team"), id: person.teamId }] : [],
    });
  }
  const agentAliases = new Map<string, string>();
  for (const agent of inventory.agents) {
    agentAliases.set(agent.id, agent.id);
    if (agent.externalId) agentAliases.set(agent.externalId, agent.id);
    entities.push({
      uid: { type: type("Agent"), id: agent.id },
      attrs: {
        name: agent.name,
        status: agent.status,
        environment: agent.environment ?? "unknown",
        riskTier: riskTierOf(agent),
        hasOwner: agent.ownerId !== null,
        ...(agent.ownerId ? { owner: { __entity: { type: type("Person"), id: agent.ownerId } } } : {}),
        credentialKind: agent.credentialKind ?? "unknown",
        staticCredential: STATIC_CREDENTIALS.has(agent.credentialKind ?? ""),
        dataSensitivity: agent.dataSensitivity ?? "unknown",
        declaredActions: agent.declaredActions,
        declaredResourceTypes: agent.declaredResourceTypes,
      },
      parents: agent.teamId ? [{ type: type("Team"), id: agent.teamId }] : [],
    });
  }
  for (const identity of inventory.identities) agentAliases.set(identity.value, identity.agentId);
  return { entities, agentAliases };
}
