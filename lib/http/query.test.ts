import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { ListAgentsQuery } from "../agents/schemas";
import { listAgents } from "../agents/list-agents";
import { AuditFilters, listAuditEntries } from "../audit/list-audit";
import { StewardError } from "../errors";
import { DecisionKeyQuery, ExploreQuery, exploreDecisions, QuarantineQuery, TraceQuery } from "../decisions/explore-decisions";
import { DecisionFilter } from "../decisions/filters";
import { AlignmentQuery, CrosswalkQuery, DownloadQuery, MappingKeyQuery, MappingListQuery } from "../frameworks/schemas";
import { ListFindingsQuery } from "../findings/schemas";
import { listPeople } from "../people/people";
import { ListPeopleQuery } from "../people/schemas";
import { DiffQuery, ListPolicyVersionsQuery } from "../policies/schemas";
import { ListTasksQuery } from "../identity/tasks-view";
import { AlertListQuery, ListAlertRulesQuery } from "../outbound/schemas";
import { ListMcpServersQuery, ToolCatalogQuery } from "../gateway/schemas";
import { ListReportsQuery } from "../frameworks/schemas";
import { userContext } from "@/testing/context";
import { readPageQuery, readQuery } from "./query";

// One database for the file; the tests only read it.
suiteDatabase();

const refusal = (run: () => unknown): StewardError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StewardError);
    return error as StewardError;
  }
  throw new Error("expected the query to be refused");
};
const crafted = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString("base64url");

/** Every query schema an API route reads, with bad query strings of each kind and the parameter the 400 must name. */
const API_QUERIES: [string, Parameters<typeof readQuery>[1], [string, string][]][] = [
  ["GET /api/v1/agents", ListAgentsQuery, [["q=%00", "q"], ["limit=abc", "limit"], ["limit=0", "limit"], ["limit=9999", "limit"], ["offset=-1", "offset"], ["sort=drop", "sort"], ["status=nope", "status"], ["owner=x", "owner"], ["limit=1&limit=2", "limit"], ["ownerId=a%01b", "ownerId"]]],
  ["GET /api/v1/people", ListPeopleQuery, [["q=%00", "q"], ["limit=1e400", "limit"], ["active=yes", "active"], ["offset=1.5", "offset"], ["teamId=%7F", "teamId"]]],
  ["GET /api/v1/decisions", ExploreQuery, [["q=%00", "q"], ["cursor=%00", "cursor"], ["from=-271821-04-20", "from"], ["to=1", "to"], ["limit=50x", "limit"], ["outcome=maybe", "outcome"], ["agent=" + "a".repeat(201), "agent"]]],
  ["GET /api/v1/decisions/quarantine", QuarantineQuery, [["ep=%00", "ep"], ["before=99999999999999999999", "before"], ["limit=-5", "limit"]]],
  ["GET /api/v1/decisions/stream", DecisionFilter, [["q=%00", "q"], ["outcome=all", "outcome"], ["since=1", "since"]]],
  ["GET /api/v1/policies/versions/diff", DiffQuery, [["from=%00&to=draft", "from"], ["to=draft", "from"]]],
  ["GET /api/v1/controls/mappings", MappingListQuery, [["frameworkId=%00", "frameworkId"], ["frameworkId=", "frameworkId"]]],
  ["DELETE /api/v1/controls/mappings", MappingKeyQuery, [["controlId=a&frameworkId=b", "itemId"]]],
  ["GET /api/v1/reports/{id}/download", DownloadQuery, [["format=exe", "format"]]],
  ["GET /api/v1/frameworks/{id}/crosswalk", CrosswalkQuery, [["to=%00", "to"]]],
  ["GET /api/v1/frameworks/{id}/alignment", AlignmentQuery, [["days=0", "days"], ["days=ten", "days"]]],
];

describe("the strict query reader (API routes)", () => {
  for (const [route, schema, cases] of API_QUERIES) {
    it(`${route}: a bad query string is a 400 naming the parameter`, () => {
      for (const [query, parameter] of cases) {
        const error = refusal(() => readQuery(new Request(`http://steward.test/x?${query}`), schema));
        expect({ query, status: error.status, path: error.path, message: error.message }).toEqual({ query, status: 400, path: `?${parameter}`, message: expect.stringContaining(`"${parameter}"`) });
      }
    });
  }

  it("refuses a crafted page cursor of every kind with a 400 naming it", async () => {
    const ctx = userContext("admin");
    for (const cursor of ["!!!", crafted({}), crafted(["-271821-04-20T00:00:00Z", "ep_1", "dec_1"]), crafted(["2026-01-01T00:00:00Z", "\u0000", "dec_1"]), crafted(["2026-01-01T00:00:00Z", "ep", 5]), crafted(["1", "ep", "id"])]) {
      const query = readQuery(new URLSearchParams({ cursor }), ExploreQuery);
      await expect(exploreDecisions({ ctx, query }), cursor).rejects.toMatchObject({ status: 400, path: "?cursor", message: expect.stringContaining('"cursor"') });
    }
  });

  it("reads a good query string to typed values, and a repeated list parameter as a list", () => {
    expect(readQuery(new URLSearchParams("limit=20&offset=40&sort=-risk&ids=a&ids=b"), ListAgentsQuery)).toMatchObject({ limit: 20, offset: 40, sort: "-risk", ids: ["a", "b"] });
    expect(readQuery(new URLSearchParams(""), ListPeopleQuery)).toEqual({ limit: 100, offset: 0, sort: "name" });
    expect(readQuery(new URLSearchParams("from=2026-01-31&to=2026-02-01T10:00:00%2B02:00"), ExploreQuery)).toMatchObject({ from: new Date("2026-01-31T00:00:00Z"), to: new Date("2026-02-01T08:00:00Z") });
    expect(readQuery(new URLSearchParams("active=false"), ListPeopleQuery)).toMatchObject({ active: false });
  });

  it("the tasks, alerts, alert rules, MCP servers, tool catalog, reports and policy versions schemas carry their default order and refuse an unknown one, naming ?sort", () => {
    expect(readQuery(new URLSearchParams(""), ListTasksQuery)).toEqual({ status: "all", limit: 50, sort: "-created" });
    expect(readQuery(new URLSearchParams(""), AlertListQuery)).toEqual({ limit: 100, sort: "-last" });
    expect(readQuery(new URLSearchParams(""), ListAlertRulesQuery)).toEqual({ sort: "name" });
    expect(readQuery(new URLSearchParams(""), ListMcpServersQuery)).toEqual({ sort: "name" });
    expect(readQuery(new URLSearchParams(""), ToolCatalogQuery)).toEqual({ toolSort: "server" });
    expect(readQuery(new URLSearchParams(""), ListReportsQuery)).toEqual({ sort: "-created" });
    expect(readQuery(new URLSearchParams(""), ListPolicyVersionsQuery)).toEqual({ sort: "-revision" });
    for (const schema of [ListTasksQuery, AlertListQuery, ListAlertRulesQuery, ListMcpServersQuery, ListReportsQuery, ListPolicyVersionsQuery]) {
      const error = refusal(() => readQuery(new URLSearchParams("sort=-nope"), schema));
      expect(error).toMatchObject({ code: "bad_request", path: "?sort" });
    }
  });
});

describe("the lenient query reader (console pages)", () => {
  it("drops what it cannot use and keeps the rest, so the agents, people, audit and decisions filters answer", async () => {
    const ctx = userContext("admin");
    const mangled = { q: "\u0000", limit: "abc", actor: "a\u0000", action: "x\u0000", from: "-271821-04-20", to: "1", outcome: "allow", extra: "1" };
    await expect(listAgents({ ctx, input: readPageQuery(mangled, ListAgentsQuery) })).resolves.toMatchObject({ limit: 50, offset: 0 });
    await expect(listPeople({ ctx, input: readPageQuery(mangled, ListPeopleQuery) })).resolves.toMatchObject({ limit: 100 });
    const audit = readPageQuery(mangled, AuditFilters);
    expect(audit).toEqual({ sort: "-time" });
    await expect(listAuditEntries({ ctx, filters: audit })).resolves.toMatchObject({ entries: expect.any(Array) });
    const explore = readPageQuery(mangled, ExploreQuery);
    expect(explore).toEqual({ outcome: "allow", limit: 50, sort: "-time" });
    await expect(exploreDecisions({ ctx, query: explore })).resolves.toMatchObject({ rows: [] });
    expect(readPageQuery({ trace: "t\u0000", task: "task-1" }, TraceQuery)).toEqual({ task: "task-1" });
    expect(readPageQuery({ ep: "ep_1", id: ["a", "b"], time: "-271821-04-20" }, DecisionKeyQuery)).toEqual({ ep: "ep_1", id: "", time: undefined });
    expect(readPageQuery({ kind: "orphaned", limit: "1e400" }, ListFindingsQuery)).toMatchObject({ kind: "orphaned", limit: 100 });
  });
});

/** Every route and page source under app/. */
function appFiles(dir = path.join(process.cwd(), "app")): { file: string; source: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return appFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [{ file: path.relative(process.cwd(), full), source: readFileSync(full, "utf8") }] : [];
  });
}

describe("every query string goes through the one reader", () => {
  it("no route reads searchParams itself, and every page that takes searchParams reads them with readPageQuery", () => {
    const files = appFiles();
    const routes = files.filter(({ file }) => file.endsWith("route.ts"));
    expect(routes.filter(({ source }) => /searchParams|nextUrl/.test(source)).map(({ file }) => file)).toEqual([]);
    const pages = files.filter(({ file }) => file.endsWith("page.tsx") && /searchParams\s*}\s*:/.test(readFileSync(file, "utf8")));
    expect(pages.filter(({ source }) => !/readPageQuery(WithIgnored)?\(/.test(source)).map(({ file }) => file)).toEqual([]);
  });
});
