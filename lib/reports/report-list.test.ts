import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { userContext } from "@/testing/context";
import { reportSnapshots } from "@/db/schema";
import { ListReportsQuery } from "../frameworks/schemas";
import { readPageQuery, readQuery } from "../http/query";
import { readReportList } from "./read-reports";

const database = suiteDatabase();

describe("the report list's server order", () => {
  it("sorts by title, period, author or creation, either way, newest first by default, ties by id in the same direction; an unknown order is a 400 at the API and the default on the page", async () => {
    const tag = `rl${Date.now().toString(36)}`;
    const at = (day: number) => new Date(Date.UTC(2026, 0, day));
    const rows = [
      { id: `rpt_${tag}_1`, title: `${tag} beta`, periodStart: at(1), createdByLabel: "zoe", createdAt: at(20) },
      { id: `rpt_${tag}_2`, title: `${tag} Alpha`, periodStart: at(5), createdByLabel: "Ann", createdAt: at(20) },
      { id: `rpt_${tag}_3`, title: `${tag} gamma`, periodStart: at(3), createdByLabel: "bob", createdAt: at(10) },
    ];
    await database.db.insert(reportSnapshots).values(rows.map((row) => ({ ...row, frameworkIds: ["nist-ai-rmf"], scope: { kind: "all" }, periodEnd: at(15), content: {}, sha256: "0".repeat(64), createdBy: "usr_test" })));
    const [r1, r2, r3] = rows.map((row) => row.id);
    const order = async (sort?: ListReportsQuery["sort"]) => (await readReportList({ ctx: userContext("viewer"), sort })).map((report) => report.id).filter((id) => id.includes(tag));
    expect(await order()).toEqual([r2, r1, r3]); // r1 and r2 were made together: by id, descending
    expect(await order("created")).toEqual([r3, r1, r2]); // and ascending
    expect(await order("title")).toEqual([r2, r1, r3]); // case-insensitive
    expect(await order("-title")).toEqual([r3, r1, r2]);
    expect(await order("period")).toEqual([r1, r3, r2]);
    expect(await order("-period")).toEqual([r2, r3, r1]);
    expect(await order("author")).toEqual([r2, r3, r1]);
    expect(() => readQuery(new URLSearchParams({ sort: "sha256" }), ListReportsQuery)).toThrow(/sort/);
    expect(readPageQuery({ sort: "sha256" }, ListReportsQuery)).toEqual({ sort: "-created" });
  });
});
