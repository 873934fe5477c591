import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { agents } from "@/db/schema";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { userContext } from "@/testing/context";
import { decisionRateChart, exploreDecisions, ExploreQuery, getDecision, getDecisionTrace, listQuarantinedItems } from "./explore-decisions";
import { handleIngestRequest } from "./ingest-request";
import { readQuery } from "../http/query";
import { enforcementPointContext, ingestRequest, sampleDecision } from "./ingest-testing";

const database = suiteDatabase();
const viewer = userContext("viewer");
let epId = "";
const base = Date.now() - 30 * 60_000;
const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();

beforeAll(async () => {
  const { enforcementPoint } = await registerEnforcementPoint({ ctx: userContext("admin"), input: { name: "explore-gw", kind: "mcp-gateway" } });
  epId = enforcementPoint.id;
  const planner = { id: "planner", name: "Planner" };
  const batch = [
    sampleDecision({ id: "d-root", time: at(0), agent: planner, action: { name: "task.start" }, trace_id: "t-1", span_id: "s-root", delegation: ["planner"] }),
    sampleDecision({ id: "d-exec-a", time: at(1), agent: { id: "executor-a" }, action: { name: "crm.read" }, trace_id: "t-1", span_id: "s-a", parent_span_id: "s-root", delegation: ["planner", "executor-a"] }),
    sampleDecision({ id: "d-tool", time: at(2), agent: { id: "executor-a" }, action: { name: "payments.refund" }, outcome: "deny", trace_id: "t-1", span_id: "s-tool", parent_span_id: "s-a", delegation: ["planner", "executor-a"] }),
    sampleDecision({ id: "d-exec-b", time: at(3), agent: { id: "executor-b" }, action: { name: "mail.send" }, outcome: "approval_required", trace_id: "t-1", span_id: "s-b", parent_span_id: "s-root", delegation: ["planner", "executor-b"] }),
    ...Array.from({ length: 7 }, (_, index) => sampleDecision({ id: `d-bulk-${index}`, time: at(10 + index), trace_id: undefined, span_id: undefined })),
  ];
  const response = await handleIngestRequest(ingestRequest(JSON.stringify(batch)), enforcementPointContext(epId));
  expect(response.body).toMatchObject({ accepted: 11 });
  await handleIngestRequest(ingestRequest(JSON.stringify([{ id: "broken" }, sampleDecision()])), enforcementPointContext(epId));
});

describe("decision explorer", () => {
  it("names each row's agent and enforcement point as they are named now (read with the page, not stored)", async () => {
    const query = ExploreQuery.parse({ ep: epId, q: "task.start", from: new Date(base - 60_000).toISOString(), to: new Date(base + 3_600_000).toISOString() });
    const [row] = (await exploreDecisions({ ctx: viewer, query })).rows;
    expect(row).toMatchObject({ decisionId: "d-root", agentName: "Planner", enforcementPointName: "explore-gw" });
    await database.db.update(agents).set({ name: "Planner (renamed)" }).where(eq(agents.id, row!.agentId));
    expect((await exploreDecisions({ ctx: viewer, query })).rows[0]).toMatchObject({ agentName: "Planner (renamed)" });
    await database.db.update(agents).set({ name: "Planner" }).where(eq(agents.id, row!.agentId));
  });

  /** The decision ids of every page of `query`, following the keyset cursor (at most five pages). */
  async function everyPage(query: ReturnType<typeof ExploreQuery.parse>): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const result = await exploreDecisions({ ctx: viewer, query: { ...query, cursor } });
      seen.push(...result.rows.map((row) => row.decisionId));
      if (!result.next) break;
      cursor = result.next;
    }
    return seen;
  }

  it("pages newest first with a keyset cursor and no overlap", async () => {
    const query = ExploreQuery.parse({ ep: epId, limit: "5", from: new Date(base - 60_000).toISOString(), to: new Date(base + 3_600_000).toISOString() });
    const seen = await everyPage(query);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect(seen.slice(-4)).toEqual(["d-exec-b", "d-tool", "d-exec-a", "d-root"]);
    const denies = await exploreDecisions({ ctx: viewer, query: ExploreQuery.parse({ outcome: "deny", q: "refund" }) });
    expect(denies.rows.map((row) => row.decisionId)).toEqual(["d-tool"]);
    await expect(exploreDecisions({ ctx: viewer, query: { ...query, cursor: "garbage" } })).rejects.toMatchObject({ code: "bad_request", status: 400, path: "?cursor" });
  });

  it("pages oldest first on request (?sort=time), keyset in that direction, and refuses an unknown order at the API", async () => {
    const query = ExploreQuery.parse({ ep: epId, limit: "5", sort: "time", from: new Date(base - 60_000).toISOString(), to: new Date(base + 3_600_000).toISOString() });
    const seen = await everyPage(query);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect(seen.slice(0, 4)).toEqual(["d-root", "d-exec-a", "d-tool", "d-exec-b"]);
    expect(() => readQuery(new URLSearchParams({ sort: "agent" }), ExploreQuery)).toThrow(/sort/);
  });

  it("counts decisions per minute by outcome", async () => {
    const chart = await decisionRateChart({ ctx: viewer, query: ExploreQuery.parse({ ep: epId, from: new Date(base - 60_000).toISOString(), to: new Date(base + 60 * 60_000).toISOString() }) });
    expect(chart.bucketSeconds).toBe(60);
    expect(chart.counts.filter((row) => row.outcome === "deny")).toEqual([{ bucket: new Date(Math.floor((base + 2 * 60_000) / 60_000) * 60_000), outcome: "deny", count: 1 }]);
    expect(chart.counts.reduce((sum, row) => sum + row.count, 0)).toBe(12);
  });

  it("shows one decision with every field, and a trace as a tree", async () => {
    const decision = await getDecision({ ctx: viewer, key: { ep: epId, id: "d-tool", time: at(2) } });
    expect(decision).toMatchObject({ outcome: "deny", delegation: ["planner", "executor-a"], parentSpanId: "s-a", reasons: ["pol_read_crm"] });
    await expect(getDecision({ ctx: viewer, key: { ep: epId, id: "missing" } })).rejects.toMatchObject({ code: "not_found" });
    const [root, ...others] = await getDecisionTrace({ ctx: viewer, key: { traceId: "t-1" } });
    expect(others).toEqual([]);
    expect(root!.decision.decisionId).toBe("d-root");
    expect(root!.children.map((child) => child.decision.decisionId)).toEqual(["d-exec-a", "d-exec-b"]);
    expect(root!.children[0]!.children.map((child) => [child.decision.decisionId, child.depth])).toEqual([["d-tool", 2]]);
  });

  it("lists quarantined items with their raw content", async () => {
    const items = await listQuarantinedItems({ ctx: viewer, query: { ep: epId, limit: 10 } });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ decisionId: "broken", reason: "invalid", path: "$[0].time" });
    await expect(listQuarantinedItems({ ctx: enforcementPointContext(epId), query: { limit: 1 } })).rejects.toMatchObject({ code: "forbidden" });
  });
});
