import { randomUUID } from "node:crypto";
import { firstDataAt, insertReportSnapshot, type ReportSnapshotRow } from "@/db/frameworks";
import { getAuditHead } from "@/db/audit";
import { listEnforcementPointRows } from "@/db/enforcement-points";
import { getTeamOrThrow } from "@/db/people";
import { recordAudit } from "../audit/record-audit";
import { actorLabel } from "../auth/actor";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { evaluateAlignment, evidenceTotals } from "../frameworks/alignment";
import { CreateReportInput, type ReportScope } from "../frameworks/schemas";
import { newId } from "../ids";
import { buildEvidenceExports } from "./evidence-export";
import { anchorReport } from "./report-anchors";
import { reportHash } from "./report-hash";
import { oscalUuidKey, type ReportContent } from "./report-content";

export { reportHash } from "./report-hash";

const MAX_PERIOD_DAYS = 3660;
const DAY_MS = 86_400_000;

/** The method statements every report prints (docs/frameworks.md, "The method"). */
export const REPORT_METHOD_STATEMENTS: readonly string[] = [
  "Runtime facts (in the agent's declared scope, destructive, environment crossing, agent retired or suspended) are judged when each decision is recorded, with the policy revision and reasons in force; later changes to agents, enforcement points or catalogs do not change them. Decisions recorded before Steward judged them at ingest are judged against the inventory as it was when the report was made.",
  "A control whose violation is never acceptable (allowed out-of-scope calls, allowed destructive calls without approval, environment crossing, retired agents allowed, delegation beyond the cap, a shared workload identity) fails on any violation. Controls over a share of subjects pass when all comply, are partial from 80 % and fail below.",
  "A control without the data it needs is unknown, never pass; unknown counts as no evidence.",
  "Item status: every mapped control passes → covered; any mapped control passes or is partial, or a published policy tagged with the item determined at least one decision in the period → partial; otherwise → gap. Not applicable items (with a justification) are excluded. Parents roll up their children.",
  "Coverage % = (covered + ½ × partial) / applicable leaf items.",
  "Manual evidence counts when it was attested by the end of the period and is still valid then; validity is capped at the manualEvidenceMaxValidityDays setting after attestation.",
  "Settings used are snapshotted in the report; control titles state the thresholds of those settings.",
];

/**
 * Refuses a period a report cannot judge: one ending after today (UTC) — the future has no
 * evidence — or one ending before Steward holds any data (the first agent or decision).
 */
function refuseUnjudgeablePeriod(period: { start: Date; end: Date }, firstDataAt: Date | null, now: Date) {
  const endOfToday = Date.parse(now.toISOString().slice(0, 10)) + DAY_MS;
  if (period.end.getTime() > endOfToday) throw new StewardError("invalid_input", "The period ends in the future: a report can only judge what has happened", { path: "periodEnd" });
  if (!firstDataAt || period.end.getTime() <= firstDataAt.getTime()) {
    throw new StewardError("invalid_input", firstDataAt ? `The period ends before Steward holds any data (first recorded ${firstDataAt.toISOString()}): there is nothing to judge` : "Steward holds no agents or decisions yet: there is nothing to judge", { path: "periodEnd" });
  }
}

/**
 * Evaluates the chosen frameworks over live data and stores the result as an immutable, hashed
 * snapshot; once committed, its hash and the audit head at creation are anchored outside the
 * database (lib/reports/report-anchors.ts).
 */
export async function createReport({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ReportSnapshotRow> {
  requirePermission(ctx.actor, "reports.export");
  const parsed = CreateReportInput.parse(input);
  if (parsed.periodEnd.getTime() <= parsed.periodStart.getTime()) throw new StewardError("invalid_input", "The period must end after it starts", { path: "periodEnd" });
  if (parsed.periodEnd.getTime() - parsed.periodStart.getTime() > MAX_PERIOD_DAYS * 86_400_000) {
    throw new StewardError("invalid_input", `The period may span at most ${MAX_PERIOD_DAYS} days`, { path: "periodStart" });
  }
  const frameworkIds = [...new Set(parsed.frameworkIds)];
  const stored = await withTransaction(ctx, async (tx) => {
    refuseUnjudgeablePeriod({ start: parsed.periodStart, end: parsed.periodEnd }, await firstDataAt(tx), new Date());
    const scopeLabel = await describeScope(tx, parsed.scope);
    const alignment = await evaluateAlignment(tx, { frameworkIds, scope: parsed.scope, period: { start: parsed.periodStart, end: parsed.periodEnd } });
    const id = newId("rpt");
    const createdAt = new Date();
    const oscalUuids: Record<string, string> = {
      [oscalUuidKey.document()]: randomUUID(),
      [oscalUuidKey.assessmentPlan()]: randomUUID(),
      [oscalUuidKey.tool()]: randomUUID(),
      [oscalUuidKey.assessor()]: randomUUID(),
      [oscalUuidKey.platform()]: randomUUID(),
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
      method: { statements: [...REPORT_METHOD_STATEMENTS], controls: alignment.controls.map(({ controlId, rule, dataRequired }) => ({ controlId, rule, dataRequired })) },
      settings: alignment.facts.settings,
      inventory: {
        agents: alignment.facts.agents.map((agent) => ({ id: agent.id, name: agent.name, status: agent.status, environment: agent.environment, ownerId: agent.ownerId })),
        enforcementPoints: (await listEnforcementPointRows(tx)).map((point) => ({ id: point.id, name: point.name, kind: point.kind, environment: point.environment, enabled: point.enabled })),
      },
      evidence: await buildEvidenceExports(tx, id, alignment.controls),
      auditHead: (await getAuditHead(tx)) ?? null,
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
  // Committed: anchor its hash and the audit head outside the database. A failed write leaves the
  // report unanchored, which verification reports (it never passes without an anchor).
  try {
    await anchorReport(stored, (stored.content as ReportContent).auditHead ?? null);
  } catch (error) {
    console.error(`[reports] report ${stored.id} not anchored: ${(error as Error).message}`);
  }
  return stored;
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
      const team = await getTeamOrThrow(tx, scope.teamId, "scope.teamId");
      return `Team ${team.name}`;
    }
  }
}
