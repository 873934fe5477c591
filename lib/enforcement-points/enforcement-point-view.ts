import type { EnforcementPointRow, EnforcementPointTokenRow } from "@/db/enforcement-points";
import { OpaMapping, type EnforcementPointView } from "./schemas";

export function toEnforcementPointView(row: EnforcementPointRow, tokens: EnforcementPointTokenRow[]): EnforcementPointView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    environment: row.environment,
    description: row.description,
    enabled: row.enabled,
    reportedPolicyRevision: row.reportedPolicyRevision,
    lastSeenAt: row.lastSeenAt,
    lastRejectedAt: row.lastRejectedAt,
    lastRejectedReason: row.lastRejectedReason,
    skippedRecords: row.skippedRecords,
    opaMapping: OpaMapping.parse(row.opaMapping ?? {}),
    audiences: row.audiences ?? [],
    tokens: tokens.filter((token) => token.enforcementPointId === row.id).map((token) => ({ id: token.id, prefix: token.prefix, createdAt: token.createdAt, expiresAt: token.expiresAt })),
    createdAt: row.createdAt,
  };
}
