import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { userContext } from "@/testing/context";
import { policyVersions } from "@/db/schema";
import { readPageQuery, readQuery } from "../http/query";
import { ListPolicyVersionsQuery } from "./schemas";
import { listPolicyVersions } from "./versions";

const database = suiteDatabase();

describe("the published versions' server order", () => {
  it("sorts by revision (default newest first), publication, author or message, either way, ties by id in the same direction; an unknown order is a 400 at the API and the default on the page", async () => {
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));
    // Revisions 901–903 (none of the suite publishes): 901 and 903 were published at the same instant.
    const rows = [
      { id: "pv_sort_1", revision: 901, message: "beta", authorLabel: "zoe", createdAt: at(5) },
      { id: "pv_sort_2", revision: 902, message: "Alpha", authorLabel: "Ann", createdAt: at(1) },
      { id: "pv_sort_3", revision: 903, message: "gamma", authorLabel: "bob", createdAt: at(5) },
    ];
    await database.db.insert(policyVersions).values(rows.map((row) => ({ ...row, contentHash: row.id, content: { policies: [] } })));
    const [v1, v2, v3] = rows.map((row) => row.id);
    const order = async (sort?: ListPolicyVersionsQuery["sort"]) => (await listPolicyVersions({ ctx: userContext("viewer"), sort })).map((version) => version.id).filter((id) => id.startsWith("pv_sort_"));
    expect(await order()).toEqual([v3, v2, v1]);
    expect(await order("revision")).toEqual([v1, v2, v3]);
    expect(await order("published")).toEqual([v2, v1, v3]); // v1 and v3 tie: by id, ascending
    expect(await order("-published")).toEqual([v3, v1, v2]); // and descending
    expect(await order("message")).toEqual([v2, v1, v3]); // case-insensitive
    expect(await order("-author")).toEqual([v1, v3, v2]);
    expect(() => readQuery(new URLSearchParams({ sort: "content" }), ListPolicyVersionsQuery)).toThrow(/sort/);
    expect(readPageQuery({ sort: "content" }, ListPolicyVersionsQuery)).toEqual({ sort: "-revision" });
  });
});
