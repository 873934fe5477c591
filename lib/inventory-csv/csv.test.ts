import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/db/testing/test-database";
import { agents, auditLog, people, teams } from "@/db/schema";
import { userContext } from "../testing";
import { createAgent } from "../agents/create-agent";
import { parseCsv, toCsv } from "@/lib/csv";
import { exportAgentsCsv, exportPeopleCsv } from "./export";
import { importAgentsCsv } from "./import-agents";
import { importPeopleCsv } from "./import-people";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const security = userContext("security");
const count = async (table: typeof people | typeof agents | typeof auditLog | typeof teams) => (await database.db.select().from(table)).length;

describe("CSV", () => {
  it("round-trips quoting and neutralises formulas", () => {
    const text = toCsv(["a", "b"], [["x, \"y\"", "=SUM(A1)"]]);
    expect(text).toBe('a,b\r\n"x, ""y""",\'=SUM(A1)\r\n');
    expect(parseCsv(text)).toEqual([["a", "b"], ['x, "y"', "'=SUM(A1)"]]);
  });

  it("reports every people row's problems and writes nothing", async () => {
    const csv = ["name,email,team,active", "Ann,ann@example.test,Red,true", ",bob@example.test,,", "Cy,not-an-email,,maybe", "Di,ann@example.test,,"].join("\n");
    const auditBefore = await count(auditLog);
    const preview = await importPeopleCsv({ ctx: security, input: { csv, dryRun: true } });
    expect(preview.rows).toEqual([
      { line: 2, key: "ann@example.test", action: "create", problems: [] },
      { line: 3, key: "bob@example.test", action: "invalid", problems: ["name: Enter a name"] },
      { line: 4, key: "not-an-email", action: "invalid", problems: ['active: "maybe" is not true or false', "email: Enter a valid email address"] },
      { line: 5, key: "ann@example.test", action: "invalid", problems: ["email: ann@example.test is also on line 2"] },
    ]);
    expect(preview.problemCount).toBe(4);
    await expect(importPeopleCsv({ ctx: security, input: { csv, dryRun: false } })).rejects.toMatchObject({ code: "precondition_failed", message: "4 problem(s) in the file; nothing was written" });
    expect(await count(people)).toBe(0);
    expect(await count(teams)).toBe(0);
    expect(await count(auditLog)).toBe(auditBefore);
    await expect(importPeopleCsv({ ctx: userContext("risk"), input: { csv, dryRun: true } })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("imports valid people (creating their teams) in one step, audited", async () => {
    const csv = "name,email,team,external_id\nAnn,ann@example.test,Red,hr-1\nBob,bob@example.test,Red,hr-2\n";
    const result = await importPeopleCsv({ ctx: security, input: { csv, dryRun: false } });
    expect(result).toMatchObject({ applied: true, problemCount: 0 });
    expect(await count(people)).toBe(2);
    expect((await database.db.select().from(teams)).map((t) => t.name)).toEqual(["Red"]);
    expect(await exportPeopleCsv({ ctx: userContext("viewer") })).toBe("name,email,team,external_id,active\r\nAnn,ann@example.test,Red,hr-1,true\r\nBob,bob@example.test,Red,hr-2,true\r\n");
  });

  it("reports every agent row's problems, nothing written, then imports a clean file", async () => {
    await createAgent({ ctx: security, input: { name: "existing", identities: [{ kind: "agent_id", value: "taken" }] } });
    const header = "external_id,name,environment,owner_email,team,declared_actions,credential_kind,credential_max_lifetime_seconds,identities";
    const bad = [
      header,
      "a-1,good-bot,prod,ann@example.test,Red,read;write,spiffe,300,agent_id:good",
      "a-2,,qa,nobody@example.test,Blue,,magic,soon,agent_id:taken",
      "a-3,dup-bot,dev,,,,,,agent_id:good",
    ].join("\n");
    const agentsBefore = await count(agents);
    const preview = await importAgentsCsv({ ctx: security, input: { csv: bad, dryRun: true } });
    expect(preview.rows[0]).toEqual({ line: 2, key: "a-1", action: "create", problems: [] });
    expect(preview.rows[1]!.problems).toEqual([
      "owner_email: no person with the email nobody@example.test (import people first)",
      'team: no team named "Blue"',
      "name: Enter a name",
      "environment: Invalid option: expected one of \"prod\"|\"staging\"|\"dev\"",
      "credential_kind: Invalid option: expected one of \"task_token\"|\"spiffe\"|\"oauth_client\"|\"static_api_key\"|\"shared_secret\"",
      "credential_max_lifetime_seconds: Invalid input: expected number, received string",
    ]);
    expect(preview.rows[2]!.problems).toEqual(["identities: agent_id:good is also on line 2"]);
    await expect(importAgentsCsv({ ctx: security, input: { csv: bad, dryRun: false } })).rejects.toMatchObject({ code: "precondition_failed" });
    expect(await count(agents)).toBe(agentsBefore);

    const good = [header, "a-1,good-bot,prod,ann@example.test,Red,read;write,spiffe,300,agent_id:good;spiffe_id:spiffe://corp/good"].join("\n");
    expect(await importAgentsCsv({ ctx: security, input: { csv: good, dryRun: false } })).toMatchObject({ applied: true });
    expect(await count(agents)).toBe(agentsBefore + 1);
    const exported = await exportAgentsCsv({ ctx: security });
    expect(exported).toContain(",a-1,good-bot,,prod,active,ann@example.test,,Red,,,read;write,,spiffe,300,,agent_id:good;spiffe_id:spiffe://corp/good\r\n");
    // Re-importing the export changes nothing and reports no problem.
    expect(await importAgentsCsv({ ctx: security, input: { csv: exported, dryRun: true } })).toMatchObject({ problemCount: 0 });
  });
});
