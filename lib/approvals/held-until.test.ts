import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { accessRequests, agents, people } from "@/db/schema";
import { userContext } from "@/testing/context";
import { suiteDatabase } from "@/testing/database";
import { rejectionOf } from "@/testing/rejection";
import type { Actor } from "../auth/actor";
import { newId } from "../ids";
import { evaluateAccess } from "../policies/authzen";
import { savePolicy } from "../policies/draft";
import { forgetPublishedEngine } from "../policies/published-engine";
import { publishDraft } from "../policies/publish";
import { AccessRequestProblem, getTaskStatus, submitAccessRequest } from "./access-requests";
import { getInboxItem, listInbox } from "./inbox";

/**
 * The PEP's hold deadline (`held_until`): validated against now and the request's own expiry,
 * stored, and read back by the task handle and the inbox.
 */

const database = suiteDatabase();
const origin = { base: "http://steward.test" };
const security = userContext("security");
const owner = userContext("viewer");
const epContext = { actor: { type: "enforcement_point", enforcementPointId: "ep_holder", name: "holder" } as Actor, requestId: "req_ep", ip: null };

beforeAll(async () => {
  forgetPublishedEngine();
  await database.db.insert(people).values({ id: "per_hold_owner", name: "Hana Holder", email: (owner.actor as Extract<Actor, { type: "user" }>).email });
  await database.db.insert(agents).values({ id: "agt_holder", name: "holder-bot", status: "active", ownerId: "per_hold_owner", declaredActions: ["call_tool"] });
  for (const source of ["permit (principal, action, resource);", '@approval("owner")\nforbid (principal, action, resource)\nwhen { context.destructive };']) {
    await savePolicy({ ctx: security, input: { description: "held_until test", source } });
  }
  await publishDraft({ ctx: security, input: { message: "held_until" } });
});

let seq = 0;
/** A fresh requestable denial (its own arguments, so its own binding) and the submission for it. */
async function submission(extra: Record<string, unknown>) {
  const body = { subject: { type: "agent", id: "agt_holder" }, action: { name: "tools/call" }, resource: { type: "tool", id: "db.drop_table" }, context: { destructive: true, arguments: { table: `t${++seq}` } } };
  const denied = (await evaluateAccess({ ctx: epContext, body, origin: origin.base })) as { decision: boolean; context: { access_request: { binding_token: string; expires_at: string } } };
  expect(denied.decision).toBe(false);
  return { ...body, denial: { binding_token: denied.context.access_request.binding_token, expires_at: denied.context.access_request.expires_at }, ...extra };
}

const rowOf = async (id: string) => (await database.db.select().from(accessRequests).where(eq(accessRequests.id, id)))[0]!;

describe("held_until", () => {
  it("is stored, answered in the task handle and shown in the inbox", async () => {
    const now = new Date();
    const heldUntil = new Date(now.getTime() + 45_000);
    const { handle } = await submitAccessRequest({ ctx: epContext, body: await submission({ held_until: heldUntil.toISOString() }), idempotencyKey: newId("idem"), origin, now });
    expect(handle.task.held_until).toBe(heldUntil.toISOString());
    expect((await rowOf(handle.task.id)).heldUntil?.toISOString()).toBe(heldUntil.toISOString());

    const status = await getTaskStatus({ ctx: epContext, id: handle.task.id, origin });
    expect(status.handle.task.held_until).toBe(heldUntil.toISOString());
    const detail = await getInboxItem({ ctx: owner, id: handle.task.id });
    expect(detail.item.heldUntil).toBe(heldUntil.toISOString());
    const { items } = await listInbox({ ctx: owner, query: { status: "pending" } });
    expect(items.find((item) => item.id === handle.task.id)?.heldUntil).toBe(heldUntil.toISOString());
  });

  it("accepts an RFC 3339 offset and is optional: a submission without it stores null", async () => {
    const now = new Date();
    const offset = new Date(now.getTime() + 30_000);
    // The same instant written at +02:00.
    const local = new Date(offset.getTime() + 2 * 3_600_000).toISOString().replace("Z", "+02:00");
    const { handle } = await submitAccessRequest({ ctx: epContext, body: await submission({ held_until: local }), idempotencyKey: newId("idem"), origin, now });
    expect((await rowOf(handle.task.id)).heldUntil?.getTime()).toBe(offset.getTime());

    const plain = await submitAccessRequest({ ctx: epContext, body: await submission({}), idempotencyKey: newId("idem"), origin });
    expect(plain.handle.task).not.toHaveProperty("held_until");
    expect((await rowOf(plain.handle.task.id)).heldUntil).toBeNull();
    expect((await getInboxItem({ ctx: owner, id: plain.handle.task.id })).item.heldUntil).toBeNull();
  });

  it("is clamped to the request's own expiry", async () => {
    const now = new Date();
    const { handle } = await submitAccessRequest({ ctx: epContext, body: await submission({ held_until: new Date(now.getTime() + 7 * 86_400_000).toISOString() }), idempotencyKey: newId("idem"), origin, now });
    const row = await rowOf(handle.task.id);
    expect(row.heldUntil?.toISOString()).toBe(row.expiresAt.toISOString());
    expect(handle.task.held_until).toBe(handle.task.expires_at);
  });

  it("refuses a time that is not in the future, or not a time, with a 400 naming held_until", async () => {
    const now = new Date();
    const past = await rejectionOf(submitAccessRequest({ ctx: epContext, body: await submission({ held_until: new Date(now.getTime() - 1_000).toISOString() }), idempotencyKey: newId("idem"), origin, now }), AccessRequestProblem);
    expect(past.status).toBe(400);
    expect(past.type).toBe("invalid_request");
    expect(past.detail).toMatch(/^held_until: must be a time in the future/);
    const exactlyNow = await rejectionOf(submitAccessRequest({ ctx: epContext, body: await submission({ held_until: now.toISOString() }), idempotencyKey: newId("idem"), origin, now }), AccessRequestProblem);
    expect(exactlyNow.detail).toMatch(/^held_until:/);
    const garbled = await rejectionOf(submitAccessRequest({ ctx: epContext, body: await submission({ held_until: "in 45 seconds" }), idempotencyKey: newId("idem"), origin, now }), AccessRequestProblem);
    expect(garbled.status).toBe(400);
    expect(garbled.detail).toMatch(/^held_until: .*RFC 3339/);
    const count = await database.db.select({ id: accessRequests.id }).from(accessRequests).where(eq(accessRequests.requesterKey, "ep:ep_holder"));
    expect(count).toHaveLength(4);
  });

  it("does not count in the Idempotency-Key comparison: a retry with a later deadline gets the same task, first deadline kept", async () => {
    const now = new Date();
    const key = newId("idem");
    const body = await submission({ held_until: new Date(now.getTime() + 20_000).toISOString() });
    const first = await submitAccessRequest({ ctx: epContext, body, idempotencyKey: key, origin, now });
    expect(first.created).toBe(true);
    const again = await submitAccessRequest({ ctx: epContext, body: { ...body, held_until: new Date(now.getTime() + 40_000).toISOString() }, idempotencyKey: key, origin, now });
    expect(again.created).toBe(false);
    expect(again.handle.task.id).toBe(first.handle.task.id);
    expect(again.handle.task.held_until).toBe(new Date(now.getTime() + 20_000).toISOString());
    // A retry arriving after its deadline passed is still answered with the task, not refused.
    const late = await submitAccessRequest({ ctx: epContext, body: { ...body, held_until: new Date(now.getTime() - 1_000).toISOString() }, idempotencyKey: key, origin, now });
    expect(late.handle.task.id).toBe(first.handle.task.id);
  });
});
