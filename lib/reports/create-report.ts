import { createHash, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { insertReportSnapshot, type ReportSnapshotRow } from "@/db/frameworks";
import { teams } from "@/db/schema";
import { canonicalJson } from "../audit/canonical-json";
import { recordAudit } from "../audit/record-audit";
import { actorLabel } from "../auth/actor";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { evaluateAlignment, evidenceTotals } from "../frameworks/alignment";
import { CreateReportInput, type ReportScope } from "../frameworks/schemas";
import { newId } from "../ids";
import { oscalUuidKey, type ReportContent } from "./report-content";

export function reportHash(content: ReportContent): string {
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

const MAX_PERIOD_DAYS = 3660;

/** Evaluates the chosen frameworks over live data and stores the result as an immutable, hashed snapshot. */
export async function createReport({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ReportSnapshotRow> {
  requirePermission(ctx.actor, "reports.export");
  const parsed = CreateReportInput.parse(input);
  if (parsed.periodEnd.getTime() <= parsed.periodStart.getTime()) throw new StewardError("invalid_input", "The period must end after it starts", { path: "periodEnd" });
  if (parsed.periodEnd.getTime() - parsed.periodStart.getTime() > MAX_PERIOD_DAYS * 86_400_000) {
    throw new StewardError("invalid_input", `The period may span at most ${MAX_PERIOD_DAYS} days`, { path: "periodStart" });
  }
  const frameworkIds = [...new Set(parsed.frameworkIds)];
  return withTransaction(ctx, async (tx) => {
    const scopeLabel = await describeScope(tx, parsed.scope);
    const alignment = await evaluateAlignment(tx, { frameworkIds, scope: parsed.scope, period: { start: parsed.periodStart, end: parsed.periodEnd } });
    const id = newId("rpt");
    const createdAt = new Date();
    const oscalUuids: Record<string, string> = {
      [oscalUuidKey.document()]: randomUUID(),
      [oscalUuidKey.assessmentPlan()]: randomUUID(),
      [oscalUuidKey.tool()]: randomUUID(),
    };
    for (const framework of alignment.frameworks) {
      oscalUuids[oscalUuidKey.result(framework.framework.id)] = randomUUID();
      for (const item of framework.items) {
        oscalUuids[oscalUuidKey.finding(framework.framework.id, item.itemId)] = randomUUID();
        for (const control of item.controls) oscalUuids[oscalUuidKey.observation(framework.framework.id, control.controlId)] ??= randomUUID();
      }
    }
    const content: ReportContent = {
      schemaVersion: 1,
      reportId: id,
      title: parsed.title,
      generatedAt: createdAt.toISOString(),
      generatedBy: actorLabel(ctx.actor),
      scope: parsed.scope,
      scopeLabel,
      period: { start: parsed.periodStart.toISOString(), end: parsed.periodEnd.toISOString() },
      ...evidenceTotals(alignment.facts),
      coverage: alignment.frameworks.map((framework) => framework.coverage),
      frameworks: alignment.frameworks,
      controls: alignment.controls,
      oscalUuids,
    };
    const row = await insertReportSnapshot(tx, {
      id,
      title: parsed.title,
      frameworkIds,
      scope: parsed.scope,
      periodStart: parsed.periodStart,
      periodEnd: parsed.periodEnd,
      content,
      sha256: reportHash(content),
      createdBy: ctx.actor.type === "user" ? ctx.actor.userId : actorLabel(ctx.actor),
      createdByLabel: actorLabel(ctx.actor),
      createdAt,
    });
    const { content: _content, ...summary } = row;
    await recordAudit(tx, ctx, { action: "report.create", entityType: "report", entityId: id, after: { ...summary, coverage: content.coverage } });
    return row;
  });
}

async function describeScope(tx: Parameters<Parameters<typeof withTransaction>[1]>[0], scope: ReportScope): Promise<string> {
  switch (scope.kind) {
    case "all":
      return "All agents";
    case "environment":
      return `Environment ${scope.environment}`;
    case "agent":
      return `Agent ${scope.agentId}`;
    case "team": {
      const [team] = await tx.select().from(teams).where(eq(teams.id, scope.teamId)).limit(1);
      if (!team) throw new StewardError("not_found", `Team ${scope.teamId} does not exist`, { path: "scope.teamId" });
      return `Team ${team.name}`;
    }
  }
}
