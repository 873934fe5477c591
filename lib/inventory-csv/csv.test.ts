import { describe, expect, it } from "vitest";
import { eq, inArray, like } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { agents, auditLog, people, teams } from "@/db/schema";
import { newId } from "../ids";
import { userContext } from "@/testing/context";
import { createAgent } from "../agents/create-agent";
import { detectDelimiter, parseCsv, parseCsvRows, toCsv, unneutralise } from "@/lib/csv";
import { exportAgentsCsv, exportPeopleCsv } from "./export";
import { importAgentsCsv } from "./import-agents";
import { importPeopleCsv } from "./import-people";

// Every test makes its own people, teams and agents (names carry a per-test tag) and counts only
// those, so the suite passes in any order (`vitest --sequence.shuffle`).
const database = suiteDatabase();

const security = userContext("security");
const tagged = () => newId("t").slice(-8).toLowerCase();
const peopleTagged = async (tag: string) => database.db.select().from(people).where(like(people.email, `%-${tag}@example.test`));
const teamsTagged = async (tag: string) => database.db.select().from(teams).where(like(teams.name, `%-${tag}`));
const auditCount = async () => (await database.db.select({ seq: auditLog.seq }).from(auditLog)).length;
/** The lines of an export that belong to one test. */
const linesWith = (csv: string, tag: string) => csv.split("\r\n").filter((line) => line.includes(tag));

describe("CSV reading and writing (csv-parse / csv-stringify)", () => {
  it("round-trips quoting and neutralises formulas", () => {
    const text = toCsv(["a", "b"], [["x, \"y\"", "=SUM(A1)"]]);
    expect(text).toBe('a,b\r\n"x, ""y""",\'=SUM(A1)\r\n');
    expect(parseCsv(text)).toEqual([["a", "b"], ['x, "y"', "'=SUM(A1)"]]);
  });

  it("undoes exactly the quote export added, for every formula start and for values that already start with quotes", () => {
    for (const value of ["=1+1", "+1", "-1", "@x", "\tx", "'=x", "''+x", "'plain", "plain", "", "a=b"]) {
      const [, row] = parseCsv(toCsv(["v"], [[value]]));
      expect(unneutralise(row?.[0] ?? ""), JSON.stringify(value)).toBe(value);
    }
    // Neutralised on the way out: no cell a spreadsheet would evaluate.
    expect(toCsv(["v"], [["=HYPERLINK(1)"], ["'=x"]])).toBe("v\r\n'=HYPERLINK(1)\r\n''=x\r\n");
  });

  it("reports the line a row starts on when a quoted field spans lines", () => {
    const rows = parseCsvRows('a,b\r\n"two\r\nlines",1\n\n"three\n\nlines",2\nlast,3\n');
    expect(rows.map((row) => [row.line, row.cells[1]])).toEqual([
      [1, "b"],
      [2, "1"],
      [5, "2"],
      [8, "3"],
    ]);
  });

  it("refuses an unterminated quote, naming the line it opens on or after", () => {
    expect(() => parseCsvRows('a,b\n1,"never closed\n2,3\n')).toThrow(/not valid CSV at line \d: a quoted field is never closed/);
  });

  it("detects the delimiter of the header line: comma, semicolon (Excel in many locales) or tab", () => {
    expect(detectDelimiter("name,email\n")).toBe(",");
    expect(detectDelimiter('name;email;"a,b"\n')).toBe(";");
    expect(detectDelimiter("name\temail\n")).toBe("\t");
    expect(parseCsv("name;email\r\nAnn;ann@example.test\r\n")).toEqual([
      ["name", "email"],
      ["Ann", "ann@example.test"],
    ]);
  });
});

describe("inventory import and export", () => {
  it("reports every people row's problems and writes nothing", async () => {
    const tag = tagged();
    const ann = `ann-${tag}@example.test`;
    const csv = ["name,email,team,active", `Ann,${ann},Red-${tag},true`, `,bob-${tag}@example.test,,`, "Cy,not-an-email,,maybe", `Di,${ann},,`].join("\n");
    const auditBefore = await auditCount();
    const preview = await importPeopleCsv({ ctx: security, input: { csv, dryRun: true } });
    expect(preview.rows).toEqual([
      { line: 2, key: ann, action: "create", problems: [] },
      { line: 3, key: `bob-${tag}@example.test`, action: "invalid", problems: ["name: Enter a name"] },
      { line: 4, key: "not-an-email", action: "invalid", problems: ['active: "maybe" is not true or false', "email: Enter a valid email address"] },
      { line: 5, key: ann, action: "invalid", problems: [`email: ${ann} is also on line 2`] },
    ]);
    expect(preview.problemCount).toBe(4);
    await expect(importPeopleCsv({ ctx: security, input: { csv, dryRun: false } })).rejects.toMatchObject({ code: "precondition_failed", message: "4 problems in the file; nothing was written" });
    expect(await peopleTagged(tag)).toEqual([]);
    expect(await teamsTagged(tag)).toEqual([]);
    expect(await auditCount()).toBe(auditBefore);
    await expect(importPeopleCsv({ ctx: userContext("risk"), input: { csv, dryRun: true } })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("names the right line after a quoted field with a newline, and refuses an unterminated quote", async () => {
    const tag = tagged();
    const csv = `name,email\n"Ann\nof two lines",ann-${tag}@example.test\nBob,not-an-email\n`;
    const preview = await importPeopleCsv({ ctx: security, input: { csv, dryRun: true } });
    expect(preview.rows.map((row) => [row.line, row.action])).toEqual([
      [2, "create"],
      [4, "invalid"],
    ]);
    await expect(importPeopleCsv({ ctx: security, input: { csv: `name,email\n"Ann,ann-${tag}@example.test\n`, dryRun: true } })).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/not valid CSV at line \d: a quoted field is never closed/) });
  });

  it("imports a semicolon-delimited file (Excel in many locales) column by column", async () => {
    const tag = tagged();
    const csv = `name;email;team\r\nAnn;ann-${tag}@example.test;Red-${tag}\r\n`;
    const result = await importPeopleCsv({ ctx: security, input: { csv, dryRun: false } });
    expect(result).toMatchObject({ applied: true, problemCount: 0, headerProblems: [] });
    expect((await peopleTagged(tag)).map((p) => [p.name, p.email])).toEqual([["Ann", `ann-${tag}@example.test`]]);
    expect((await teamsTagged(tag)).map((t) => t.name)).toEqual([`Red-${tag}`]);
  });

  it("imports valid people (creating their teams) in one step, audited, and exports them as imported", async () => {
    const tag = tagged();
    const csv = `name,email,team,external_id\nAnn,ann-${tag}@example.test,Red-${tag},hr-1-${tag}\nBob,bob-${tag}@example.test,Red-${tag},hr-2-${tag}\n`;
    const auditBefore = await auditCount();
    const result = await importPeopleCsv({ ctx: security, input: { csv, dryRun: false } });
    expect(result).toMatchObject({ applied: true, problemCount: 0 });
    expect(await peopleTagged(tag)).toHaveLength(2);
    expect((await teamsTagged(tag)).map((t) => t.name)).toEqual([`Red-${tag}`]);
    expect(await auditCount()).toBeGreaterThan(auditBefore);
    expect(linesWith(await exportPeopleCsv({ ctx: userContext("viewer") }), tag)).toEqual([
      `Ann,ann-${tag}@example.test,Red-${tag},hr-1-${tag},true`,
      `Bob,bob-${tag}@example.test,Red-${tag},hr-2-${tag},true`,
    ]);
  });

  it("export → import → export changes nothing, however many round trips (no quote added per trip)", async () => {
    const tag = tagged();
    const names = ["=cmd|' /C calc'!A0", "-Minus", "+Plus", "@At", "'=already quoted"];
    await importPeopleCsv({ ctx: security, input: { csv: toCsv(["name", "email"], names.map((name, i) => [name, `p${i}-${tag}@example.test`])), dryRun: false } });
    const stored = async () => (await peopleTagged(tag)).map((p) => p.name).sort();
    expect(await stored()).toEqual([...names].sort());
    const first = linesWith(await exportPeopleCsv({ ctx: security }), tag);
    for (let trip = 0; trip < 3; trip++) {
      const exported = await exportPeopleCsv({ ctx: security });
      const preview = await importPeopleCsv({ ctx: security, input: { csv: exported, dryRun: false } });
      expect(preview.problemCount).toBe(0);
      expect(await stored()).toEqual([...names].sort());
      expect(linesWith(await exportPeopleCsv({ ctx: security }), tag)).toEqual(first);
    }
  });

  it("reports every agent row's problems, nothing written, then imports a clean file", async () => {
    const tag = tagged();
    await importPeopleCsv({ ctx: security, input: { csv: `name,email,team\nAnn,ann-${tag}@example.test,Red-${tag}\n`, dryRun: false } });
    await createAgent({ ctx: security, input: { name: `existing-${tag}`, identities: [{ kind: "agent_id", value: `taken-${tag}` }] } });
    const header = "external_id,name,environment,owner_email,team,declared_actions,credential_kind,credential_max_lifetime_seconds,identities";
    const bad = [
      header,
      `a-1-${tag},good-bot-${tag},prod,ann-${tag}@example.test,Red-${tag},read;write,spiffe,300,agent_id:good-${tag}`,
      `a-2-${tag},,qa,nobody-${tag}@example.test,Blue-${tag},,magic,soon,agent_id:taken-${tag}`,
      `a-3-${tag},dup-bot-${tag},dev,,,,,,agent_id:good-${tag}`,
    ].join("\n");
    const agentsNamed = async () => (await database.db.select({ name: agents.name }).from(agents).where(like(agents.name, `%-${tag}`))).map((a) => a.name).sort();
    const preview = await importAgentsCsv({ ctx: security, input: { csv: bad, dryRun: true } });
    expect(preview.rows[0]).toEqual({ line: 2, key: `a-1-${tag}`, action: "create", problems: [] });
    expect(preview.rows[1]!.problems).toEqual([
      `owner_email: no person with the email nobody-${tag}@example.test (import people first)`,
      `team: no team named "Blue-${tag}"`,
      "name: Enter a name",
      'environment: Invalid option: expected one of "prod"|"staging"|"dev"',
      'credential_kind: Invalid option: expected one of "task_token"|"spiffe"|"oauth_client"|"static_api_key"|"shared_secret"',
      "credential_max_lifetime_seconds: Invalid input: expected number, received string",
    ]);
    expect(preview.rows[2]!.problems).toEqual([`identities: agent_id:good-${tag} is also on line 2`]);
    await expect(importAgentsCsv({ ctx: security, input: { csv: bad, dryRun: false } })).rejects.toMatchObject({ code: "precondition_failed" });
    expect(await agentsNamed()).toEqual([`existing-${tag}`]);

    const good = [header, `a-1-${tag},good-bot-${tag},prod,ann-${tag}@example.test,Red-${tag},read;write,spiffe,300,agent_id:good-${tag};spiffe_id:spiffe://corp/good-${tag}`].join("\n");
    expect(await importAgentsCsv({ ctx: security, input: { csv: good, dryRun: false } })).toMatchObject({ applied: true });
    expect(await agentsNamed()).toEqual([`existing-${tag}`, `good-bot-${tag}`]);
    const exported = await exportAgentsCsv({ ctx: security });
    expect(exported).toContain(`,a-1-${tag},good-bot-${tag},,prod,active,ann-${tag}@example.test,,Red-${tag},,,read;write,,spiffe,300,,agent_id:good-${tag};spiffe_id:spiffe://corp/good-${tag}\r\n`);
    // Re-importing the export changes nothing and reports no problem.
    expect(await importAgentsCsv({ ctx: security, input: { csv: exported, dryRun: true } })).toMatchObject({ problemCount: 0 });
    const [bot] = await database.db.select().from(agents).where(eq(agents.name, `good-bot-${tag}`));
    expect(bot).toBeDefined();
    expect(await database.db.select().from(people).where(inArray(people.id, bot?.ownerId ? [bot.ownerId] : []))).toHaveLength(1);
  });
});
