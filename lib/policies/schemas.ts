import { z } from "zod";
import { sortParam } from "../http/query";

export const PolicyId = z.string().regex(/^pol_[0-9a-z]{26}$/, "Expected a policy id like pol_…");
export const FrameworkTag = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9.:_-]{0,63}$/, "Framework tags are framework item ids like ASI02 or NHI7:2025");

const CedarSource = z.string().max(64 * 1024, "A policy is at most 64 KiB");

export const SavePolicyInput = z.object({
  id: PolicyId.optional().describe("Omit to create a new policy"),
  description: z.string().trim().max(2000).default(""),
  owner: z.string().trim().max(200).default(""),
  frameworkTags: z
    .union([z.array(FrameworkTag), z.string().transform((text) => text.split(",").map((tag) => tag.trim()).filter(Boolean))])
    .pipe(z.array(FrameworkTag).max(50))
    .default([]),
  source: CedarSource,
});
export type SavePolicyInput = z.infer<typeof SavePolicyInput>;

export const PolicyIdInput = z.object({ id: PolicyId });

export const ValidatePolicyInput = z.object({
  policyId: z.string().max(64).default("policy").describe("The id the diagnostics refer to"),
  source: CedarSource,
});

export const FormatPolicyInput = z.object({ source: CedarSource });

export const UpdateSchemaInput = z.object({ schemaText: z.string().min(1, "The schema cannot be empty").max(256 * 1024) });

const EntityUid = z.object({ type: z.string().min(1), id: z.string() });
export const CedarEntityJson = z.object({
  uid: z.union([EntityUid, z.object({ __entity: EntityUid })]),
  attrs: z.record(z.string(), z.unknown()).default({}),
  parents: z.array(z.union([EntityUid, z.object({ __entity: EntityUid })])).default([]),
  tags: z.record(z.string(), z.unknown()).optional(),
});
export const UpdateEntitiesInput = z.object({ entities: z.array(CedarEntityJson).max(100_000) });

const CedarRequestShape = z.object({
  principal: EntityUid,
  action: EntityUid,
  resource: EntityUid,
  context: z.record(z.string(), z.unknown()).default({}),
});

export const SaveTestInput = z.object({
  id: z.string().regex(/^ptst_[0-9a-z]{26}$/, "Expected a test id like ptst_…").optional(),
  name: z.string().trim().min(1, "Name the test after the behaviour it pins down").max(200),
  request: CedarRequestShape,
  entities: z.array(CedarEntityJson).max(1000).default([]),
  expectedDecision: z.enum(["allow", "deny"]),
  expectedPolicies: z.array(z.string()).nullable().default(null).describe("When given, the determining policies must be exactly these"),
});
export const TestIdInput = z.object({ id: z.string().min(1) });

export const PublishInput = z.object({ message: z.string().trim().min(1, "Say what this version changes").max(2000) });
export const RollbackInput = z.object({ revision: z.coerce.number().int().min(1), message: z.string().trim().max(2000).optional() });

export const DiffQuery = z.object({
  from: z.string().regex(/^(\d+|draft)$/, "A revision number or draft"),
  to: z.string().regex(/^(\d+|draft)$/, "A revision number or draft"),
});

/** GET /api/v1/policies/versions and the studio's Versions table (/policies?tab=review): by revision (default newest first), published, author or message. */
export const ListPolicyVersionsQuery = z.object({ sort: sortParam(["revision", "published", "author", "message"], "-revision") });
export type ListPolicyVersionsQuery = z.infer<typeof ListPolicyVersionsQuery>;

export const StartReplayInput = z.object({
  limit: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  agentId: z.string().trim().min(1).optional(),
  enforcementPointId: z.string().trim().min(1).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type StartReplayInput = z.infer<typeof StartReplayInput>;

export const ExplainInput = z.object({
  enforcementPointId: z.string().min(1),
  decisionId: z.string().min(1),
  revision: z.coerce.number().int().min(1).optional().describe("A published revision to compare with the current one"),
});

export const ReplayIdInput = z.object({ id: z.string().regex(/^rpl_[0-9a-z]{26}$/, "Expected a replay id like rpl_…") });

/** The longest a bundle request may wait for a change (seconds). */
export const BUNDLE_MAX_WAIT_SECONDS = 30;
/** GET /api/v1/policies/bundle's query: `wait` seconds to hold the request for a change (long-poll). */
export const BundleQuery = z.object({ wait: z.coerce.number().int("wait must be whole seconds").min(0).max(BUNDLE_MAX_WAIT_SECONDS, `wait is at most ${BUNDLE_MAX_WAIT_SECONDS} seconds`).optional() });
