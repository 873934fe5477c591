import { count, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getTeamByName, getTeamOrThrow, listTeams as listTeamRows } from "@/db/people";
import { agents, people, teams } from "@/db/schema";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { CreateTeamInput, RenameTeamInput, TeamIdInput } from "./schemas";

export async function createTeam({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "agents.write");
  const { name } = CreateTeamInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    if (await getTeamByName(tx, name)) throw new StewardError("conflict", `A team named ${name} already exists`, { path: "name" });
    const [row] = await tx.insert(teams).values({ id: newId("team"), name }).returning();
    await recordAudit(tx, ctx, { action: "team.create", entityType: "team", entityId: row!.id, after: row });
    return row!;
  });
}

export async function renameTeam({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "agents.write");
  const { teamId, name } = RenameTeamInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getTeamOrThrow(tx, teamId);
    const clash = await getTeamByName(tx, name);
    if (clash && clash.id !== teamId) throw new StewardError("conflict", `A team named ${name} already exists`, { path: "name" });
    const [after] = await tx.update(teams).set({ name }).where(eq(teams.id, teamId)).returning();
    await recordAudit(tx, ctx, { action: "team.update", entityType: "team", entityId: teamId, before, after });
    return after!;
  });
}

/** Only an empty team can go: agents and people must not lose their team silently. */
export async function deleteTeam({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "agents.write");
  const { teamId } = TeamIdInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getTeamOrThrow(tx, teamId);
    const [[agentCount], [peopleCount]] = await Promise.all([
      tx.select({ n: count() }).from(agents).where(eq(agents.teamId, teamId)),
      tx.select({ n: count() }).from(people).where(eq(people.teamId, teamId)),
    ]);
    if ((agentCount?.n ?? 0) + (peopleCount?.n ?? 0) > 0) {
      throw new StewardError("precondition_failed", `${before.name} still has ${agentCount?.n ?? 0} agent(s) and ${peopleCount?.n ?? 0} people; move them first`);
    }
    await tx.delete(teams).where(eq(teams.id, teamId));
    await recordAudit(tx, ctx, { action: "team.delete", entityType: "team", entityId: teamId, before });
  });
}

export async function listTeams({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "agents.read");
  return listTeamRows(ctx.tx ?? (await getDb()));
}
