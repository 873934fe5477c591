import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { userContext } from "@/testing/context";
import { agents, taskTokens, tasks } from "@/db/schema";
import { readPageQuery, readQuery } from "../http/query";
import { listTasks, ListTasksQuery } from "./tasks-view";

const database = suiteDatabase();

describe("the task list's server order", () => {
  it("sorts by purpose, agent, tokens, start or expiry either way, newest first by default, ties broken by id in the same direction; an unknown order is a 400 at the API and the default on the page", async () => {
    const viewer = userContext("viewer");
    const tag = `ts${Date.now().toString(36)}`;
    await database.db.insert(agents).values([
      { id: `agt_${tag}_z`, name: `zeta ${tag}` },
      { id: `agt_${tag}_a`, name: `Alpha ${tag}` },
    ]);
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));
    // t1 and t2 start at the same instant: only the id tiebreak orders them.
    const rows = [
      { id: `tsk_${tag}_1`, purpose: "beta", rootAgentId: `agt_${tag}_z`, createdAt: at(10), tokensExpireAt: at(40), tokens: 2 },
      { id: `tsk_${tag}_2`, purpose: "Alpha", rootAgentId: `agt_${tag}_a`, createdAt: at(10), tokensExpireAt: at(20), tokens: 0 },
      { id: `tsk_${tag}_3`, purpose: "gamma", rootAgentId: `agt_${tag}_a`, createdAt: at(5), tokensExpireAt: at(30), tokens: 1 },
    ];
    await database.db.insert(tasks).values(rows.map(({ tokens: _tokens, ...task }) => ({ ...task, initiatorType: "agent" as const, initiator: task.rootAgentId })));
    for (const row of rows)
      for (let index = 0; index < row.tokens; index++) {
        await database.db.insert(taskTokens).values({ jti: `${row.id}_${index}`, taskId: row.id, agentId: row.rootAgentId, clientId: "c", audience: "https://gw.test/mcp", scope: ["search"], authMethod: "jwt-svid", presentedIdentity: "x", kid: "k", issuedAt: row.createdAt, expiresAt: row.tokensExpireAt });
      }
    const [t1, t2, t3] = rows.map((row) => row.id);
    const order = async (sort?: string) => (await listTasks({ ctx: viewer, query: { limit: 200, ...(sort ? { sort } : {}) } })).map((task) => task.id).filter((id) => id.includes(tag));
    expect(await order()).toEqual([t2, t1, t3]); // newest first; the tie by id, descending
    expect(await order("created")).toEqual([t3, t1, t2]); // the tie by id, ascending
    expect(await order("purpose")).toEqual([t2, t1, t3]); // case-insensitive
    expect(await order("-purpose")).toEqual([t3, t1, t2]);
    expect(await order("agent")).toEqual([t2, t3, t1]); // Alpha (t2, t3 by id) before zeta
    expect(await order("-agent")).toEqual([t1, t3, t2]);
    expect(await order("-tokens")).toEqual([t1, t3, t2]);
    expect(await order("expires")).toEqual([t2, t3, t1]);
    expect(() => readQuery(new URLSearchParams({ sort: "initiator" }), ListTasksQuery)).toThrow(/sort/);
    expect(readPageQuery({ sort: "initiator", status: "live" }, ListTasksQuery)).toMatchObject({ sort: "-created", status: "live" });
  });
});
