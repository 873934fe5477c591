import { readDb } from "../replica/read-db";
import { and, asc, count, desc, eq, gte, sql } from "drizzle-orm";
import { agents, findings, findingSnapshots, FINDING_KINDS } from "@/db/schema";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { ListFindingsQuery } from "./schemas";

type Kind = (typeof FINDING_KINDS)[number];

/** Counts by kind and status, and the daily trend of open findings over `days`. */
export async function findingsDashboard({ ctx, days = 30 }: { ctx: Ctx; days?: number }) {
  requirePermission(ctx.actor, "agents.read");
  const db = ctx.tx ?? (await readDb());
  const counts = await db.select({ kind: findings.kind, status: findings.status, n: count() }).from(findings).groupBy(findings.kind, findings.status);
  const since = new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
  const trend = await db.select().from(findingSnapshots).where(gte(findingSnapshots.day, since)).orderBy(asc(findingSnapshots.day));
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
  const where = and(eq(findings.status, query.status), query.kind ? eq(findings.kind, query.kind) : undefined);
  const [rows, [total]] = await Promise.all([
    db
      .select({ finding: findings, agentName: agents.name })
      .from(findings)
      .innerJoin(agents, eq(agents.id, findings.agentId))
      .where(where)
      .orderBy(desc(findings.lastDetectedAt), asc(findings.id))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ n: count() }).from(findings).where(where),
  ]);
  return { items: rows.map((row) => ({ ...row.finding, agentName: row.agentName })), total: total?.n ?? 0 };
}

export async function findingsOfAgent(ctx: Ctx, agentId: string) {
  requirePermission(ctx.actor, "agents.read");
  const db = ctx.tx ?? (await readDb());
  return db.select().from(findings).where(eq(findings.agentId, agentId)).orderBy(sql`case ${findings.status} when 'open' then 0 when 'accepted' then 1 else 2 end`, asc(findings.kind));
}
