import { readDb } from "../replica/read-db";
import { countFindingsByKindAndStatus, listFindingPage, listFindingSnapshotsSince, listFindingsOfAgent, type FindingKind } from "@/db/findings";
import { FINDING_KINDS } from "@/db/enums";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { ListFindingsQuery } from "./schemas";

type Kind = FindingKind;

/** Counts by kind and status, and the daily trend of open findings over `days`. */
export async function findingsDashboard({ ctx, days = 30 }: { ctx: Ctx; days?: number }) {
  requirePermission(ctx.actor, "agents.read");
  const db = ctx.tx ?? (await readDb());
  const counts = await countFindingsByKindAndStatus(db);
  const since = new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
  const trend = await listFindingSnapshotsSince(db, since);
  const byKind = Object.fromEntries(FINDING_KINDS.map((kind) => [kind, { open: 0, accepted: 0, resolved: 0 }])) as Record<Kind, { open: number; accepted: number; resolved: number }>;
  for (const row of counts) byKind[row.kind][row.status] = row.n;
  const days_ = [...new Set(trend.map((row) => row.day))];
  return {
    byKind,
    trend: days_.map((day) => ({ day, counts: Object.fromEntries(trend.filter((row) => row.day === day).map((row) => [row.kind, row.openCount])) as Partial<Record<Kind, number>> })),
  };
}

export async function listFindings({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "agents.read");
  const query = ListFindingsQuery.parse(input ?? {});
  const db = ctx.tx ?? (await readDb());
  const { rows, total } = await listFindingPage(db, query);
  return { items: rows.map((row) => ({ ...row.finding, agentName: row.agentName })), total };
}

export async function findingsOfAgent(ctx: Ctx, agentId: string) {
  requirePermission(ctx.actor, "agents.read");
  const db = ctx.tx ?? (await readDb());
  return listFindingsOfAgent(db, agentId);
}
