import { beforeAll, describe, expect, it, vi } from "vitest";
import { gzipSync } from "node:zlib";
import { eq, sql } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { executedRows } from "@/db/rows";
import { agentIdentities, agents, decisionQuarantine, decisions } from "@/db/schema";
import { DECISION_KEY_DELETE_STATEMENT, deleteDecisionKeysBefore, dropDecisionPartitionsBefore } from "@/db/ingest";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { userContext } from "@/testing/context";
import { updateSettings } from "../settings/settings";
import { subscribeToDecisions } from "./feed";
import { maintainDecisionPartitions } from "./partition-maintenance";
import { handleIngestRequest } from "./ingest-request";
import { enforcementPointContext, ingestRequest, sampleDecision } from "./ingest-testing";
import { INGEST_LIMITS } from "./read-ingest-body";
import type { DecisionSummary } from "./schemas";

const database = suiteDatabase();
let ctx: ReturnType<typeof enforcementPointContext>;
let epId = "";
beforeAll(async () => {
  const { enforcementPoint } = await registerEnforcementPoint({ ctx: userContext("admin"), input: { name: "ingest-gw", kind: "mcp-gateway" } });
  epId = enforcementPoint.id;
  ctx = enforcementPointContext(epId, "ingest-gw");
});

const post = (body: unknown, options: Parameters<typeof ingestRequest>[1] = {}) =>
  handleIngestRequest(ingestRequest(typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body), options), ctx);
const storedIds = async () => (await database.db.select({ id: decisions.decisionId }).from(decisions).where(eq(decisions.enforcementPointId, epId))).map((row) => row.id).sort();

describe("native decision ingest", () => {
  it("records a JSON array, creates the unknown agent as discovered, and stores it in the day's partition", async () => {
    const batch = [sampleDecision(), sampleDecision({ agent: { id: "exec-1", client_id: "oauth-exec-1" }, outcome: "deny" })];
    const response = await post(batch);
    expect(response).toEqual({ status: 200, body: { accepted: 2, duplicates: 0, quarantined: [] } });
    const [planner] = await database.db.select().from(agentIdentities).where(eq(agentIdentities.value, "planner-7"));
    expect(planner?.agentId).toMatch(/^agt_/);
    const [agent] = await database.db.select().from(agents).where(eq(agents.id, planner!.agentId));
    expect(agent).toMatchObject({ status: "discovered", name: "Planner 7" });
    const identities = await database.db.select().from(agentIdentities).where(eq(agentIdentities.agentId, planner!.agentId));
    expect(identities.map((row) => row.kind).sort()).toEqual(["agent_id", "spiffe_id"]);
    const [row] = await database.db.select().from(decisions).where(eq(decisions.decisionId, batch[0]!.id as string));
    expect(row).toMatchObject({ agentId: planner!.agentId, agentRef: "planner-7", outcome: "allow", reasons: ["pol_read_crm"], context: { tenant: "acme" } });
    const partitions = executedRows<{ part: string }>(await database.db.execute(sql`select tableoid::regclass::text as part from decisions where decision_id = ${batch[0]!.id as string}`));
    expect(partitions[0]?.part).toBe(`decisions_p${(batch[0]!.time as string).slice(0, 10).replaceAll("-", "")}`);
  });

  it("stores an exact retry once and counts it as a duplicate", async () => {
    const batch = [sampleDecision(), sampleDecision()];
    expect((await post(batch)).body).toEqual({ accepted: 2, duplicates: 0, quarantined: [] });
    expect(await post(batch)).toEqual({ status: 200, body: { accepted: 0, duplicates: 2, quarantined: [] } });
    expect(await post({ decisions: [...batch, batch[0]] })).toEqual({ status: 200, body: { accepted: 0, duplicates: 3, quarantined: [] } });
    const count = executedRows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from decisions where decision_id in (${batch[0]!.id as string}, ${batch[1]!.id as string})`));
    expect(count[0]?.n).toBe(2);
  });

  it("quarantines an id re-used with other content, keeping the raw item and the reason", async () => {
    const original = sampleDecision();
    await post([original]);
    const changed = { ...original, outcome: "deny" };
    const response = await post([sampleDecision(), changed]);
    expect(response).toEqual({ status: 200, body: { accepted: 1, duplicates: 0, quarantined: [{ index: 1, path: "$[1].id", message: `Decision id ${original.id as string} was already recorded with different content` }] } });
    const [row] = await database.db.select().from(decisionQuarantine).where(eq(decisionQuarantine.decisionId, original.id as string));
    expect(row).toMatchObject({ reason: "conflict", enforcementPointId: epId, path: "$[1].id" });
    expect(JSON.parse(row!.raw)).toMatchObject({ outcome: "deny" });
    const [stored] = await database.db.select().from(decisions).where(eq(decisions.decisionId, original.id as string));
    expect(stored?.outcome).toBe("allow");
    // A retried batch does not quarantine the same item twice.
    await post([changed]);
    expect(await database.db.select().from(decisionQuarantine).where(eq(decisionQuarantine.decisionId, original.id as string))).toHaveLength(1);
  });

  it("accepts NDJSON and gzip, and quarantines an unparsable NDJSON line", async () => {
    const a = sampleDecision();
    const b = sampleDecision();
    const ndjson = `${JSON.stringify(a)}\n{not json\n\n${JSON.stringify(b)}\n`;
    const response = await post(ndjson, { contentType: "application/x-ndjson" });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: 2, duplicates: 0, quarantined: [{ index: 1, path: "$[1]" }] });
    expect(response.body.quarantined[0]?.message).toMatch(/^Not valid JSON/);
    const c = sampleDecision();
    expect((await post(JSON.stringify([c]), { gzip: true })).body).toEqual({ accepted: 1, duplicates: 0, quarantined: [] });
    const d = sampleDecision();
    expect((await post(JSON.stringify(d) + "\n", { gzip: true, contentType: "application/x-ndjson" })).body).toEqual({ accepted: 1, duplicates: 0, quarantined: [] });
    expect(await storedIds()).toEqual(expect.arrayContaining([a.id, b.id, c.id, d.id]));
  });

  it("answers 422 naming the path when no item could be recorded, and keeps the items in quarantine", async () => {
    const cases: [unknown, string, RegExp][] = [
      [[sampleDecision({ time: "yesterday" })], "$[0].time", /RFC 3339/],
      [[sampleDecision({ time: "1970-01-01T00:00:00Z" })], "$[0].time", /outside the accepted window: at most 90 days old/],
      [[sampleDecision({ time: "2999-01-01T00:00:00Z" })], "$[0].time", /at most 24 hours ahead/],
      [[sampleDecision({ outcome: "maybe" })], "$[0].outcome", /allow/],
      [[sampleDecision({ agent: {} })], "$[0].agent.id", /string/],
      [[sampleDecision({ context: { blob: "x".repeat(70 * 1024) } })], "$[0].context", /larger than 64 KiB/],
      [[42], "$[0]", /object/],
      // Postgres text and jsonb cannot hold these: refused by path, not a failed batch.
      [[sampleDecision({ action: { name: "crm.read\u0000" } })], "$[0].action.name", /NUL character/],
      [[sampleDecision({ context: { note: "half \ud800 a pair" } })], "$[0].context.note", /unpaired surrogate/],
      [[sampleDecision({ context: { "odd\u0000key": 1 } })], '$[0].context["odd\\u0000key"]', /NUL character/],
    ];
    for (const [body, path, message] of cases) {
      const response = await post(body);
      expect(response.status, path).toBe(422);
      expect(response.body).toMatchObject({ accepted: 0, error: { code: "invalid_input", path } });
      expect((response.body as { error: { message: string } }).error.message).toMatch(message);
    }
    const [count] = executedRows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from decision_quarantine where reason = 'invalid' and enforcement_point_id = ${epId}`));
    expect(count!.n).toBeGreaterThanOrEqual(cases.length);
  });

  it("refuses whole requests it cannot read with 400, 413 or 415 naming the problem, and serves the next one", async () => {
    const small = { ...INGEST_LIMITS, maxWireBytes: 4096, maxInflatedBytes: 64 * 1024, maxItems: 5 };
    const send = (request: Request, limits = INGEST_LIMITS) => handleIngestRequest(request, ctx, { limits });
    const cases: [() => Promise<unknown>, number, RegExp][] = [
      [() => post("[{"), 400, /not valid JSON/],
      [() => post(JSON.stringify([sampleDecision()]), { contentType: "text/plain" }), 415, /Content-Type: application\/json or application\/x-ndjson \(got "text\/plain"\)/],
      [() => post("[]", { encoding: "br" }), 415, /Content-Encoding br is not supported/],
      [() => send(ingestRequest(JSON.stringify([sampleDecision({ context: { pad: "y".repeat(5000) } })])), small), 413, /The body is larger than/],
      [() => send(ingestRequest(Buffer.alloc(1024 * 1024, 32), { gzip: true }), small), 413, /inflates to more than/],
      [() => send(ingestRequest(JSON.stringify(Array.from({ length: 6 }, () => ({})))), small), 413, /6 items in one request; send at most 5/],
      [() => post(JSON.stringify([sampleDecision({ context: JSON.parse("[".repeat(70) + "]".repeat(70)) })])), 400, /Nesting deeper than 64 levels at \$\[0\]\.context/],
      [() => post(Buffer.from([0x5b, 0xff, 0xfe, 0x5d])), 400, /not valid UTF-8/],
      [() => post("plain text", { encoding: "gzip" }), 400, /not valid gzip/],
      [() => post('{"items": []}'), 422, /Send a JSON array of decisions/],
      [() => post("[]"), 422, /The batch is empty/],
    ];
    for (const [attempt, status, message] of cases) {
      await expect(attempt(), String(message)).rejects.toMatchObject({ status, message: expect.stringMatching(message) });
    }
    expect((await post([sampleDecision()])).status).toBe(200);
  });

  it("stops inflating a bomb at the inflated-size limit (bytes read, not heap)", async () => {
    // 1 GiB of zeros as ten concatenated gzip members (valid gzip), ≈ 1 MiB on the wire: under the wire limit.
    const member = gzipSync(Buffer.alloc(100 * 1024 * 1024, 0));
    const bomb = Buffer.concat(Array.from({ length: 10 }, () => member));
    let pulled = 0;
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bomb.length) return controller.close();
        const piece = bomb.subarray(offset, offset + 4096);
        offset += piece.length;
        pulled += piece.length;
        controller.enqueue(piece);
      },
    });
    const request = new Request("http://steward.test/api/v1/decisions", { method: "POST", headers: { "content-type": "application/json", "content-encoding": "gzip" }, body, duplex: "half" } as RequestInit);
    const error = (await handleIngestRequest(request, ctx).catch((caught: unknown) => caught)) as { status: number; details: { limit: string; inflatedBytesRead: number } };
    expect(error).toMatchObject({ status: 413, details: { limit: "maxInflatedBytes" } });
    expect(error.details.inflatedBytesRead).toBeGreaterThan(INGEST_LIMITS.maxInflatedBytes);
    expect(error.details.inflatedBytesRead).toBeLessThanOrEqual(INGEST_LIMITS.maxInflatedBytes + 64 * 1024);
    // Counted by the body itself: reading stopped once 64 MiB had inflated, about 64 KiB into the 1 MiB bomb.
    expect(pulled).toBeLessThan(bomb.length / 4);
  });

  it("lets only enforcement points ingest", async () => {
    await expect(handleIngestRequest(ingestRequest(JSON.stringify([sampleDecision()])), userContext("admin"))).rejects.toMatchObject({ code: "forbidden" });
  });

  it("hands committed batches to feed subscribers", async () => {
    const received: DecisionSummary[] = [];
    const unsubscribe = await subscribeToDecisions((batch) => received.push(...batch));
    const decision = sampleDecision({ outcome: "approval_required" });
    await post([decision]);
    // Delivered after the name lookup, named after the inventory agent ingest created.
    await vi.waitFor(() => expect(received).toHaveLength(1));
    unsubscribe();
    expect(received).toEqual([expect.objectContaining({ decisionId: decision.id, outcome: "approval_required", enforcementPointId: epId, agentRef: "planner-7", agentName: expect.any(String) })]);
    const [agent] = await database.db.select({ name: agents.name }).from(agents).where(eq(agents.id, received[0]!.agentId));
    expect(received[0]!.agentName).toBe(agent!.name);
  });

  it("keeps a week of partitions ahead and drops whole partitions past the retention setting", async () => {
    await updateSettings({ ctx: userContext("admin"), input: { decisionRetentionDays: 30 } });
    const old = sampleDecision({ time: new Date(Date.now() - 25 * 86_400_000).toISOString() });
    expect((await post([old])).body).toMatchObject({ accepted: 1 });
    const result = await maintainDecisionPartitions(Date.now() + 10 * 86_400_000);
    expect(result.dropped).toBeGreaterThanOrEqual(1);
    expect(await storedIds()).not.toContain(old.id);
    const ahead = executedRows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from pg_class where relname = ${`decisions_p${new Date(Date.now() + 17 * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "")}`}`));
    expect(ahead[0]?.n).toBe(1);
    await updateSettings({ ctx: userContext("admin"), input: { decisionRetentionDays: 90 } });
  });

  it("drops whole partitions past retention", async () => {
    const old = new Date(Date.now() - 20 * 86_400_000).toISOString();
    const decision = sampleDecision({ time: old });
    expect((await post([decision])).body).toMatchObject({ accepted: 1 });
    const cutoff = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    expect(await dropDecisionPartitionsBefore(database, cutoff)).toBeGreaterThanOrEqual(1);
    expect(await storedIds()).not.toContain(decision.id);
    expect((await deleteDecisionKeysBefore(database, cutoff)).done).toBe(true);
    // Its key went after it, so the id is free again rather than a phantom duplicate.
    expect((await post([decision])).body).toMatchObject({ accepted: 1 });
  });

  it("finds the keys past retention through the BRIN index on their time, not by reading every key (docs/scale.md)", async () => {
    // The planner prefers a sequential scan on a small table; forbidding it shows whether an index can serve the delete.
    const statement = DECISION_KEY_DELETE_STATEMENT.replace("$1", "'2026-01-01'").replace("$2", "5000");
    const plan = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return executedRows<Record<string, string>>(await tx.execute(sql.raw(`explain ${statement}`)));
    });
    expect(plan.map((row) => Object.values(row).join(" ")).join("\n")).toContain("decision_keys_time_brin");
  });

  it("deletes past-retention keys in statements of at most the batch size, each its own transaction, and keeps newer keys", async () => {
    // Measured by the database, not by the function's own count: a statement-level trigger records, for every DELETE
    // statement on decision_keys, how many rows it removed and in which transaction.
    await database.db.execute(sql`create table key_delete_statements (seq serial primary key, removed int not null, xid xid8 not null)`);
    await database.db.execute(
      sql.raw(`create function note_key_delete() returns trigger language plpgsql as $$ begin insert into key_delete_statements (removed, xid) select count(*), pg_current_xact_id() from gone; return null; end $$`),
    );
    await database.db.execute(sql`create trigger note_key_delete after delete on decision_keys referencing old table as gone for each statement execute function note_key_delete()`);
    try {
      await database.db.execute(sql`insert into decision_keys (enforcement_point_id, decision_id, content_hash, time) select 'ep_retention', 'old-' || g, 'h', now() - interval '400 days' from generate_series(1, 2345) g`);
      await database.db.execute(sql`insert into decision_keys (enforcement_point_id, decision_id, content_hash, time) select 'ep_retention', 'kept-' || g, 'h', now() - interval '299 days' from generate_series(1, 10) g`);
      const cutoff = new Date(Date.now() - 300 * 86_400_000).toISOString().slice(0, 10);
      const result = await deleteDecisionKeysBefore(database, cutoff, { batchRows: 1000 });
      const statements = executedRows<{ removed: number; xid: string }>(await database.db.execute(sql`select removed, xid::text as xid from key_delete_statements order by seq`));
      expect(statements.map((row) => Number(row.removed))).toEqual([1000, 1000, 345]);
      expect(new Set(statements.map((row) => row.xid)).size).toBe(3);
      expect(result).toEqual({ deleted: 2345, statements: 3, done: true });
      const left = executedRows<{ id: string }>(await database.db.execute(sql`select decision_id as id from decision_keys where enforcement_point_id = 'ep_retention' order by decision_id`));
      expect(left.map((row) => row.id)).toEqual(Array.from({ length: 10 }, (_, index) => `kept-${index + 1}`).sort());
      // Past its time budget a run stops after the batch in hand and says so; the next run continues.
      await database.db.execute(sql`insert into decision_keys (enforcement_point_id, decision_id, content_hash, time) select 'ep_retention', 'later-' || g, 'h', now() - interval '400 days' from generate_series(1, 30) g`);
      expect(await deleteDecisionKeysBefore(database, cutoff, { batchRows: 10, budgetMs: 0 })).toEqual({ deleted: 10, statements: 1, done: false });
      expect(await deleteDecisionKeysBefore(database, cutoff, { batchRows: 10 })).toEqual({ deleted: 20, statements: 3, done: true });
    } finally {
      await database.db.execute(sql`drop trigger note_key_delete on decision_keys`);
      await database.db.execute(sql`drop function note_key_delete()`);
      await database.db.execute(sql`drop table key_delete_statements`);
    }
  });
});

describe.skipIf(process.env.STEWARD_TEST_DB !== "postgres")("across processes", () => {
  it("shows a batch committed by another process, announced by NOTIFY, on this process's feed", async () => {
    const received: DecisionSummary[] = [];
    const unsubscribe = await subscribeToDecisions((batch) => received.push(...batch));
    const decision = sampleDecision();
    await post([decision]);
    expect(received.map((row) => row.decisionId)).toEqual([decision.id]);
    // Another replica's notice for the same committed batch: this process reads the batch back.
    const [row] = await database.db.select().from(decisions).where(eq(decisions.decisionId, decision.id as string));
    const notice = { origin: "another-replica", enforcementPointId: epId, receivedAt: row!.receivedAt.toISOString(), firstTime: row!.time.toISOString(), lastTime: row!.time.toISOString(), count: 1 };
    await database.sql!`select pg_notify('steward_decisions', ${JSON.stringify(notice)})`;
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(2);
    unsubscribe();
    expect(received[1]).toMatchObject({ decisionId: decision.id, enforcementPointId: epId, agentRef: "planner-7" });
  });
});
