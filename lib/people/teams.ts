import { getDb } from "@/db/client";
import { countTeamMembers, deleteTeamRow, getTeamByName, getTeamOrThrow, insertTeamRow, listTeams as listTeamRows, renameTeamRow } from "@/db/people";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { countNoun } from "../count-noun";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { CreateTeamInput, RenameTeamInput, TeamIdInput } from "./schemas";

export async function createTeam({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "agents.write");
  const { name } = CreateTeamInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    if (await getTeamByName(tx, name)) throw new StewardError("conflict", `A team named ${name} already exists`, { path: "name" });
    const row = await insertTeamRow(tx, { id: newId("team"), name });
    await recordAudit(tx, ctx, { action: "team.create", entityType: "team", entityId: row.id, after: row });
    return row;
  });
}

export async function renameTeam({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "agents.write");
  const { teamId, name } = RenameTeamInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getTeamOrThrow(tx, teamId);
    const clash = await getTeamByName(tx, name);
    if (clash && clash.id !== teamId) throw new StewardError("conflict", `A team named ${name} already exists`, { path: "name" });
    const after = await renameTeamRow(tx, teamId, name);
    await recordAudit(tx, ctx, { action: "team.update", entityType: "team", entityId: teamId, before, after });
    return after;
  });
}

/** Only an empty team can go: agents and people must not lose their team silently. */
export async function deleteTeam({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "agents.write");
  const { teamId } = TeamIdInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getTeamOrThrow(tx, teamId);
    const members = await countTeamMembers(tx, teamId);
    if (members.agents + members.people > 0) {
      throw new StewardError("precondition_failed", `${before.name} still has ${countNoun(members.agents, "agent")} and ${countNoun(members.people, "person", "people")}; move them first`);
    }
    await deleteTeamRow(tx, teamId);
    await recordAudit(tx, ctx, { action: "team.delete", entityType: "team", entityId: teamId, before });
  });
}

export async function listTeams({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "agents.read");
  return listTeamRows(ctx.tx ?? (await getDb()));
}
