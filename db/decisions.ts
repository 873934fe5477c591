import type { DatabaseHandle } from "./client";
import { rawQuery } from "./ingest";
import type { DecisionSummary } from "@/lib/decisions/schemas";

export const SUMMARY_COLUMNS = `enforcement_point_id, decision_id, time, received_at, agent_id, agent_ref, action_name, action_kind, resource_type, resource_id, outcome, reasons, trace_id, task_id, span_id, parent_span_id`;

type SummaryRecord = {
  enforcement_point_id: string;
  decision_id: string;
  time: Date | string;
  received_at: Date | string;
  agent_id: string;
  agent_ref: string;
  action_name: string;
  action_kind: string | null;
  resource_type: string;
  resource_id: string;
  outcome: DecisionSummary["outcome"];
  reasons: string[] | string;
  trace_id: string | null;
  task_id: string | null;
  span_id: string | null;
  parent_span_id: string | null;
};

export function toSummary(row: SummaryRecord): DecisionSummary {
  return {
    enforcementPointId: row.enforcement_point_id,
    decisionId: row.decision_id,
    time: new Date(row.time).toISOString(),
    receivedAt: new Date(row.received_at).toISOString(),
    agentId: row.agent_id,
    agentRef: row.agent_ref,
    actionName: row.action_name,
    actionKind: row.action_kind,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    reasons: typeof row.reasons === "string" ? (JSON.parse(row.reasons) as string[]) : row.reasons,
    traceId: row.trace_id,
    taskId: row.task_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
  };
}

/** One committed batch, found by its EP, transaction timestamp and time span (all rows of a batch share received_at). */
export async function listBatchSummaries(handle: DatabaseHandle, batch: { enforcementPointId: string; receivedAt: string; firstTime: string; lastTime: string }): Promise<DecisionSummary[]> {
  const rows = await rawQuery<SummaryRecord>(
    handle,
    `select ${SUMMARY_COLUMNS} from decisions where enforcement_point_id = $1 and received_at = $2::timestamptz and time between $3::timestamptz and $4::timestamptz order by time`,
    [batch.enforcementPointId, batch.receivedAt, batch.firstTime, batch.lastTime],
  );
  return rows.map(toSummary);
}
