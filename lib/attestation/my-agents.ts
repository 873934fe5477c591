import { getDb } from "@/db/client";
import { actionUsageOf } from "@/db/activity";
import { peopleForUser } from "@/db/people";
import { listLiveAgentsOwnedBy } from "@/db/agents";
import { compareScope } from "../agents/declared-vs-observed";
import { toAgentViews } from "../agents/agent-view";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { getSettings } from "../settings/settings";

/** The signed-in person's agents, each with the usage evidence an attestation needs. */
export async function myAgents({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "agents.attest");
  if (ctx.actor.type !== "user") return { people: [], agents: [] };
  const db = ctx.tx ?? (await getDb());
  const mine = await peopleForUser(db, ctx.actor);
  if (!mine.length) return { people: [], agents: [] };
  const rows = await listLiveAgentsOwnedBy(db, mine.map((person) => person.id), 200);
  const settings = await getSettings(db);
  const since = new Date(Date.now() - settings.observationWindowDays * 86_400_000);
  const views = await toAgentViews(db, rows);
  const evidence = [];
  for (const row of rows) {
    const scope = compareScope(row.declaredActions, await actionUsageOf(db, row.id, since));
    evidence.push({ agent: views.find((v) => v.id === row.id)!, outOfScope: scope.outOfScope, unusedDeclared: scope.unusedDeclared, denies: scope.denies });
  }
  return { people: mine, agents: evidence, windowDays: settings.observationWindowDays, attestationIntervalDays: settings.attestationIntervalDays };
}
