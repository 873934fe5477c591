import { z } from "zod";
import { AccessRequestSubmission, DecideInput } from "../../approvals/access-requests";
import { InboxQuery } from "../../approvals/inbox";
import { CreateWebhookInput } from "../../approvals/notify";
import type { ApiOperation } from "../operation";

const TaskHandle = z.object({
  task: z.object({
    id: z.string().describe("arq_…, opaque and unguessable"),
    status: z.enum(["pending", "approved", "denied", "expired", "cancelled"]).describe("pending → approved | denied | expired | cancelled, exactly once"),
    status_endpoint: z.string(),
    expires_at: z.string().describe("RFC 3339; a request still pending then expires (the call stays denied)"),
    held_until: z.string().optional().describe("RFC 3339; present when the submission said until when its PEP holds the call open (held_until), at most expires_at"),
    links: z.record(z.string(), z.string()).describe("cancel, review"),
    progress: z.object({ awaiting: z.array(z.string()), current_step: z.number(), total_steps: z.number() }).optional(),
  }),
  result: z
    .object({
      mode: z.literal("reevaluate"),
      approval: z.object({ id: z.string().describe("apr_…; put this object at context.approval when evaluating again"), approved_at: z.string(), approved_until: z.string() }),
    })
    .optional()
    .describe("Present when approved"),
  callback: z.object({ secret: z.string().describe("whsec_… Standard Webhooks secret to verify callbacks for this task") }).optional(),
});
const Problem = z.object({ type: z.string().describe("urn:openid:authzen:access-request:error:<code>"), title: z.string(), status: z.number(), detail: z.string() });
const problems = {
  400: { description: "application/problem+json: invalid_denial_binding (forged, altered or mismatching binding token) or invalid_request", schema: Problem },
  404: { description: "application/problem+json: unknown_task", schema: Problem },
  409: { description: "application/problem+json: duplicate_request (Idempotency-Key or binding token reused with another body) or invalid_task_state", schema: Problem },
  410: { description: "application/problem+json: expired_denial (the requestable denial's window passed; evaluate again)", schema: Problem },
};
const InboxItem = z.object({ id: z.string(), status: z.string(), heldUntil: z.string().nullable().describe("Until when the submitting PEP holds the agent's call open; null when it holds none"), agentId: z.string().nullable(), action: z.string(), arguments: z.unknown().describe("Sensitive values masked"), policies: z.array(z.string()), requiredGroups: z.array(z.string()), canDecide: z.boolean(), refusal: z.string().nullable() }).passthrough();
const Webhook = z.object({ id: z.string(), name: z.string(), approverGroup: z.string(), preset: z.string(), url: z.string(), enabled: z.boolean(), createdAt: z.string() });

const FLOW =
  "Flow (OpenID AuthZEN Access Request and Approval Profile, Draft 1): a deny whose determining Cedar policies are all requestable (@approval) carries context.access_request {endpoint, expires_at, binding_token, template}. POST the same subject, action, resource and context with denial.binding_token here; approvers decide in the console; then evaluate again with the task's result.approval at context.approval. The PDP checks the approval exists, is approved, unexpired, unused (one-use unless @approval_ttl) and bound to exactly this subject, action, resource and context (arguments included).";

export const approvalOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/access/v1/requests",
    summary: "Submit an access request for a requestable denial (AuthZEN Access Request and Approval Profile)",
    description: `${FLOW} Send an Idempotency-Key header: a repeat with an equivalent body returns the same task (200), another body is refused (409). Optional callback {endpoint, state}: Steward POSTs the task to it on completion, signed by the Standard Webhooks scheme with callback.secret from this response, retried until a 2xx; http or internal endpoints must be allowed by STEWARD_APPROVAL_CALLBACK_ALLOW. Optional held_until (RFC 3339, Steward extension): until when the PEP keeps the agent's call waiting; in the past → 400 invalid_request naming held_until, later than the request's expiry → stored as the expiry; approvers see it. Accepts an enforcement-point token or a personal API token (security engineers, admins).`,
    tag: "Approvals",
    permission: "approvals.request",
    auth: "enforcement_point",
    body: AccessRequestSubmission,
    responses: { 202: { description: "Created: the task handle (Location: its status endpoint)", schema: TaskHandle }, 200: { description: "The existing task for this Idempotency-Key or binding token", schema: TaskHandle }, ...problems },
  },
  {
    method: "get",
    path: "/access/v1/requests/{id}",
    summary: "Access request task status; ?wait=<seconds ≤ 30> long-polls until it changes",
    description: "Pending answers carry Retry-After (seconds). With wait, the answer comes as soon as the status changes (approve, deny, expiry, cancel) or when the wait ends. An enforcement point sees only the requests it submitted.",
    tag: "Approvals",
    permission: "approvals.request",
    auth: "enforcement_point",
    query: z.object({ wait: z.coerce.number().int().min(0).max(30).optional().describe("Long-poll up to this many seconds") }),
    responses: { 200: { description: "The task handle; result.approval once approved", schema: TaskHandle }, 404: problems[404] },
  },
  {
    method: "post",
    path: "/access/v1/requests/{id}/cancel",
    summary: "Cancel a pending access request (its requester, a security engineer or an admin)",
    tag: "Approvals",
    permission: "approvals.request",
    auth: "enforcement_point",
    responses: { 200: { description: "Cancelled", schema: TaskHandle }, 404: problems[404], 409: { description: "application/problem+json: invalid_task_state (no longer pending)", schema: Problem } },
  },
  {
    method: "get",
    path: "/api/v1/approvals",
    summary: "The approvals inbox and history: with status=pending, requests the caller can decide come first",
    tag: "Approvals",
    permission: "approvals.read",
    auth: "user",
    query: InboxQuery,
    responses: { 200: { description: "Items, newest first (pending: mine first, oldest first)", schema: z.object({ items: z.array(InboxItem) }) } },
  },
  { method: "get", path: "/api/v1/approvals/count", summary: "How many pending access requests the caller can decide now", tag: "Approvals", permission: "approvals.read", auth: "user", responses: { 200: { description: "The count", schema: z.object({ pending: z.number() }) } } },
  { method: "get", path: "/api/v1/approvals/stream", summary: "Server-sent events: `pending` with the caller's decidable count on every change (the navigation badge)", tag: "Approvals", permission: "approvals.read", auth: "user", responses: { 200: { description: "text/event-stream" } } },
  {
    method: "get",
    path: "/api/v1/approvals/{id}",
    summary: "One access request with everything to decide: agent, owners, task, delegation chain, masked arguments, policies, recent decisions, open findings, and the decisions recorded for it (the denials that asked and the calls its approval let through, each linking to its decision page)",
    tag: "Approvals",
    permission: "approvals.read",
    auth: "user",
    responses: { 200: { description: "The request" }, 404: { description: "No such access request" } },
  },
  {
    method: "post",
    path: "/api/v1/approvals/{id}/approve",
    summary: "Approve (owner/backup owner or security engineer, per the policy's @approval; never one's own request; four-eyes refuses the task's initiator)",
    description: "owner+security needs one approval from each group by two different people. Audited.",
    tag: "Approvals",
    permission: "approvals.decide",
    auth: "user",
    body: DecideInput,
    responses: { 200: { description: "The request after the decision" }, 403: { description: "Not an approver of this request, or four-eyes" }, 409: { description: "No longer pending" } },
  },
  {
    method: "post",
    path: "/api/v1/approvals/{id}/deny",
    summary: "Deny (any eligible approver); the call stays denied. Audited.",
    tag: "Approvals",
    permission: "approvals.decide",
    auth: "user",
    body: DecideInput,
    responses: { 200: { description: "The request after the decision" }, 403: { description: "Not an approver of this request" }, 409: { description: "No longer pending" } },
  },
  { method: "get", path: "/api/v1/approvals/webhooks", summary: "Approval notification webhooks (never their secrets)", tag: "Approvals", permission: "approvals.read", auth: "user", responses: { 200: { description: "Webhooks", schema: z.object({ webhooks: z.array(Webhook) }) } } },
  {
    method: "post",
    path: "/api/v1/approvals/webhooks",
    summary: "Register a webhook for an approver group (slack or generic preset); the Standard Webhooks secret is returned once",
    tag: "Approvals",
    permission: "approvals.manage_webhooks",
    auth: "user",
    body: CreateWebhookInput,
    responses: { 201: { description: "Created", schema: z.object({ webhook: Webhook, secret: z.string() }) } },
  },
  { method: "delete", path: "/api/v1/approvals/webhooks/{id}", summary: "Remove a webhook", tag: "Approvals", permission: "approvals.manage_webhooks", auth: "user", responses: { 200: { description: "Removed" }, 404: { description: "No such webhook" } } },
  { method: "post", path: "/api/v1/approvals/webhooks/{id}/test", summary: "Send a signed test notification (see the delivery log)", tag: "Approvals", permission: "approvals.manage_webhooks", auth: "user", responses: { 202: { description: "Queued", schema: z.object({ deliveryId: z.string() }) } } },
  {
    method: "get",
    path: "/api/v1/approvals/deliveries",
    summary: "Delivery log of webhooks, callbacks and tests: status, attempts, last HTTP status or error, next attempt",
    tag: "Approvals",
    permission: "approvals.read",
    auth: "user",
    query: z.object({ webhook: z.string().optional(), request: z.string().optional() }),
    responses: { 200: { description: "Deliveries, newest first" } },
  },
];
