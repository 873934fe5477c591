import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { userContext } from "@/testing/context";
import { alertRules, alerts } from "@/db/schema";
import { readPageQuery, readQuery } from "../http/query";
import { listAlertRules, listAlerts } from "./alerts";
import { AlertListQuery, ListAlertRulesQuery } from "./schemas";

const database = suiteDatabase();
const viewer = userContext("viewer");
const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));

describe("the alert list's server order", () => {
  it("sorts by severity (by rank), title, status, occurrences, first or last seen, either way; most recently seen first by default, ties by id in the same direction", async () => {
    const tag = `al${Date.now().toString(36)}`;
    const rows = [
      { id: `alt_${tag}_1`, severity: "critical" as const, title: "beta", status: "resolved" as const, occurrences: 3, firstAt: at(1), lastAt: at(30) },
      { id: `alt_${tag}_2`, severity: "low" as const, title: "Alpha", status: "open" as const, occurrences: 1, firstAt: at(2), lastAt: at(30) },
      { id: `alt_${tag}_3`, severity: "medium" as const, title: "gamma", status: "acknowledged" as const, occurrences: 2, firstAt: at(3), lastAt: at(10) },
    ];
    await database.db.insert(alerts).values(rows.map((row) => ({ ...row, ruleId: `alr_${tag}`, groupKey: row.id })));
    const [a1, a2, a3] = rows.map((row) => row.id);
    const order = async (sort?: string) => (await listAlerts({ ctx: viewer, query: { limit: 500, ...(sort ? { sort } : {}) } })).map((alert) => alert.id).filter((id) => id.includes(tag));
    expect(await order()).toEqual([a2, a1, a3]); // a1 and a2 were last seen together: the id breaks the tie, descending
    expect(await order("last")).toEqual([a3, a1, a2]); // and ascending
    expect(await order("severity")).toEqual([a2, a3, a1]); // low, medium, critical: by rank, not spelling
    expect(await order("-severity")).toEqual([a1, a3, a2]);
    expect(await order("title")).toEqual([a2, a1, a3]); // case-insensitive
    expect(await order("status")).toEqual([a2, a3, a1]); // open, acknowledged, resolved
    expect(await order("-occurrences")).toEqual([a1, a3, a2]);
    expect(await order("-first")).toEqual([a3, a2, a1]);
    // The status filter and the order together.
    expect((await listAlerts({ ctx: viewer, query: { status: "open", sort: "title" } })).map((alert) => alert.id).filter((id) => id.includes(tag))).toEqual([a2]);
    expect(() => readQuery(new URLSearchParams({ sort: "rule" }), AlertListQuery)).toThrow(/sort/);
    expect(readQuery(new URLSearchParams(""), AlertListQuery)).toEqual({ limit: 100, sort: "-last" });
  });
});

describe("the alert rules' server order", () => {
  it("sorts by name (default), kind, severity (by rank), cooldown or state (enabled first), either way, ties by id", async () => {
    const tag = `ar${Date.now().toString(36)}`;
    const rows = [
      { id: `alr_${tag}_1`, name: `${tag} b`, kind: "shadow_agent" as const, severity: "high" as const, cooldownMinutes: 5, enabled: true },
      { id: `alr_${tag}_2`, name: `${tag} a`, kind: "deny_rate" as const, severity: "low" as const, cooldownMinutes: 60, enabled: false },
      { id: `alr_${tag}_3`, name: `${tag} c`, kind: "deny_rate" as const, severity: "critical" as const, cooldownMinutes: 5, enabled: true },
    ];
    await database.db.insert(alertRules).values(rows);
    const [r1, r2, r3] = rows.map((row) => row.id);
    const order = async (sort?: ListAlertRulesQuery["sort"]) => (await listAlertRules({ ctx: viewer, sort })).map((rule) => rule.id).filter((id) => id.includes(tag));
    expect(await order()).toEqual([r2, r1, r3]);
    expect(await order("-name")).toEqual([r3, r1, r2]);
    expect(await order("severity")).toEqual([r2, r1, r3]);
    expect(await order("-severity")).toEqual([r3, r1, r2]);
    expect(await order("cooldown")).toEqual([r1, r3, r2]); // r1 and r3 tie: by id, ascending
    expect(await order("-cooldown")).toEqual([r2, r3, r1]); // and descending
    expect(await order("state")).toEqual([r1, r3, r2]); // enabled first
    expect(await order("kind")).toEqual([r2, r3, r1]); // deny_rate before shadow_agent
    expect(() => readQuery(new URLSearchParams({ sort: "params" }), ListAlertRulesQuery)).toThrow(/sort/);
    expect(readPageQuery({ sort: "params" }, ListAlertRulesQuery)).toEqual({ sort: "name" });
  });
});
