import { z } from "zod";
import { AuthzenDecisionResponse, AuthzenEvaluationsRequest, AuthzenEvaluationsResponse, AuthzenRequest } from "../../policies/authzen";
import { PolicyBundle } from "../../policies/bundle";
import {
  BundleQuery,
  DiffQuery,
  ExplainInput,
  FormatPolicyInput,
  ListPolicyVersionsQuery,
  PublishInput,
  RollbackInput,
  SavePolicyInput,
  SaveTestInput,
  StartReplayInput,
  UpdateEntitiesInput,
  UpdateSchemaInput,
  ValidatePolicyInput,
} from "../../policies/schemas";
import type { ApiOperation } from "../operation";

const Diagnostic = z.object({
  severity: z.enum(["error", "warning"]),
  message: z.string(),
  line: z.number().describe("1-based line in the policy text"),
  column: z.number().describe("1-based column"),
  endLine: z.number(),
  endColumn: z.number(),
  source: z.string().describe("The policy id, or schema / entities"),
});
const Validation = z.object({ valid: z.boolean(), diagnostics: z.array(Diagnostic) });
const PolicyDoc = z.object({ id: z.string(), description: z.string(), owner: z.string(), frameworkTags: z.array(z.string()), source: z.string() });
const Version = z.object({ id: z.string(), revision: z.number(), message: z.string(), authorLabel: z.string(), contentHash: z.string(), rolledBackFrom: z.number().nullable(), createdAt: z.string() });
const Bundle = PolicyBundle.describe("Self-sufficient for an edge PDP: engineFromBundle(bundle) in lib/policies/bundle-engine.ts decides exactly as the console does");
const precondition = { 412: { description: "Blocked: a policy test fails, validation reports an error, or four-eyes approval is missing" } };

const AUTHZEN_MAPPING = `Mapping to Cedar (docs/policies.md): subject.type and resource.type go through the PDP's type tables (Settings; agent/identity/workload→Steward::Agent, user/person/human→Steward::Person, tool→Steward::Tool, resource/route/…→Steward::Resource); unmapped types are denied with a reason. subject.id resolves to one entity per identity (Steward id, external id, recorded identity; a person by id or e-mail); a claimed type contradicting the inventory is denied; subject.properties are never used (an unknown agent is a discovered one). action.name is the Cedar action when declared, else aliased (tools/call→call_tool, GET→read, POST/PUT/PATCH/DELETE→write, handoff→delegate), else call_tool only when the resource is a tool; anything else is denied. Derived context (actionName, hour, weekday, delegationDepth, approved, destructive, external, dataSensitivity, sensitivityLevel, taskPurpose, destination) cannot be set by the request; the caller's context is typed into context.request. A value that cannot be typed is a 400 naming the path. context.approved is never the caller's: approvals are proven with context.approval (see the Approvals operations). Each evaluation is recorded as a decision.`;

export const policyOperations: ApiOperation[] = [
  { method: "get", path: "/api/v1/policies", summary: "The draft policy set with validation, test results and review state", tag: "Policies", permission: "policies.read", auth: "user", responses: { 200: { description: "The draft" } } },
  { method: "post", path: "/api/v1/policies", summary: "Create a draft policy", tag: "Policies", permission: "policies.write", auth: "user", body: SavePolicyInput.omit({ id: true }), responses: { 201: { description: "Saved, with its validation", schema: z.object({ policy: PolicyDoc, validation: Validation }) } } },
  { method: "put", path: "/api/v1/policies/{id}", summary: "Replace a draft policy", tag: "Policies", permission: "policies.write", auth: "user", body: SavePolicyInput.omit({ id: true }), responses: { 200: { description: "Saved, with its validation", schema: z.object({ policy: PolicyDoc, validation: Validation }) }, 404: { description: "No such policy" } } },
  { method: "delete", path: "/api/v1/policies/{id}", summary: "Remove a policy from the draft", tag: "Policies", permission: "policies.write", auth: "user", responses: { 200: { description: "Removed" }, 404: { description: "No such policy" } } },
  { method: "post", path: "/api/v1/policies/validate", summary: "Validate one policy's text against the draft schema (diagnostics with line and column)", tag: "Policies", permission: "policies.read", auth: "user", body: ValidatePolicyInput, responses: { 200: { description: "Validation result", schema: Validation } } },
  { method: "post", path: "/api/v1/policies/format", summary: "Format Cedar text", tag: "Policies", permission: "policies.read", auth: "user", body: FormatPolicyInput, responses: { 200: { description: "Formatted text or diagnostics" } } },
  { method: "put", path: "/api/v1/policies/schema", summary: "Replace the draft's Cedar schema", tag: "Policies", permission: "policies.manage_schema", auth: "user", body: UpdateSchemaInput, responses: { 200: { description: "Saved, with its validation" } } },
  { method: "put", path: "/api/v1/policies/entities", summary: "Replace the admin-added entities (Cedar entity JSON, validated against the schema)", tag: "Policies", permission: "policies.manage_schema", auth: "user", body: UpdateEntitiesInput, responses: { 200: { description: "Saved", schema: z.object({ count: z.number() }) } } },
  { method: "post", path: "/api/v1/policies/tests", summary: "Add a policy test", tag: "Policies", permission: "policies.write", auth: "user", body: SaveTestInput.omit({ id: true }), responses: { 201: { description: "Saved" } } },
  { method: "put", path: "/api/v1/policies/tests/{id}", summary: "Replace a policy test", tag: "Policies", permission: "policies.write", auth: "user", body: SaveTestInput.omit({ id: true }), responses: { 200: { description: "Saved" } } },
  { method: "delete", path: "/api/v1/policies/tests/{id}", summary: "Remove a policy test", tag: "Policies", permission: "policies.write", auth: "user", responses: { 200: { description: "Removed" } } },
  { method: "post", path: "/api/v1/policies/approve", summary: "Approve the current draft (four-eyes: not one of its authors)", tag: "Policies", permission: "policies.approve", auth: "user", responses: { 200: { description: "Approved" }, ...precondition } },
  { method: "post", path: "/api/v1/policies/publish", summary: "Publish the draft as a new immutable version", tag: "Policies", permission: "policies.publish", auth: "user", body: PublishInput, responses: { 201: { description: "Published", schema: Version }, 409: { description: "The draft equals the latest version" }, ...precondition } },
  { method: "get", path: "/api/v1/policies/versions", summary: "Published versions, newest first unless ?sort= says otherwise", tag: "Policies", permission: "policies.read", auth: "user", query: ListPolicyVersionsQuery, responses: { 200: { description: "Versions", schema: z.object({ versions: z.array(Version) }) } } },
  { method: "get", path: "/api/v1/policies/versions/diff", summary: "Line diff between two revisions or the draft", tag: "Policies", permission: "policies.read", auth: "user", query: DiffQuery, responses: { 200: { description: "Diff" } } },
  { method: "post", path: "/api/v1/policies/versions/{revision}/approve", summary: "Four-eyes: approve rolling back to this revision (someone else then rolls back)", tag: "Policies", permission: "policies.approve", auth: "user", responses: { 201: { description: "Approved" } } },
  { method: "post", path: "/api/v1/policies/versions/{revision}/rollback", summary: "Publish an old version as a new one (and reset the draft to it)", tag: "Policies", permission: "policies.publish", auth: "user", body: RollbackInput.omit({ revision: true }), responses: { 201: { description: "Published", schema: Version }, ...precondition } },
  { method: "post", path: "/api/v1/policies/replays", summary: "Replay the draft against the last N recorded decisions carrying a request", tag: "Policies", permission: "policies.write", auth: "user", body: StartReplayInput, responses: { 202: { description: "Started; poll the job", schema: z.object({ id: z.string() }) }, ...precondition } },
  { method: "get", path: "/api/v1/policies/replays/{id}", summary: "A replay's progress and results", tag: "Policies", permission: "policies.read", auth: "user", responses: { 200: { description: "The job" } } },
  { method: "post", path: "/api/v1/policies/replays/{id}/cancel", summary: "Stop a replay after its current chunk", tag: "Policies", permission: "policies.write", auth: "user", responses: { 200: { description: "Cancelling" } } },
  { method: "get", path: "/api/v1/policies/stats", summary: "Per published policy: decisions determined in 7 and 30 days; never-matching and shadowed flags", tag: "Policies", permission: "policies.read", auth: "user", responses: { 200: { description: "Statistics" } } },
  { method: "post", path: "/api/v1/policies/explain", summary: "Evaluate a recorded decision's request now, under the current and a chosen version", tag: "Policies", permission: "policies.read", auth: "user", body: ExplainInput, responses: { 200: { description: "Decisions and determining policies" }, ...precondition } },
  {
    method: "get",
    path: "/api/v1/policies/bundle",
    summary: "The published policy set, schema, entities, inventory snapshot and PDP options, for enforcement points",
    description: "Send If-None-Match with the last ETag: 304 while nothing changed (revision, inventory, PDP settings). Long-poll: add ?wait=<seconds, at most 30> to hold the request until something changes or the wait ends (then 304).",
    tag: "Policies",
    permission: "policies.bundle",
    auth: "enforcement_point",
    query: BundleQuery,
    responses: { 200: { description: "The bundle", schema: Bundle }, 304: { description: "Unchanged since the ETag sent" }, 404: { description: "Nothing published yet" } },
  },
  {
    method: "post",
    path: "/access/v1/evaluation",
    summary: "OpenID AuthZEN 1.0 Access Evaluation",
    description: `Evaluates against the published Cedar policies with inventory and admin-added entities. Accepts an enforcement-point token or a personal API token (security engineers, admins). X-Request-ID is echoed. ${AUTHZEN_MAPPING}`,
    tag: "AuthZEN",
    permission: "policies.evaluate",
    auth: "enforcement_point",
    body: AuthzenRequest,
    responses: { 200: { description: "The decision", schema: AuthzenDecisionResponse }, 400: { description: "Malformed request: an error message string (text/plain)" } },
  },
  {
    method: "post",
    path: "/access/v1/evaluations",
    summary: "OpenID AuthZEN 1.0 Access Evaluations (boxcarred)",
    description: "Top-level subject/action/resource/context are defaults for each item of evaluations. options.evaluations_semantic: execute_all (default), deny_on_first_deny, permit_on_first_permit. Without evaluations it behaves as /access/v1/evaluation.",
    tag: "AuthZEN",
    permission: "policies.evaluate",
    auth: "enforcement_point",
    body: AuthzenEvaluationsRequest,
    responses: { 200: { description: "Decisions in request order (short-circuited semantics stop early)", schema: AuthzenEvaluationsResponse }, 400: { description: "Malformed request: an error message string (text/plain)" } },
  },
  {
    method: "get",
    path: "/.well-known/authzen-configuration",
    summary: "AuthZEN PDP metadata",
    tag: "AuthZEN",
    permission: "public",
    auth: "none",
    responses: { 200: { description: "Metadata", schema: z.object({ policy_decision_point: z.string(), access_evaluation_endpoint: z.string(), access_evaluations_endpoint: z.string() }) } },
  },
];
