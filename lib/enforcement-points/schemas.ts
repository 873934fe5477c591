import { z } from "zod";
import { ENFORCEMENT_POINT_KINDS } from "@/db/enums";
import { sortParam } from "../http/query";

export const EnforcementPointKind = z.enum(ENFORCEMENT_POINT_KINDS);

/**
 * The audiences an EP serves: RFC 8707 resource URIs — for a Steward Gateway its public URL, the
 * `resource` its agents name in their token exchange (e.g. https://gateway.internal) — at most 20.
 * A form sends them one per line.
 */
export const Audiences = z.preprocess(
  (value) => (typeof value === "string" ? value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean) : value),
  z
    .array(z.string().trim().max(2000, "Use at most 2000 characters per audience").url({ error: (issue) => `${String(issue.input)} is not an absolute URI: give the resource URI as agents name it in their token exchange (a Steward Gateway's public URL, e.g. https://gateway.internal)` }))
    .max(20, "At most 20 audiences")
    .transform((audiences) => [...new Set(audiences)]),
);

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
  audiences: Audiences.default([]).describe("The resource URIs (RFC 8707) it serves, e.g. a gateway's public URL as its agents name it in their token exchange; secrets are released to it, and introspection confirms tokens to it, only for task tokens issued for one of them"),
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
export const OTLP_PRESETS = ["auto", "agentgateway", "semconv"] as const;

/** An OTLP attribute key: a log record's attribute, or `resource.<key>` for a resource attribute. */
const AttributeKey = z
  .string()
  .trim()
  .max(200)
  .regex(/^$|^[A-Za-z0-9_.:/-]+$/, "Use an attribute key such as jwt.sub, or resource.service.name")
  .default("");

const PathTemplates = z
  .string()
  .max(10_000)
  .default("")
  .refine((text) => text.split(/\r?\n/).filter((line) => line.trim()).every((line) => /^\/[^\s?#]*$/.test(line.trim())), "One path template per line, each starting with / and without query, e.g. /api/orders/{id}")
  .refine((text) => text.split(/\r?\n/).filter((line) => line.trim()).length <= 100, "At most 100 path templates");

/**
 * Where this EP's events carry agent, action, resource and verdict. The OPA paths read an OPA
 * decision-log event (`input…`/`result…`); the `otlp*` keys name OTLP log-record attributes.
 * Empty means "use the preset's detection" (documented order in docs/ingest.md).
 */
export const OpaMapping = z.object({
  preset: z.enum(OPA_PRESETS).default("auto").describe("auto detects a boolean result, {allow}/{allowed} and Envoy ext_authz input"),
  agent: JsonPath.describe("Where the acting agent's id lives"),
  action: JsonPath.describe("Where the action or tool name lives"),
  resourceType: JsonPath,
  resourceId: JsonPath,
  outcome: JsonPath.describe("A boolean (true = allow) or one of allow/deny/approval_required/error"),
  agentHeader: z
    .string()
    .trim()
    .toLowerCase()
    .max(100)
    .regex(/^$|^[a-z0-9!#$%&'*+.^_`|~-]+$/, "Use an HTTP header name, e.g. x-agent-id")
    .default("")
    .describe("Envoy: the request header naming the agent when there is no mTLS principal"),
  agentClaim: z
    .string()
    .trim()
    .max(100)
    .regex(/^$|^[A-Za-z0-9_.:-]+$/, "Use a claim name, e.g. sub or client_id")
    .default("")
    .describe("Envoy: the JWT claim (from jwt_authn's verified payload) naming the agent when there is no mTLS principal"),
  pathTemplates: PathTemplates.describe("Envoy: HTTP path templates, one a line (/api/orders/{id}); an action names the template, not the concrete path"),
  otlpPreset: z.enum(OTLP_PRESETS).default("auto").describe("OTLP logs: agentgateway's fields, the MCP/GenAI semantic conventions, or auto (both)"),
  otlpAgent: AttributeKey.describe("OTLP: the attribute holding the acting agent"),
  otlpAction: AttributeKey,
  otlpResourceType: AttributeKey,
  otlpResourceId: AttributeKey,
  otlpOutcome: AttributeKey.describe("OTLP: a boolean, allow/deny/…, or an HTTP status"),
});
export type OpaMapping = z.infer<typeof OpaMapping>;
export const UpdateOpaMappingInput = EnforcementPointIdInput.extend({ mapping: OpaMapping });
export const AudiencesBody = z.object({ audiences: Audiences.describe("The resource URIs (RFC 8707) this EP serves; secrets are released to it, and introspection confirms tokens to it, only for task tokens issued for one of them") });
export const UpdateAudiencesInput = EnforcementPointIdInput.extend({ audiences: Audiences });


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
  skippedRecords: z.number().int().describe("OTLP log records received that described no decision: counted, not stored"),
  opaMapping: OpaMapping,
  audiences: z.array(z.string()).describe("The resource URIs it serves; secrets are released to it, and introspection confirms tokens to it, only for task tokens issued for one of them"),
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

/** GET /api/v1/enforcement-points and the page: the order (name, kind, status: enabled first, lastSeen: never seen first). */
export const ListEnforcementPointsQuery = z.object({ sort: sortParam(["name", "kind", "status", "lastSeen"], "name") });
export type ListEnforcementPointsQuery = z.infer<typeof ListEnforcementPointsQuery>;
