import { z } from "zod";
import { AGENT_STATUSES, RISK_TIERS } from "@/db/enums";
import { AgentIdentity } from "./schemas";

/**
 * Browser forms send strings: "" means "leave as is" for optional selects, "none" clears a value,
 * and lists come one per line or comma-separated.
 */
const optionalRef = z.preprocess((v) => (v === "" || v === undefined ? undefined : v === "none" ? null : v), z.string().min(1).nullable().optional());
const lines = z.preprocess(
  (v) =>
    typeof v === "string"
      ? v
          .split(/[\n,]/)
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(z.string()),
);
const blankToNull = (v: unknown) => (v === "" ? null : v);

export const AssignOwnershipForm = z.object({
  agentIds: z.preprocess((v) => (typeof v === "string" ? [v] : (v ?? [])), z.array(z.string())),
  ownerId: optionalRef,
  backupOwnerId: optionalRef,
  teamId: optionalRef,
});

export const ChangeStatusForm = z.object({
  agentIds: z.preprocess((v) => (typeof v === "string" ? [v] : (v ?? [])), z.array(z.string())),
  status: z.enum(AGENT_STATUSES, { error: "Choose a status" }),
});

export const OverrideRiskForm = z.object({
  agentId: z.string().min(1),
  tier: z.preprocess(blankToNull, z.enum(RISK_TIERS).nullable()),
  justification: z.string().default(""),
});

export const ScopeForm = z.object({ agentId: z.string().min(1), declaredActions: lines, declaredResourceTypes: lines });

const identityLines = z.preprocess(
  (v) =>
    typeof v === "string"
      ? v
          .split("\n")
          .map((line) => line.trim())
          .filter(Boolean)
          .map((line) => {
            const colon = line.indexOf(":");
            return colon > 0 ? { kind: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() } : { kind: "agent_id", value: line };
          })
      : v,
  z.array(AgentIdentity),
);

export const CreateAgentForm = z.object({
  name: z.string(),
  description: z.string().optional(),
  environment: z.preprocess(blankToNull, z.string().nullable()),
  status: z.string().default("active"),
  ownerId: z.preprocess(blankToNull, z.string().nullable()),
  backupOwnerId: z.preprocess(blankToNull, z.string().nullable()),
  teamId: z.preprocess(blankToNull, z.string().nullable()),
  modelProvider: z.string().optional(),
  framework: z.string().optional(),
  declaredActions: lines,
  declaredResourceTypes: lines,
  credentialKind: z.preprocess(blankToNull, z.string().nullable()),
  credentialMaxLifetimeSeconds: z.preprocess((v) => (v === "" || v === undefined ? null : Number(v)), z.number().nullable()),
  dataSensitivity: z.preprocess(blankToNull, z.string().nullable()),
  identities: identityLines,
});

/**
 * The agent's own facts, edited on its page: name, description, environment, credential posture
 * (kind, longest lifetime in seconds) and data sensitivity. A blank select clears the value.
 */
export const AgentDetailsForm = z.object({
  agentId: z.string().min(1),
  name: z.string(),
  description: z.string().default(""),
  environment: z.preprocess(blankToNull, z.string().nullable()),
  credentialKind: z.preprocess(blankToNull, z.string().nullable()),
  credentialMaxLifetimeSeconds: z.preprocess((v) => (v === "" || v === undefined ? null : Number(v)), z.number().nullable()),
  dataSensitivity: z.preprocess(blankToNull, z.string().nullable()),
});
