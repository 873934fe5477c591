import { z } from "zod";

/**
 * The inventory snapshot the PDP derives entities from: teams, people, agents and the agents'
 * alternative identifiers. Pure data (no database types), so an edge PDP receives exactly what the
 * console uses inside the policy bundle (`GET /api/v1/policies/bundle`, field `inventory`).
 */
export const InventorySnapshot = z.object({
  teams: z.array(z.object({ id: z.string(), name: z.string() })),
  people: z.array(z.object({ id: z.string(), name: z.string(), email: z.string(), teamId: z.string().nullable(), active: z.boolean() })),
  agents: z.array(
    z.object({
      id: z.string(),
      externalId: z.string().nullable(),
      name: z.string(),
      environment: z.string().nullable(),
      status: z.string(),
      ownerId: z.string().nullable(),
      teamId: z.string().nullable(),
      declaredActions: z.array(z.string()),
      declaredResourceTypes: z.array(z.string()),
      credentialKind: z.string().nullable(),
      dataSensitivity: z.string().nullable(),
      riskTier: z.string(),
      riskOverrideTier: z.string().nullable(),
    }),
  ),
  /** Alternative identifiers (SPIFFE id, OAuth client id, …) → the agent's Steward id. */
  identities: z.array(z.object({ value: z.string(), agentId: z.string() })),
});
export type Inventory = z.infer<typeof InventorySnapshot>;

export const EMPTY_INVENTORY: Inventory = { teams: [], people: [], agents: [], identities: [] };
