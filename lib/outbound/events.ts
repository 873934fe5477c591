/**
 * The events Steward sends out. Every event has an id that is stable across retries and restarts
 * (a receiver de-duplicates on it), the stream it belongs to, a type, and the time it describes.
 */
export type OutboundStream = "decisions" | "audit" | "alerts";

export type OutboundEvent = {
  /** `dec.<ep>.<decision id>`, `aud.<audit id>` or `alt.<alert id>`. */
  id: string;
  stream: OutboundStream;
  /** `decision.recorded`, `audit.<entity>.<verb>`, `alert.opened`. */
  type: string;
  /** ISO 8601 UTC, microseconds where the source has them. */
  time: string;
  /** Syslog/CEF severity 0–10 and a one-line summary, for formats that need them. */
  severity: number;
  summary: string;
  data: Record<string, unknown>;
};

export type DecisionEventRow = {
  enforcementPointId: string;
  decisionId: string;
  time: string;
  receivedAt: string;
  agentId: string;
  agentRef: string;
  actionName: string;
  resourceType: string;
  resourceId: string;
  destination: string | null;
  outcome: string;
  reasons: string[];
  policyRevision: string | null;
  taskId: string | null;
  traceId: string | null;
  spanId: string | null;
  delegation: string[] | null;
  latencyMs: number | null;
};

const OUTCOME_SEVERITY: Record<string, number> = { allow: 3, approval_required: 5, deny: 6, error: 7 };

export function decisionEvent(row: DecisionEventRow): OutboundEvent {
  return {
    id: `dec.${row.enforcementPointId}.${row.decisionId}`,
    stream: "decisions",
    type: "decision.recorded",
    time: row.time,
    severity: OUTCOME_SEVERITY[row.outcome] ?? 5,
    summary: `${row.outcome.toUpperCase()} ${row.agentRef} ${row.actionName} ${row.resourceType}:${row.resourceId}`,
    data: { ...row },
  };
}

export type AuditEventRow = {
  seq: number;
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  via: string;
  ip: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  hash: string;
};

export function auditEvent(row: AuditEventRow): OutboundEvent {
  return {
    id: `aud.${row.id}`,
    stream: "audit",
    type: `audit.${row.action}`,
    time: row.at,
    severity: 4,
    summary: `${row.actorLabel} ${row.action} ${row.entityType}${row.entityId ? ` ${row.entityId}` : ""}`,
    data: { ...row },
  };
}

export type AlertEventRow = { seq: number; id: string; ruleId: string; ruleName: string; kind: string; severity: string; title: string; detail: Record<string, unknown>; firstAt: string };

const ALERT_SEVERITY: Record<string, number> = { low: 3, medium: 5, high: 8, critical: 10 };

export function alertEvent(row: AlertEventRow): OutboundEvent {
  return {
    id: `alt.${row.id}`,
    stream: "alerts",
    type: "alert.opened",
    time: row.firstAt,
    severity: ALERT_SEVERITY[row.severity] ?? 5,
    summary: `[${row.severity}] ${row.title}`,
    data: { ...row },
  };
}
