/**
 * The value lists the schema's enum columns accept, for lib/ to validate input and name types with.
 * Constants only, no queries: lib/ imports these from here, never from db/schema (eslint.config.mjs).
 */
export { ACCESS_REQUEST_STATUSES, APPROVER_GROUPS, DELIVERY_KINDS, DELIVERY_STATUSES, WEBHOOK_GROUPS, WEBHOOK_PRESETS } from "./schema/approvals";
export type { ApproverGroup } from "./schema/approvals";
export { ENFORCEMENT_POINT_KINDS, OUTCOMES } from "./schema/decisions";
export { EVIDENCE_KINDS } from "./schema/frameworks";
export { MCP_TRANSPORTS } from "./schema/gateway";
export { REVOCATION_KINDS, TASK_STATUSES, TRUST_DOMAIN_SOURCES } from "./schema/identity";
export { AGENT_STATUSES, ATTESTATION_OUTCOMES, CREDENTIAL_KINDS, DATA_SENSITIVITIES, ENVIRONMENTS, EVENT_FINDING_KINDS, FINDING_KINDS, FINDING_STATUSES, IDENTITY_KINDS, RISK_TIERS } from "./schema/inventory";
export { ALERT_RULE_KINDS, ALERT_STATUSES, DESTINATION_KINDS, DESTINATION_STREAMS, SEVERITIES } from "./schema/outbound";
export { REPLAY_STATUSES } from "./schema/policies";
