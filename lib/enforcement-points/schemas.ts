import { z } from "zod";
import { ENFORCEMENT_POINT_KINDS } from "@/db/schema/decisions";

export const EnforcementPointKind = z.enum(ENFORCEMENT_POINT_KINDS);

export const RegisterEnforcementPointInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Name the enforcement point")
    .max(100, "Use at most 100 characters")
    .describe("Unique, human-readable name, e.g. payments-mcp-gateway"),
  kind: EnforcementPointKind.describe("What sort of enforcement point this is"),
  environment: z.string().trim().max(50).default("").describe("Where it runs, e.g. prod"),
  description: z.string().trim().max(1000).default(""),
});
export type RegisterEnforcementPointInput = z.infer<typeof RegisterEnforcementPointInput>;

export const EnforcementPointIdInput = z.object({ id: z.string().min(1, "Name the enforcement point") });

/** Longest grace an old token may keep working after a rotation. */
export const MAX_GRACE_HOURS = 168;
export const RotateTokenInput = EnforcementPointIdInput.extend({
  graceHours: z.coerce
    .number()
    .min(0, "The grace period cannot be negative")
    .max(MAX_GRACE_HOURS, `The grace period is at most ${MAX_GRACE_HOURS} hours`)
    .default(24)
    .describe("How long the old token keeps working; 0 ends it at once"),
});

export const RotateTokenBody = RotateTokenInput.omit({ id: true });

const JsonPath = z
  .string()
  .trim()
  .max(200)
  .regex(/^$|^(input|result)(\.[A-Za-z0-9_-]+)*$/, "Use a dotted path starting with input or result, e.g. input.subject.id")
  .default("");

export const OPA_PRESETS = ["auto", "boolean", "allow_object", "envoy"] as const;
export const OpaMapping = z.object({
  preset: z.enum(OPA_PRESETS).default("auto").describe("auto detects a boolean result, {allow} and Envoy ext_authz input"),
  agent: JsonPath.describe("Where the acting agent's id lives"),
  action: JsonPath.describe("Where the action or tool name lives"),
  resourceType: JsonPath,
  resourceId: JsonPath,
  outcome: JsonPath.describe("A boolean (true = allow) or one of allow/deny/approval_required/error"),
});
export type OpaMapping = z.infer<typeof OpaMapping>;
export const UpdateOpaMappingInput = EnforcementPointIdInput.extend({ mapping: OpaMapping });

export const EnforcementPointView = z.object({
  id: z.string(),
  name: z.string(),
  kind: EnforcementPointKind,
  environment: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  reportedPolicyRevision: z.string().nullable(),
  lastSeenAt: z.date().nullable(),
  lastRejectedAt: z.date().nullable(),
  lastRejectedReason: z.string().nullable(),
  opaMapping: OpaMapping,
  tokens: z.array(z.object({ id: z.string(), prefix: z.string(), createdAt: z.date(), expiresAt: z.date().nullable() })).describe("Live tokens (a rotated one lives until its grace expiry)"),
  createdAt: z.date(),
});
export type EnforcementPointView = z.infer<typeof EnforcementPointView>;

export const EnforcementPointWithStats = EnforcementPointView.extend({
  decisionsLastHour: z.number(),
  decisionsLastDay: z.number(),
});
export type EnforcementPointWithStats = z.infer<typeof EnforcementPointWithStats>;

export const IssuedTokenView = z.object({
  enforcementPoint: EnforcementPointView,
  token: z.string().describe("The ingest token. Shown once; only its hash is stored"),
  previousTokenExpiresAt: z.date().nullable().optional(),
});
