import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT } from "jose";
import { Webhook } from "standardwebhooks";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/testing/database";
import { accessRequests, agents, approvalDeliveries, auditLog, decisions, people, tasks } from "@/db/schema";
import type { Actor } from "../auth/actor";
import { newId } from "../ids";
import { evaluateAccess, evaluateForGateway } from "../policies/authzen";
import { DEFAULT_CEDAR_SCHEMA } from "../policies/default-schema";
import { savePolicy } from "../policies/draft";
import { forgetPublishedEngine } from "../policies/published-engine";
import { publishDraft } from "../policies/publish";
import { getReplay, runReplay, startReplay, type ReplayResult } from "../policies/replay";
import { runPolicyTests } from "../policies/run-tests";
import { validatePolicySource } from "../policies/validate";
import { userContext } from "@/testing/context";
import { cancelAccessRequest, decideAccessRequest, getTaskStatus, submitAccessRequest, sweepAccessRequests } from "./access-requests";
import { readApprovalAnnotations } from "./annotations";
import { accessRequestOfDecision, getInboxItem, InboxQuery, listInbox } from "./inbox";
import { readQuery } from "../http/query";
import { maskSensitive, MASK } from "./mask";
import { callbackSecret, createWebhook, deliverDue, sendTestWebhook } from "./notify";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let receiver: Server;
let receiverUrl = "";
const received: { path: string; headers: Record<string, string>; body: string }[] = [];
/** Per path: how many more times to answer 500 before answering 204. */
const failuresLeft = new Map<string, number>();

const origin = { base: "http://steward.test" };
const security = userContext("security");
const ownerUser = userContext("viewer");
const backupUser = userContext("viewer");
const initiatorUser = userContext("viewer");
const bystander = userContext("viewer");
const epContext = { actor: { type: "enforcement_point", enforcementPointId: "ep_gateway", name: "gateway" } as Actor, requestId: "req_ep", ip: null };
const email = (ctx: { actor: Actor }) => (ctx.actor as Extract<Actor, { type: "user" }>).email;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      received.push({ path, headers: request.headers as Record<string, string>, body });
      const left = failuresLeft.get(path) ?? 0;
      failuresLeft.set(path, Math.max(0, left - 1));
      response.statusCode = left > 0 ? 500 : 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  process.env.STEWARD_APPROVAL_CALLBACK_ALLOW = receiverUrl;
  database = await openTestDatabase();
  forgetPublishedEngine();
  const db = database.db;
  await db.insert(people).values([
    { id: "per_owner", name: "Olive Owner", email: email(ownerUser) },
    { id: "per_backup", name: "Bea Backup", email: email(backupUser) },
    { id: "per_initiator", name: "Ian Initiator", email: email(initiatorUser) },
    { id: "per_bystander", name: "Bo Bystander", email: email(bystander) },
  ]);
  await db.insert(agents).values([
    { id: "agt_deploy", name: "deploy-bot", status: "active", ownerId: "per_owner", backupOwnerId: "per_backup", declaredActions: ["call_tool"] },
    { id: "agt_ops", name: "ops-bot", status: "active", ownerId: "per_initiator", declaredActions: ["call_tool"] },
  ]);
  for (const source of [
    "permit (principal, action, resource);",
    '@approval("owner")\nforbid (principal, action, resource)\nwhen { context.destructive && resource == Steward::Tool::"db.drop_table" };',
    '@approval("owner")\n@approval_ttl("10m")\nforbid (principal, action, resource)\nwhen { context.destructive && resource == Steward::Tool::"deploy.rollout" };',
    '@approval("owner+security")\nforbid (principal, action, resource)\nwhen { context.destructive && resource == Steward::Tool::"payments.refund" };',
    '@approval("owner")\n@approval_four_eyes\nforbid (principal, action, resource)\nwhen { context.destructive && resource == Steward::Tool::"iam.grant" };',
    'forbid (principal, action, resource)\nwhen { resource == Steward::Tool::"rm.rf" };',
    '@approval("security")\nforbid (principal, action, resource)\nwhen { resource == Steward::Tool::"rm.rf" };',
  ]) {
    await savePolicy({ ctx: security, input: { description: "approvals test", source } });
  }
  await publishDraft({ ctx: security, input: { message: "approvals" } });
});

afterAll(async () => {
  await database?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

function call(tool: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    subject: { type: "agent", id: "agt_deploy" },
    action: { name: "tools/call" },
    resource: { type: "tool", id: tool },
    context: { destructive: true, arguments: args, task_id: "task_42", task_purpose: "clean up staging", ...extra },
  };
}

/** The AuthZEN call as the PEP makes it; the decision context comes back as the spec's object. */
async function evaluate(body: ReturnType<typeof call>) {
  return evaluateAccess({ ctx: epContext, body, origin: origin.base }) as Promise<{ decision: boolean; context: Record<string, unknown> & { access_request?: { binding_token: string; expires_at: string; endpoint: string } } }>;
}

async function requestFor(body: ReturnType<typeof call>, options: { idempotencyKey?: string | null; callback?: string; ctx?: { actor: Actor; requestId: string; ip: string | null } } = {}) {
  const denied = await evaluate(body);
  expect(denied.decision).toBe(false);
  const ar = denied.context.access_request!;
  expect(ar).toBeDefined();
  const submission = { ...body, justification: "staging cleanup", denial: { binding_token: ar.binding_token, expires_at: ar.expires_at }, ...(options.callback ? { callback: { endpoint: options.callback, state: "s1" } } : {}) };
  const { handle, created } = await submitAccessRequest({ ctx: options.ctx ?? epContext, body: submission, idempotencyKey: options.idempotencyKey === undefined ? newId("idem") : options.idempotencyKey, origin });
  return { handle, created, submission, denied };
}

const withApproval = (body: ReturnType<typeof call>, approval: { id: string }) => ({ ...body, context: { ...body.context, approval } });

describe("requestable denials", () => {
  it("answers a requestable forbid with the profile's access_request and a signed binding token", async () => {
    const answer = await evaluate(call("db.drop_table", { table: "users" }));
    expect(answer.decision).toBe(false);
    expect(answer.context).toMatchObject({ reason: "approval_required", evaluation_id: expect.any(String), access_request: { endpoint: "http://steward.test/access/v1/requests", template: "owner", binding_token: expect.stringMatching(/^eyJ/) } });
    const payload = JSON.parse(Buffer.from(answer.context.access_request!.binding_token.split(".")[1]!, "base64url").toString());
    expect(payload).toMatchObject({ aud: "urn:steward:access-request-service", agent_id: "agt_deploy", approval: { groups: ["owner"], reuseSeconds: null, fourEyes: false } });
    expect(payload.binding_context_members).toContain("arguments");
  });

  it("keeps a denial final when any determining policy is not requestable", async () => {
    const answer = await evaluate(call("rm.rf", { path: "/" }));
    expect(answer.decision).toBe(false);
    expect(answer.context?.access_request).toBeUndefined();
  });

  it("ignores a caller-supplied context.approved and flags policies that read it", async () => {
    const answer = await evaluate(call("db.drop_table", { table: "orders" }, { approved: true }));
    expect(answer.decision).toBe(false);
    const validation = validatePolicySource("pol_old", "forbid (principal, action, resource)\nwhen { context.destructive && !context.approved };", DEFAULT_CEDAR_SCHEMA);
    expect(validation.diagnostics).toContainEqual(expect.objectContaining({ severity: "warning", line: 2, message: expect.stringMatching(/context.approved is ignored/) }));
  });

  it("validates the annotations", () => {
    expect(readApprovalAnnotations('@approval("owner+security")\n@approval_ttl("15m")\nforbid (principal, action, resource);').requirement).toEqual({ groups: ["owner", "security"], reuseSeconds: 900, fourEyes: false });
    const bad = validatePolicySource("pol_bad", '@approval("manager")\n@approval_ttl("forever")\n@approvel_ttl("1m")\nforbid (principal, action, resource);', DEFAULT_CEDAR_SCHEMA);
    const messages = bad.diagnostics.filter((item) => item.severity === "error").map((item) => item.message);
    expect(bad.valid).toBe(false);
    expect(messages.join("\n")).toMatch(/@approval must be "owner", "security" or "owner\+security"/);
    expect(messages.join("\n")).toMatch(/@approval_ttl must be a duration/);
    const permit = validatePolicySource("pol_permit", '@approval("owner")\npermit (principal, action, resource);', DEFAULT_CEDAR_SCHEMA);
    expect(permit.diagnostics.map((item) => item.message).join()).toMatch(/only applies to forbid/);
  });
});

describe("policy tests and replay understand requestable forbids", () => {
  it("a policy test's deny says who may approve it", () => {
    const request = { principal: { type: "Steward::Agent", id: "agt_x" }, action: { type: "Steward::Action", id: "call_tool" }, resource: { type: "Steward::Tool", id: "db.drop_table" }, context: { request: {}, actionName: "db.drop_table", destination: "", external: false, destructive: true, approved: false, dataSensitivity: "public", sensitivityLevel: 0, taskPurpose: "", delegationDepth: 0, hour: 10, weekday: 1 } };
    const content = {
      schemaText: DEFAULT_CEDAR_SCHEMA,
      entities: [],
      policies: [
        { id: "p_permit", description: "", owner: "", frameworkTags: [], source: "permit (principal, action, resource);" },
        { id: "p_hold", description: "", owner: "", frameworkTags: [], source: '@approval("security")\nforbid (principal, action, resource) when { context.destructive };' },
      ],
      tests: [{ id: "t1", name: "held", request, entities: [], expectedDecision: "deny" as const, expectedPolicies: ["p_hold"] }],
    };
    const [result] = runPolicyTests(content);
    expect(result).toMatchObject({ passed: true, approval: { groups: ["security"] }, message: expect.stringMatching(/requestable: security may approve/) });
    const final = runPolicyTests({ ...content, policies: [content.policies[1]!] });
    expect(final[0]!.approval).toBeNull();
  });

  it("a replay counts the denies that would wait for approval", async () => {
    await evaluate(call("db.drop_table", { table: "replayed" }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { id } = await startReplay({ ctx: security, input: { limit: 1000 } });
    await runReplay(id);
    const result = (await getReplay({ ctx: security, input: { id } })).result as ReplayResult;
    expect(result.requestable).toBeGreaterThan(0);
  });
});

describe("access requests and re-evaluation", () => {
  it("owner approves, the re-evaluation is allowed once, and the decision names the approval", async () => {
    const body = call("db.drop_table", { table: "sessions" });
    const { handle } = await requestFor(body);
    expect(handle.task).toMatchObject({ status: "pending", status_endpoint: `http://steward.test/access/v1/requests/${handle.task.id}` });
    expect(handle.task.id).toMatch(/^arq_[\w-]{22}$/);
    const status = await getTaskStatus({ ctx: epContext, id: handle.task.id, origin });
    expect(status.retryAfter).toBe(5);

    const approved = await decideAccessRequest({ ctx: ownerUser, id: handle.task.id, decision: "approve", input: { comment: "ok for staging" }, origin });
    expect(approved.status).toBe("approved");
    const done = await getTaskStatus({ ctx: epContext, id: handle.task.id, origin });
    expect(done.handle.result).toMatchObject({ mode: "reevaluate", approval: { id: expect.stringMatching(/^apr_/) } });
    const approval = done.handle.result!.approval;

    const allowed = await evaluate(withApproval(body, approval));
    expect(allowed).toMatchObject({ decision: true, context: { approval: { id: approval.id, approved_until: approval.approved_until } } });
    // One use only (no @approval_ttl): the same call again is denied and may be requested anew.
    const again = await evaluate(withApproval(body, approval));
    expect(again).toMatchObject({ decision: false, context: { reason: "approval_expired", next_action: "request" } });
    expect(again.context.access_request).toBeDefined();

    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.entityId, handle.task.id)).orderBy(desc(auditLog.seq)).limit(1);
    expect(audit).toMatchObject({ action: "access_request.approve", actorLabel: email(ownerUser) });
    const trail = await database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityId, handle.task.id));
    expect(trail.map((row) => row.action)).toEqual(["access_request.approve"]);
  });

  it("denies the approved call with a different argument, or another tool", async () => {
    const body = call("deploy.rollout", { service: "api", version: "1.2.3" });
    const { handle } = await requestFor(body);
    await decideAccessRequest({ ctx: backupUser, id: handle.task.id, decision: "approve", input: {}, origin });
    const { handle: done } = await getTaskStatus({ ctx: epContext, id: handle.task.id, origin });
    const approval = done.result!.approval;
    const changed = await evaluate(withApproval(call("deploy.rollout", { service: "api", version: "9.9.9" }), approval));
    expect(changed).toMatchObject({ decision: false, context: { reason: "out_of_scope" } });
    const otherTool = await evaluate(withApproval(call("db.drop_table", { service: "api", version: "1.2.3" }), approval));
    expect(otherTool).toMatchObject({ decision: false, context: { reason: "out_of_scope" } });
    // @approval_ttl("10m"): identical calls pass repeatedly within the window.
    expect((await evaluate(withApproval(body, approval))).decision).toBe(true);
    expect((await evaluate(withApproval(body, approval))).decision).toBe(true);
    // …and not after it.
    await database.db.update(accessRequests).set({ approvedUntil: new Date(Date.now() - 1000) }).where(eq(accessRequests.id, handle.task.id));
    expect(await evaluate(withApproval(body, approval))).toMatchObject({ decision: false, context: { reason: "approval_expired" } });
  });

  it("links the decision an approval let through to the request, and the request to that decision", async () => {
    const body = call("db.drop_table", { table: "linked" });
    const { handle } = await requestFor(body);
    await decideAccessRequest({ ctx: ownerUser, id: handle.task.id, decision: "approve", input: {}, origin });
    const approval = (await getTaskStatus({ ctx: epContext, id: handle.task.id, origin })).handle.result!.approval;
    expect((await evaluate(withApproval(body, approval))).decision).toBe(true);
    const { decisions: linked } = await getInboxItem({ ctx: bystander, id: handle.task.id });
    expect(linked.map((decision) => decision.outcome)).toEqual(["allow"]);
    const [recorded] = await database.db.select().from(decisions).where(eq(decisions.decisionId, linked[0]!.decisionId));
    expect(await accessRequestOfDecision({ ctx: bystander, context: recorded!.context, reasons: recorded!.reasons })).toEqual({ id: handle.task.id, status: "approved", approvalId: approval.id, approvers: [email(ownerUser)] });
    // A gateway's record names the request in its context (also while it is still pending).
    expect(await accessRequestOfDecision({ ctx: bystander, context: { access_request: { id: handle.task.id } }, reasons: [] })).toMatchObject({ id: handle.task.id });
    expect(await accessRequestOfDecision({ ctx: bystander, context: {}, reasons: ["pol_x"] })).toBeNull();
  });

  it("gives the unrecorded gateway evaluation only to enforcement points of kind mcp-gateway", async () => {
    const body = call("db.drop_table", { table: "gw" });
    await expect(evaluateForGateway({ ctx: epContext, body, origin: origin.base })).rejects.toMatchObject({ code: "forbidden" });
    await expect(evaluateForGateway({ ctx: security, body, origin: origin.base })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("refuses an unknown approval id", async () => {
    const answer = await evaluate(withApproval(call("db.drop_table", { table: "x" }), { id: "apr_made_up" }));
    expect(answer).toMatchObject({ decision: false, context: { reason: "approval_unverifiable", next_action: "none" } });
  });

  it("a deny by an approver ends the request and the call stays denied", async () => {
    const { handle } = await requestFor(call("db.drop_table", { table: "payments" }));
    const denied = await decideAccessRequest({ ctx: ownerUser, id: handle.task.id, decision: "deny", input: { comment: "not now" }, origin });
    expect(denied).toMatchObject({ status: "denied", comment: "not now", approvalId: null });
    await expect(decideAccessRequest({ ctx: backupUser, id: handle.task.id, decision: "approve", input: {}, origin })).rejects.toMatchObject({ type: "invalid_task_state", status: 409 });
    expect((await getTaskStatus({ ctx: epContext, id: handle.task.id, origin })).handle.task.status).toBe("denied");
  });

  it("expiry turns a pending request into a deny, never back", async () => {
    const { handle } = await requestFor(call("db.drop_table", { table: "audit" }));
    const row = (await database.db.select().from(accessRequests).where(eq(accessRequests.id, handle.task.id)))[0]!;
    const swept = await sweepAccessRequests(new Date(row.expiresAt.getTime() + 1000));
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect((await getTaskStatus({ ctx: epContext, id: handle.task.id, origin })).handle.task.status).toBe("expired");
    await expect(decideAccessRequest({ ctx: ownerUser, id: handle.task.id, decision: "approve", input: {}, origin })).rejects.toMatchObject({ status: 409 });
    await expect(cancelAccessRequest({ ctx: epContext, id: handle.task.id, origin })).rejects.toMatchObject({ type: "invalid_task_state" });
  });

  it("a request whose task ended, or whose task's tokens all expired, expires at the next sweep, not after the request TTL", async () => {
    const now = new Date();
    const hourAhead = new Date(now.getTime() + 3_600_000);
    await database.db.insert(tasks).values([
      { id: "tsk_round_1", purpose: "demo round", initiatorType: "agent", initiator: "agt_deploy", rootAgentId: "agt_deploy", tokensExpireAt: hourAhead },
      { id: "tsk_round_2", purpose: "demo round", initiatorType: "agent", initiator: "agt_deploy", rootAgentId: "agt_deploy", tokensExpireAt: hourAhead },
      { id: "tsk_live", purpose: "still running", initiatorType: "agent", initiator: "agt_deploy", rootAgentId: "agt_deploy", tokensExpireAt: hourAhead },
    ]);
    const ended = (await requestFor(call("db.drop_table", { table: "round_1" }, { task_id: "tsk_round_1" }))).handle.task.id;
    const lapsed = (await requestFor(call("db.drop_table", { table: "round_2" }, { task_id: "tsk_round_2" }))).handle.task.id;
    const live = (await requestFor(call("db.drop_table", { table: "live" }, { task_id: "tsk_live" }))).handle.task.id;
    const untracked = (await requestFor(call("db.drop_table", { table: "untracked" }, { task_id: "task_not_issued_here" }))).handle.task.id;
    await sweepAccessRequests(new Date());
    for (const id of [ended, lapsed, live, untracked]) expect((await getTaskStatus({ ctx: epContext, id, origin })).handle.task.status).toBe("pending");

    await database.db.update(tasks).set({ status: "ended", endedAt: new Date() }).where(eq(tasks.id, "tsk_round_1"));
    await database.db.update(tasks).set({ tokensExpireAt: new Date(Date.now() - 1000) }).where(eq(tasks.id, "tsk_round_2"));
    const swept = await sweepAccessRequests(new Date());
    expect(swept.expired).toBeGreaterThanOrEqual(2);
    const status = async (id: string) => (await database.db.select().from(accessRequests).where(eq(accessRequests.id, id)))[0]!;
    expect(await status(ended)).toMatchObject({ status: "expired", decidedByLabel: "task ended" });
    expect(await status(lapsed)).toMatchObject({ status: "expired", decidedByLabel: "task ended" });
    expect((await status(live)).status).toBe("pending");
    expect((await status(untracked)).status).toBe("pending");
    const audited = await database.db.select().from(auditLog).where(eq(auditLog.entityId, ended));
    expect(audited.map((row) => row.action)).toContain("access_request.expire");
  });

  it("an idempotent resubmission returns the same task; the same key with another body is refused", async () => {
    const key = newId("idem");
    const first = await requestFor(call("db.drop_table", { table: "idem" }), { idempotencyKey: key });
    const again = await submitAccessRequest({ ctx: epContext, body: first.submission, idempotencyKey: key, origin });
    expect(again).toMatchObject({ created: false, handle: { task: { id: first.handle.task.id } } });
    // Without a key, the same binding token still finds its task.
    const noKey = await submitAccessRequest({ ctx: epContext, body: first.submission, idempotencyKey: null, origin });
    expect(noKey.handle.task.id).toBe(first.handle.task.id);
    await expect(submitAccessRequest({ ctx: epContext, body: { ...first.submission, justification: "changed" }, idempotencyKey: key, origin })).rejects.toMatchObject({ type: "duplicate_request", status: 409 });
    expect(await database.db.select().from(accessRequests).where(eq(accessRequests.bindingJti, (await database.db.select().from(accessRequests).where(eq(accessRequests.id, first.handle.task.id)))[0]!.bindingJti))).toHaveLength(1);
  });

  it("refuses a forged or altered binding token, and a submission that widens the request", async () => {
    const body = call("db.drop_table", { table: "forged" });
    const denied = await evaluate(body);
    const token = denied.context.access_request!.binding_token;
    const submit = (override: Record<string, unknown>) => submitAccessRequest({ ctx: epContext, body: { ...body, denial: { binding_token: token }, ...override }, idempotencyKey: null, origin });
    const forged = await new SignJWT(JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString())).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode("a".repeat(32)));
    await expect(submit({ denial: { binding_token: forged } })).rejects.toMatchObject({ type: "invalid_denial_binding", status: 400 });
    const [header, payload, signature] = token.split(".");
    const widened = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), policies: [] })).toString("base64url");
    await expect(submit({ denial: { binding_token: `${header}.${widened}.${signature}` } })).rejects.toMatchObject({ type: "invalid_denial_binding" });
    await expect(submit({ context: { ...body.context, arguments: { table: "everything" } } })).rejects.toMatchObject({ type: "invalid_denial_binding" });
    await expect(submit({ resource: { type: "tool", id: "db.drop_database" } })).rejects.toMatchObject({ type: "invalid_denial_binding" });
    await expect(submit({ denial: { binding_token: token, expires_at: "2099-01-01T00:00:00.000Z" } })).rejects.toMatchObject({ type: "invalid_denial_binding" });
    expect(await database.db.select().from(accessRequests).where(eq(accessRequests.justification, "forged"))).toHaveLength(0);
  });
});

describe("who approves", () => {
  it("refuses the task's initiator under four-eyes, and people who are not approvers", async () => {
    const body = { ...call("iam.grant", { role: "admin" }, { initiator: email(ownerUser) }) };
    const { handle } = await requestFor(body);
    await expect(decideAccessRequest({ ctx: ownerUser, id: handle.task.id, decision: "approve", input: {}, origin })).rejects.toMatchObject({ status: 403, detail: expect.stringMatching(/Four-eyes/) });
    await expect(decideAccessRequest({ ctx: bystander, id: handle.task.id, decision: "approve", input: {}, origin })).rejects.toMatchObject({ status: 403 });
    await expect(decideAccessRequest({ ctx: epContext, id: handle.task.id, decision: "approve", input: {}, origin })).rejects.toMatchObject({ code: "forbidden" });
    // A person who submitted a request (with approvals.request) never decides it.
    const own = await requestFor(call("db.drop_table", { table: "self" }), { ctx: security });
    await database.db.update(accessRequests).set({ escalatedAt: new Date() }).where(eq(accessRequests.id, own.handle.task.id));
    await expect(decideAccessRequest({ ctx: security, id: own.handle.task.id, decision: "approve", input: {}, origin })).rejects.toMatchObject({ status: 403, detail: expect.stringMatching(/submitted this request/) });
    // Security may not approve an owner request before escalation…
    await expect(decideAccessRequest({ ctx: security, id: handle.task.id, decision: "approve", input: {}, origin })).rejects.toMatchObject({ status: 403 });
    // …the backup owner may.
    expect((await decideAccessRequest({ ctx: backupUser, id: handle.task.id, decision: "approve", input: {}, origin })).status).toBe("approved");
  });

  it("takes the initiator from the task record of a task Steward issued, over what the submission says, for four-eyes", async () => {
    await database.db.insert(tasks).values({ id: "tsk_by_owner", purpose: "grant a role", initiatorType: "person", initiator: email(ownerUser), rootAgentId: "agt_deploy", tokensExpireAt: new Date(Date.now() + 3_600_000) });
    // The PEP sent no initiator, then a different one: the task record decides both times.
    for (const extra of [{}, { initiator: email(bystander) }]) {
      const { handle } = await requestFor(call("iam.grant", { role: "admin", try: Object.keys(extra).length }, { task_id: "tsk_by_owner", ...extra }));
      const [row] = await database.db.select().from(accessRequests).where(eq(accessRequests.id, handle.task.id));
      expect(row!.initiator).toBe(email(ownerUser));
      await expect(decideAccessRequest({ ctx: ownerUser, id: handle.task.id, decision: "approve", input: {}, origin })).rejects.toMatchObject({ status: 403, detail: expect.stringMatching(/Four-eyes/) });
    }
    // A task Steward did not issue keeps the submission's initiator.
    const { handle } = await requestFor(call("iam.grant", { role: "auditor" }, { task_id: "task_elsewhere", initiator: email(bystander) }));
    expect((await database.db.select().from(accessRequests).where(eq(accessRequests.id, handle.task.id)))[0]!.initiator).toBe(email(bystander));
  });

  it("owner+security needs two different people", async () => {
    const { handle } = await requestFor(call("payments.refund", { amount: 120 }));
    const first = await decideAccessRequest({ ctx: ownerUser, id: handle.task.id, decision: "approve", input: {}, origin });
    expect(first.status).toBe("pending");
    await expect(decideAccessRequest({ ctx: ownerUser, id: handle.task.id, decision: "approve", input: {}, origin })).rejects.toMatchObject({ status: 403 });
    expect((await decideAccessRequest({ ctx: security, id: handle.task.id, decision: "approve", input: {}, origin })).status).toBe("approved");
  });

  it("escalates an unanswered owner request to security", async () => {
    const { handle } = await requestFor(call("db.drop_table", { table: "escalate" }));
    const row = (await database.db.select().from(accessRequests).where(eq(accessRequests.id, handle.task.id)))[0]!;
    expect((await sweepAccessRequests(new Date(row.escalateAt!.getTime() + 1000))).escalated).toBeGreaterThanOrEqual(1);
    expect((await decideAccessRequest({ ctx: security, id: handle.task.id, decision: "approve", input: {}, origin })).status).toBe("approved");
  });

  it("orders the pending inbox most urgent (soonest expiry) first by default, by age on request, and refuses an unknown order", async () => {
    const ids: string[] = [];
    for (const table of ["sort_a", "sort_b", "sort_c"]) ids.push((await requestFor(call("db.drop_table", { table }))).handle.task.id);
    // Created a, b, c; they expire c, a, b (a person may have shortened one, the settings changed between them).
    const base = Date.now() + 3_600_000;
    const expiries = [base + 60_000, base + 120_000, base - 1_800_000];
    for (const [index, id] of ids.entries()) await database.db.update(accessRequests).set({ expiresAt: new Date(expiries[index]!) }).where(eq(accessRequests.id, id));
    const order = async (query: Record<string, string>) => (await listInbox({ ctx: ownerUser, query: readQuery(new URLSearchParams({ status: "pending", ...query }), InboxQuery) })).items.map((item) => item.id).filter((id) => ids.includes(id));
    expect(await order({})).toEqual([ids[2], ids[0], ids[1]]);
    expect(await order({ sort: "-expires" })).toEqual([ids[1], ids[0], ids[2]]);
    expect(await order({ sort: "created" })).toEqual([ids[0], ids[1], ids[2]]);
    expect(await order({ sort: "-created" })).toEqual([ids[2], ids[1], ids[0]]);
    expect(() => readQuery(new URLSearchParams({ status: "pending", sort: "age" }), InboxQuery)).toThrow(/sort/);
  });

  it("lists my pending requests first in the inbox, with sensitive arguments masked", async () => {
    const { handle } = await requestFor(call("db.drop_table", { table: "inbox", password: "hunter2", note: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln" }));
    const { items } = await listInbox({ ctx: ownerUser, query: { status: "pending" } });
    const mine = items.find((item) => item.id === handle.task.id)!;
    expect(mine).toMatchObject({ canDecide: true, agentName: "deploy-bot", ownerName: "Olive Owner", arguments: { table: "inbox", password: MASK, note: MASK } });
    // The policy that asked is named by its description, not only its id.
    expect(mine.policies.length).toBeGreaterThan(0);
    expect(mine.policies.map((policyId) => mine.names.policies[policyId])).toContain("approvals test");
    expect(items[0]!.canDecide).toBe(true);
    const theirs = (await listInbox({ ctx: bystander, query: { status: "pending" } })).items.find((item) => item.id === handle.task.id)!;
    expect(theirs.canDecide).toBe(false);
    expect(maskSensitive({ headers: { Authorization: "Bearer abcdefghijkl" }, list: [{ api_key: 7 }] })).toEqual({ headers: { Authorization: MASK }, list: [{ api_key: MASK }] });
  });
});

describe("waiting and notifications", () => {
  it("a long-poll returns as soon as the owner approves", async () => {
    const { handle } = await requestFor(call("db.drop_table", { table: "longpoll" }));
    const started = Date.now();
    const waiting = getTaskStatus({ ctx: epContext, id: handle.task.id, waitSeconds: 20, origin });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await decideAccessRequest({ ctx: ownerUser, id: handle.task.id, decision: "approve", input: {}, origin });
    const answer = await waiting;
    expect(answer.handle.task.status).toBe("approved");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("retries the signed callback until a 2xx", async () => {
    failuresLeft.set("/cb1", 2);
    const { handle } = await requestFor(call("db.drop_table", { table: "callback" }), { callback: `${receiverUrl}/cb1` });
    expect(handle.callback?.secret).toMatch(/^whsec_/);
    await decideAccessRequest({ ctx: ownerUser, id: handle.task.id, decision: "approve", input: {}, origin });
    let now = new Date();
    for (let attempt = 0; attempt < 4; attempt++) {
      await deliverDue(now);
      now = new Date(now.getTime() + 65_000);
    }
    const hits = received.filter((item) => item.path === "/cb1");
    expect(hits).toHaveLength(3);
    const last = hits.at(-1)!;
    const verified = new Webhook(callbackSecret(handle.task.id)).verify(last.body, last.headers) as { state: string; task: { id: string; status: string } };
    expect(verified).toMatchObject({ state: "s1", task: { id: handle.task.id, status: "approved" } });
    expect(() => new Webhook(callbackSecret("arq_other")).verify(last.body, last.headers)).toThrow();
    const [delivery] = await database.db.select().from(approvalDeliveries).where(eq(approvalDeliveries.accessRequestId, handle.task.id));
    expect(delivery).toMatchObject({ kind: "callback", status: "delivered", attempts: 3, lastStatusCode: 204 });
  });

  it("refuses an internal callback address that is not allowed", async () => {
    const body = call("db.drop_table", { table: "ssrf" });
    const denied = await evaluate(body);
    await expect(
      submitAccessRequest({ ctx: epContext, body: { ...body, denial: { binding_token: denied.context.access_request!.binding_token }, callback: { endpoint: "https://169.254.169.254/latest" } }, idempotencyKey: null, origin }),
    ).rejects.toMatchObject({ type: "invalid_request" });
  });

  it("notifies approver webhooks (Slack preset) signed by the Standard Webhooks scheme, and sends a test", async () => {
    const { webhook, secret } = await createWebhook({ ctx: security, input: { name: "owners", approverGroup: "owner", preset: "slack", url: `${receiverUrl}/slack` } });
    const { handle } = await requestFor(call("db.drop_table", { table: "slack" }));
    await sendTestWebhook({ ctx: security, id: webhook.id, consoleUrl: origin.base });
    await deliverDue(new Date());
    const hits = received.filter((item) => item.path === "/slack");
    expect(hits.length).toBe(2);
    const bodies = hits.map((hit) => new Webhook(secret).verify(hit.body, hit.headers) as { text: string });
    expect(bodies.map((body) => body.text).join("\n")).toContain(handle.task.id);
    expect(bodies.map((body) => body.text).join("\n")).toMatch(/test notification/);
  });
});
