import { z } from "zod";
import { AGENT_STATUSES, CREDENTIAL_KINDS, DATA_SENSITIVITIES, ENVIRONMENTS, FINDING_KINDS, IDENTITY_KINDS, RISK_TIERS } from "@/db/enums";

const name = z.string().trim().min(1, "Enter a name").max(200, "Use at most 200 characters");
const optionalId = z.string().trim().min(1).max(100).nullable().optional();
const actionList = z.array(z.string().trim().min(1, "Empty entries are not allowed").max(200)).max(500).describe("Action or tool names");

export const AgentIdentity = z.object({
  kind: z.enum(IDENTITY_KINDS).describe("agent_id (as enforcement points send it), spiffe_id, client_id (OAuth) or alias"),
  value: z.string().trim().min(1, "Enter the identity value").max(500),
});
export type AgentIdentity = z.infer<typeof AgentIdentity>;

/** Everything a person may set on an agent. Risk tier is computed, never set directly. */
export const AgentFields = z.object({
  externalId: z.string().trim().min(1).max(200).nullable().optional().describe("Stable id from infrastructure-as-code"),
  name,
  description: z.string().trim().max(4000).optional(),
  environment: z.enum(ENVIRONMENTS).nullable().optional(),
  status: z.enum(AGENT_STATUSES).optional(),
  ownerId: optionalId.describe("Person id (per_…)"),
  backupOwnerId: optionalId.describe("Person id (per_…)"),
  teamId: optionalId.describe("Team id (team_…)"),
  modelProvider: z.string().trim().max(200).optional(),
  framework: z.string().trim().max(200).optional(),
  declaredActions: actionList.optional(),
  declaredResourceTypes: actionList.describe("Resource types the agent declares it works on").optional(),
  credentialKind: z.enum(CREDENTIAL_KINDS).nullable().optional(),
  credentialMaxLifetimeSeconds: z.number().int().min(1).max(10 * 365 * 86_400).nullable().optional(),
  credentialLastRotatedAt: z.coerce.date().nullable().optional(),
  dataSensitivity: z.enum(DATA_SENSITIVITIES).nullable().optional(),
  identities: z.array(AgentIdentity).max(50).optional().describe("Identities that match this agent in decisions; each unique across agents"),
});
export const CreateAgentInput = AgentFields;
export type CreateAgentInput = z.infer<typeof CreateAgentInput>;
export const UpdateAgentInput = AgentFields.partial();
export type UpdateAgentInput = z.infer<typeof UpdateAgentInput>;

export const UpsertAgentBody = AgentFields.omit({ externalId: true });

export const AgentIds = z.array(z.string().trim().min(1)).min(1, "Select at least one agent").max(1000, "At most 1000 agents at once");

export const AssignOwnershipInput = z
  .object({
    agentIds: AgentIds,
    ownerId: optionalId,
    backupOwnerId: optionalId,
    teamId: optionalId,
  })
  .refine((v) => v.ownerId !== undefined || v.backupOwnerId !== undefined || v.teamId !== undefined, { message: "Choose an owner, backup owner or team to assign", path: ["ownerId"] });
export type AssignOwnershipInput = z.infer<typeof AssignOwnershipInput>;

export const ChangeStatusInput = z.object({ agentIds: AgentIds, status: z.enum(AGENT_STATUSES) });
export const OverrideRiskInput = z.object({
  agentId: z.string().min(1),
  tier: z.enum(RISK_TIERS).nullable().describe("null clears the override"),
  justification: z.string().trim().max(2000).default(""),
});

const csvList = z.preprocess((v) => (typeof v === "string" && v !== "" ? [v] : v), z.array(z.string()).optional());

/** URL params are lenient: a bad value falls back rather than failing the page. */
export const ListAgentsQuery = z.object({
  q: z.string().trim().max(200).optional().catch(undefined).describe("Search name, description, id and identities"),
  ownerId: z.string().optional().catch(undefined).describe("Person id, or `none` for agents without an owner"),
  teamId: z.string().optional().catch(undefined),
  status: z.enum(AGENT_STATUSES).optional().catch(undefined),
  environment: z.enum(ENVIRONMENTS).optional().catch(undefined),
  risk: z.enum(RISK_TIERS).optional().catch(undefined).describe("Effective risk tier"),
  finding: z.enum(FINDING_KINDS).optional().catch(undefined).describe("Agents with an open finding of this kind"),
  sort: z.enum(["name", "-name", "risk", "-risk", "lastSeen", "-lastSeen", "created", "-created"]).default("name").catch("name"),
  limit: z.coerce.number().int().min(1).max(500).default(50).catch(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0).catch(0),
  ids: csvList.catch(undefined),
});
export type ListAgentsQuery = z.infer<typeof ListAgentsQuery>;

export const AgentView = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  name: z.string(),
  description: z.string(),
  environment: z.enum(ENVIRONMENTS).nullable(),
  status: z.enum(AGENT_STATUSES),
  owner: z.object({ id: z.string(), name: z.string(), email: z.string(), active: z.boolean() }).nullable(),
  backupOwner: z.object({ id: z.string(), name: z.string(), email: z.string(), active: z.boolean() }).nullable(),
  team: z.object({ id: z.string(), name: z.string() }).nullable(),
  inTeamQueue: z.boolean(),
  modelProvider: z.string(),
  framework: z.string(),
  declaredActions: z.array(z.string()),
  declaredResourceTypes: z.array(z.string()),
  credentialKind: z.enum(CREDENTIAL_KINDS).nullable(),
  credentialMaxLifetimeSeconds: z.number().nullable(),
  credentialLastRotatedAt: z.date().nullable(),
  dataSensitivity: z.enum(DATA_SENSITIVITIES).nullable(),
  riskTier: z.enum(RISK_TIERS).describe("Effective tier: the override if set, else the computed one"),
  computedRiskTier: z.enum(RISK_TIERS),
  riskReasons: z.array(z.string()),
  riskOverride: z.object({ tier: z.enum(RISK_TIERS), justification: z.string() }).nullable(),
  identities: z.array(AgentIdentity),
  openFindings: z.array(z.enum(FINDING_KINDS)),
  lastAttestedAt: z.date().nullable(),
  firstSeenAt: z.date().nullable(),
  lastSeenAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type AgentView = z.infer<typeof AgentView>;

export const AgentPage = z.object({ items: z.array(AgentView), total: z.number(), limit: z.number(), offset: z.number() });
export type AgentPage = z.infer<typeof AgentPage>;
