import type { Tx } from "@/db/client";
import { getPersonByEmail, getPersonByExternalId, insertTeamRow, listTeams, type PersonRow } from "@/db/people";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { insertPerson, patchPerson, toPersonView } from "../people/people";
import { countNoun } from "../count-noun";
import { PersonFields } from "../people/schemas";
import { readRecords } from "./csv";
import { ImportCsvInput, type ImportResult, type ImportRowResult } from "./schemas";

export const PEOPLE_COLUMNS = ["name", "email", "team", "external_id", "active"] as const;

const parseBool = (value: string | undefined): boolean | undefined | "invalid" => {
  if (!value) return undefined;
  if (/^(true|yes|1|active)$/i.test(value)) return true;
  if (/^(false|no|0|inactive)$/i.test(value)) return false;
  return "invalid";
};

type PlannedPerson = { result: ImportRowResult; data: { name: string; email: string; externalId: string | null; active?: boolean }; teamName: string | null; existing: PersonRow | undefined };

async function planPeople(tx: Tx, csv: string) {
  const { records, headerProblems } = readRecords(csv, PEOPLE_COLUMNS, ["name", "email"]);
  const teamNames = new Set((await listTeams(tx)).map((team) => team.name));
  const seenEmails = new Map<string, number>();
  const seenExternal = new Map<string, number>();
  const planned: PlannedPerson[] = [];
  for (const { line, values } of records) {
    const problems: string[] = [];
    const active = parseBool(values.active);
    if (active === "invalid") problems.push(`active: "${values.active}" is not true or false`);
    const parsed = PersonFields.pick({ name: true, email: true }).safeParse({ name: values.name ?? "", email: values.email ?? "" });
    if (!parsed.success) for (const issue of parsed.error.issues) problems.push(`${String(issue.path[0])}: ${issue.message}`);
    const email = parsed.success ? parsed.data.email : (values.email ?? "").toLowerCase();
    const externalId = values.external_id || null;
    if (email && seenEmails.has(email)) problems.push(`email: ${email} is also on line ${seenEmails.get(email)}`);
    if (email) seenEmails.set(email, line);
    if (externalId && seenExternal.has(externalId)) problems.push(`external_id: ${externalId} is also on line ${seenExternal.get(externalId)}`);
    if (externalId) seenExternal.set(externalId, line);
    const byExternal = externalId ? await getPersonByExternalId(tx, externalId) : undefined;
    const byEmail = email ? await getPersonByEmail(tx, email) : undefined;
    if (byExternal && byEmail && byExternal.id !== byEmail.id) problems.push(`email: ${email} belongs to ${byEmail.name}, but external_id ${externalId} is ${byExternal.name}`);
    const existing = byExternal ?? byEmail;
    if (existing?.externalId && externalId && existing.externalId !== externalId) problems.push(`external_id: ${email} already has external id ${existing.externalId}`);
    const teamName = values.team || null;
    const data = { name: parsed.success ? parsed.data.name : "", email, externalId: externalId ?? existing?.externalId ?? null, ...(active === true || active === false ? { active } : {}) };
    planned.push({
      result: { line, key: email || `line ${line}`, action: problems.length ? "invalid" : existing ? "update" : "create", problems },
      data,
      teamName,
      existing,
    });
  }
  return { headerProblems, planned, teamNames };
}

/**
 * Dry run lists every row's problems and what would happen; a real run writes only if no row has
 * a problem, all in one transaction (teams named in the file are created).
 */
export async function importPeopleCsv({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ImportResult> {
  requirePermission(ctx.actor, "agents.write");
  const { csv, dryRun } = ImportCsvInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const { headerProblems, planned, teamNames } = await planPeople(tx, csv);
    const rows = planned.map((p) => p.result);
    const problemCount = headerProblems.length + rows.reduce((n, row) => n + row.problems.length, 0);
    const result = { applied: false, headerProblems, rows, problemCount };
    if (dryRun) return result;
    if (problemCount > 0) throw new StewardError("precondition_failed", `${countNoun(problemCount, "problem")} in the file; nothing was written`, { details: result });
    const teamIds = new Map((await listTeams(tx)).map((team) => [team.name, team.id]));
    for (const name of new Set(planned.map((p) => p.teamName).filter((n): n is string => !!n && !teamNames.has(n)))) {
      const team = await insertTeamRow(tx, { id: newId("team"), name });
      teamIds.set(name, team.id);
      await recordAudit(tx, ctx, { action: "team.create", entityType: "team", entityId: team.id, after: team });
    }
    for (const plan of planned) {
      const teamId = plan.teamName ? teamIds.get(plan.teamName)! : undefined;
      if (!plan.existing) {
        const row = await insertPerson(tx, { ...plan.data, ...(teamId ? { teamId } : {}) });
        await recordAudit(tx, ctx, { action: "person.create", entityType: "person", entityId: row.id, after: toPersonView(row) });
      } else {
        const row = await patchPerson(tx, ctx, plan.existing, { ...plan.data, ...(teamId ? { teamId } : {}) });
        await recordAudit(tx, ctx, { action: "person.update", entityType: "person", entityId: row.id, before: toPersonView(plan.existing), after: toPersonView(row) });
      }
    }
    await recordAudit(tx, ctx, { action: "inventory.import_people", entityType: "person", entityId: null, after: { rows: planned.length } });
    return { ...result, applied: true };
  });
}
