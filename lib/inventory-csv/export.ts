import { getDb } from "@/db/client";
import { readAgentsForExport } from "@/db/inventory-export";
import { listPeopleByName, listTeams } from "@/db/people";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { toCsv } from "@/lib/csv";
import { AGENT_COLUMNS } from "./import-agents";
import { PEOPLE_COLUMNS } from "./import-people";

/** Exports re-import cleanly: same columns, lists joined with ";". */
export async function exportPeopleCsv({ ctx }: { ctx: Ctx }): Promise<string> {
  requirePermission(ctx.actor, "agents.read");
  const db = ctx.tx ?? (await getDb());
  const [rows, teamRows] = await Promise.all([listPeopleByName(db), listTeams(db)]);
  const teamName = new Map(teamRows.map((t) => [t.id, t.name]));
  return toCsv(
    PEOPLE_COLUMNS,
    rows.map((p) => [p.name, p.email, p.teamId ? teamName.get(p.teamId) : "", p.externalId, p.active]),
  );
}

export async function exportAgentsCsv({ ctx }: { ctx: Ctx }): Promise<string> {
  requirePermission(ctx.actor, "agents.read");
  const db = ctx.tx ?? (await getDb());
  const { agentRows: rows, peopleRows, teamRows, identityRows } = await readAgentsForExport(db);
  const email = new Map(peopleRows.map((p) => [p.id, p.email]));
  const teamName = new Map(teamRows.map((t) => [t.id, t.name]));
  const identities = new Map<string, string[]>();
  for (const identity of identityRows) (identities.get(identity.agentId) ?? identities.set(identity.agentId, []).get(identity.agentId)!).push(`${identity.kind}:${identity.value}`);
  return toCsv(
    AGENT_COLUMNS,
    rows.map((a) => [
      a.id,
      a.externalId,
      a.name,
      a.description,
      a.environment,
      a.status,
      a.ownerId ? email.get(a.ownerId) : "",
      a.backupOwnerId ? email.get(a.backupOwnerId) : "",
      a.teamId ? teamName.get(a.teamId) : "",
      a.modelProvider,
      a.framework,
      a.declaredActions.join(";"),
      a.declaredResourceTypes.join(";"),
      a.credentialKind,
      a.credentialMaxLifetimeSeconds,
      a.dataSensitivity,
      (identities.get(a.id) ?? []).join(";"),
    ]),
  );
}
