import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { userContext } from "@/testing/context";
import { agents, findings } from "@/db/schema";
import { newId } from "../ids";
import { listFindings } from "./dashboard";

const database = suiteDatabase();

describe("the findings list", () => {
  it("orders by the column asked for, both ways, and pages without overlap", async () => {
    const tag = newId("t").slice(-6);
    const day = (n: number) => new Date(Date.UTC(2026, 10, n));
    const made = [
      { name: `${tag}-charlie`, kind: "stale", since: day(3), detected: day(20) },
      { name: `${tag}-alpha`, kind: "orphaned", since: day(9), detected: day(10) },
      { name: `${tag}-bravo`, kind: "discovered", since: day(1), detected: day(28) },
    ] as const;
    for (const row of made) {
      const agentId = newId("agt");
      await database.db.insert(agents).values({ id: agentId, name: row.name, status: "active" });
      await database.db.insert(findings).values({ id: newId("fnd"), agentId, kind: row.kind, status: "accepted", detail: tag, firstDetectedAt: row.since, lastDetectedAt: row.detected });
    }
    const names = async (sort: string, extra: Record<string, unknown> = {}) =>
      (await listFindings({ ctx: userContext("viewer"), input: { status: "accepted", sort, ...extra } })).items.filter((item) => item.detail === tag).map((item) => item.agentName.slice(tag.length + 1));
    expect(await names("agent")).toEqual(["alpha", "bravo", "charlie"]);
    expect(await names("-agent")).toEqual(["charlie", "bravo", "alpha"]);
    expect(await names("kind")).toEqual(["bravo", "alpha", "charlie"]); // discovered, orphaned, stale
    expect(await names("since")).toEqual(["bravo", "charlie", "alpha"]);
    expect(await names("-detected")).toEqual(["bravo", "charlie", "alpha"]);
    // An order nobody offers falls back to the default (newest detection first), never to the input.
    expect(await names("agent_id; drop table findings")).toEqual(["bravo", "charlie", "alpha"]);
  });
});
