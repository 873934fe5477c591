import { z } from "zod";
import { AlertListQuery, ListAlertRulesQuery, AlertRuleViewSchema, AlertViewSchema, CreateAlertRuleInput, CreatedDestinationSchema, CreateDestinationInput, DeliveryListQuery, DeliverySchema, DestinationViewSchema, DestinationWithBacklogSchema, TestResultSchema, UpdateAlertRuleInput, UpdateDestinationInput } from "@/lib/outbound/schemas";
import type { ApiOperation } from "../operation";

const destinations = { tag: "Outbound", auth: "user" } as const;
const one = { 200: { description: "The destination", schema: DestinationViewSchema }, 404: { description: "No such destination" } };
const alert = { 200: { description: "The alert", schema: AlertViewSchema }, 404: { description: "No such alert" }, 409: { description: "Not allowed from its current status (open → acknowledged → resolved)" } };

export const outboundOperations: ApiOperation[] = [
  { ...destinations, method: "get", path: "/api/v1/destinations", summary: "Outbound destinations with health and the decisions waiting for each", permission: "outbound.read", responses: { 200: { description: "All destinations", schema: z.object({ destinations: z.array(DestinationWithBacklogSchema) }) } } },
  { ...destinations, method: "post", path: "/api/v1/destinations", summary: "Register a destination (webhook, Slack, Splunk HEC, syslog, OTLP logs); a webhook's signing secret is returned once", description: "Loopback and private addresses need allowPrivateNetwork, which only administrators may set; link-local and cloud metadata addresses are always refused.", permission: "outbound.manage", body: CreateDestinationInput, responses: { 201: { description: "Registered", schema: CreatedDestinationSchema }, 409: { description: "The name is taken" } } },
  { ...destinations, method: "get", path: "/api/v1/destinations/{id}", summary: "One destination", permission: "outbound.read", responses: one },
  { ...destinations, method: "patch", path: "/api/v1/destinations/{id}", summary: "Change only the fields named", permission: "outbound.manage", body: UpdateDestinationInput, responses: one },
  { ...destinations, method: "delete", path: "/api/v1/destinations/{id}", summary: "Stop sending to a destination and remove it", permission: "outbound.manage", responses: { 204: { description: "Removed" }, 404: { description: "No such destination" } } },
  { ...destinations, method: "post", path: "/api/v1/destinations/{id}/test", summary: "Send one steward.test event now and report what the receiver answered", permission: "outbound.manage", responses: { 200: { description: "The attempt (also in the delivery log)", schema: TestResultSchema } } },
  { ...destinations, method: "post", path: "/api/v1/destinations/{id}/resume", summary: "Lift a pause after the receiver was fixed; the refused batch is sent again first", permission: "outbound.manage", responses: one },
  { ...destinations, method: "get", path: "/api/v1/destinations/{id}/deliveries", summary: "The delivery log, newest first (status, latency, response excerpt)", permission: "outbound.read", query: DeliveryListQuery, responses: { 200: { description: "Deliveries", schema: z.object({ deliveries: z.array(DeliverySchema) }) } } },
  { tag: "Alerts", auth: "user", method: "get", path: "/api/v1/alert-rules", summary: "Alert rules, by name unless ?sort= says otherwise", permission: "alerts.read", query: ListAlertRulesQuery, responses: { 200: { description: "All rules", schema: z.object({ rules: z.array(AlertRuleViewSchema) }) } } },
  { tag: "Alerts", auth: "user", method: "post", path: "/api/v1/alert-rules", summary: "Add an alert rule; it judges what happens from now on, at least once a minute", permission: "alerts.manage", body: CreateAlertRuleInput, responses: { 201: { description: "Created", schema: AlertRuleViewSchema } } },
  { tag: "Alerts", auth: "user", method: "patch", path: "/api/v1/alert-rules/{id}", summary: "Change only the fields named", permission: "alerts.manage", body: UpdateAlertRuleInput, responses: { 200: { description: "The rule", schema: AlertRuleViewSchema }, 404: { description: "No such rule" } } },
  { tag: "Alerts", auth: "user", method: "delete", path: "/api/v1/alert-rules/{id}", summary: "Remove a rule (its alerts stay)", permission: "alerts.manage", responses: { 204: { description: "Removed" }, 404: { description: "No such rule" } } },
  { tag: "Alerts", auth: "user", method: "get", path: "/api/v1/alerts", summary: "Alerts, most recently seen first unless ?sort= says otherwise", permission: "alerts.read", query: AlertListQuery, responses: { 200: { description: "Alerts", schema: z.object({ alerts: z.array(AlertViewSchema) }) } } },
  { tag: "Alerts", auth: "user", method: "post", path: "/api/v1/alerts/{id}/acknowledge", summary: "Acknowledge an open alert", permission: "alerts.manage", responses: alert },
  { tag: "Alerts", auth: "user", method: "post", path: "/api/v1/alerts/{id}/resolve", summary: "Resolve an alert", permission: "alerts.manage", responses: alert },
];
