import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { closedDaysOf } from "@/db/activity";
import type { Executor } from "@/db/client";
import { decisions } from "@/db/schema";
import type { DecisionSummary } from "@/lib/decisions/schemas";

const day = (time: Date) => time.toISOString().slice(0, 10);

/** Test-only: decisions live in day partitions; make sure the days between `from` and `to` have one. */
export async function ensureTestDecisionPartitions(db: Executor, from: Date, to: Date = from): Promise<void> {
  await db.execute(sql`select steward_ensure_decision_partitions(${day(from)}::date, ${day(to)}::date)`);
}

/** Test-only: inserts decision rows as stored, after making sure their days have partitions. */
export async function insertTestDecisionRows(db: Executor, rows: (typeof decisions.$inferInsert)[]): Promise<void> {
  if (!rows.length) return;
  const times = rows.map((row) => row.time.getTime());
  await ensureTestDecisionPartitions(db, new Date(Math.min(...times)), new Date(Math.max(...times)));
  await db.insert(decisions).values(rows);
  // As ingest does: closed days that get decisions are marked for the rollup refresh.
  const late = closedDaysOf(rows.map((row) => row.time), new Date());
  if (late.length) await db.execute(sql`insert into decision_days_changed (day) select unnest(${`{${late.join(",")}}`}::date[])`);
}

export type TestDecision = {
  agentId: string;
  agentRef?: string;
  action: string;
  resourceType?: string;
  outcome?: "allow" | "deny" | "approval_required" | "error";
  time?: Date;
  enforcementPointId?: string;
  delegation?: string[];
};

/** Test-only: records decisions as plain rows, the way ingest stores them. */
export async function recordTestDecisions(db: Executor, rows: TestDecision[]): Promise<void> {
  await insertTestDecisionRows(
    db,
    rows.map((row) => ({
      enforcementPointId: row.enforcementPointId ?? "ep_test",
      decisionId: randomUUID(),
      time: row.time ?? new Date(),
      agentId: row.agentId,
      agentRef: row.agentRef ?? row.agentId,
      actionName: row.action,
      resourceType: row.resourceType ?? "Document",
      resourceId: "doc-1",
      outcome: row.outcome ?? "allow",
      delegation: row.delegation ?? null,
      contentHash: "test",
    })),
  );
}

let summarySequence = 0;
/** Test-only: a live-feed decision summary (an allow of `tool.call` on doc d1 by agt_1 at `time`), with `overrides`. */
export function testDecisionSummary(time: string, overrides: Partial<DecisionSummary> = {}): DecisionSummary {
  summarySequence++;
  return {
    enforcementPointId: "ep_test",
    decisionId: `dec-${summarySequence}`,
    time,
    receivedAt: new Date().toISOString(),
    agentId: "agt_1",
    agentRef: "planner",
    actionName: "tool.call",
    actionKind: null,
    resourceType: "doc",
    resourceId: "d1",
    outcome: "allow",
    reasons: [],
    traceId: null,
    taskId: null,
    spanId: null,
    parentSpanId: null,
    ...overrides,
  };
}
