import { hostname } from "node:os";
import { Webhook } from "standardwebhooks";
import type { OutboundEvent } from "./events";
import { postBody, sendSyslog, type SendResult } from "./transports";

/** A destination with its secret opened, as the dispatcher holds it for one attempt. */
export type OpenDestination = {
  id: string;
  kind: "webhook" | "slack" | "splunk_hec" | "syslog" | "otlp_logs";
  config: Record<string, unknown>;
  secret: Record<string, unknown>;
  allowPrivateNetwork: boolean;
};

/** Events per request; Slack messages stay readable and under its size limit. */
export const BATCH_SIZE: Record<OpenDestination["kind"], number> = { webhook: 500, slack: 20, splunk_hec: 500, syslog: 1000, otlp_logs: 500 };

const APP = "steward";
const host = () => hostname().replace(/[^\x21-\x7e]/g, "").slice(0, 255) || "-";

/**
 * Sends one batch in the destination's own format. `batchId` is stable for the same events, so a
 * retried webhook carries the same `webhook-id` (Standard Webhooks), re-signed with a fresh timestamp.
 */
export function deliver(destination: OpenDestination, events: OutboundEvent[], batchId: string): Promise<SendResult> {
  const policy = { allowPrivateNetwork: destination.allowPrivateNetwork };
  switch (destination.kind) {
    case "webhook": {
      const now = new Date();
      const body = JSON.stringify({ type: "steward.events", timestamp: now.toISOString(), data: { events } });
      const signature = new Webhook(String(destination.secret.signingSecret)).sign(batchId, now, body);
      const headers = { "content-type": "application/json", "webhook-id": batchId, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": signature };
      return postBody(new URL(String(destination.config.url)), headers, body, policy);
    }
    case "slack":
      return postBody(new URL(String(destination.secret.webhookUrl)), { "content-type": "application/json" }, JSON.stringify(slackMessage(events)), policy);
    case "splunk_hec": {
      const body = events.map((event) => JSON.stringify(splunkEvent(event, destination.config))).join("\n");
      return postBody(new URL(String(destination.config.url)), { "content-type": "application/json", authorization: `Splunk ${String(destination.secret.token)}` }, body, policy);
    }
    case "syslog":
      return sendSyslog(
        { host: String(destination.config.host), port: Number(destination.config.port), tls: destination.config.tls !== false, caPem: typeof destination.config.caPem === "string" ? destination.config.caPem : undefined },
        events.map(syslogMessage),
        policy,
      );
    case "otlp_logs": {
      const headers = { "content-type": "application/json", ...((destination.secret.headers as Record<string, string> | undefined) ?? {}) };
      return postBody(new URL(String(destination.config.url)), headers, JSON.stringify(otlpLogs(events)), policy);
    }
  }
}

/** A Slack-compatible incoming-webhook payload: one line per event, in mrkdwn with user text escaped. */
export function slackMessage(events: OutboundEvent[]): { text: string } {
  const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return { text: events.map((event) => `• ${escape(event.summary)} _(${event.type}, ${event.time})_`).join("\n") };
}

/** Splunk HTTP Event Collector event (time in epoch seconds with fraction). */
export function splunkEvent(event: OutboundEvent, config: Record<string, unknown>) {
  return {
    time: Date.parse(event.time) / 1000,
    host: host(),
    source: APP,
    sourcetype: typeof config.sourcetype === "string" && config.sourcetype ? config.sourcetype : `steward:${event.stream}`,
    ...(typeof config.index === "string" && config.index ? { index: config.index } : {}),
    event: { id: event.id, type: event.type, ...event.data },
  };
}

// CEF (ArcSight Common Event Format rev. 25): header fields escape \ and |; extension values escape \, = and line breaks.
const cefHeader = (text: string) => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
const cefValue = (value: unknown) => String(value ?? "").replace(/\\/g, "\\\\").replace(/=/g, "\\=").replace(/\r?\n|\r/g, "\\n");

/** CEF payload for one event: the fields a SIEM correlates on, mapped to CEF's standard keys. */
export function cefMessage(event: OutboundEvent): string {
  const data = event.data;
  const extension: [string, unknown][] = [
    ["rt", Date.parse(event.time)],
    ["externalId", event.id],
  ];
  if (event.stream === "decisions") {
    extension.push(["suser", data.agentId], ["suid", data.agentRef], ["act", data.actionName], ["outcome", data.outcome], ["request", `${String(data.resourceType)}:${String(data.resourceId)}`], ["deviceExternalId", data.enforcementPointId], ["cs1Label", "policyRevision"], ["cs1", data.policyRevision ?? ""], ["cs2Label", "taskId"], ["cs2", data.taskId ?? ""], ["msg", (data.reasons as string[] | undefined)?.join("; ") ?? ""]);
  } else if (event.stream === "audit") {
    extension.push(["suser", data.actorLabel], ["suid", data.actorId ?? ""], ["act", data.action], ["src", data.ip ?? ""], ["cs1Label", "entity"], ["cs1", `${String(data.entityType)}:${String(data.entityId ?? "")}`], ["cs2Label", "chainHash"], ["cs2", data.hash]);
  } else {
    extension.push(["act", data.kind], ["msg", event.summary], ["cs1Label", "ruleId"], ["cs1", data.ruleId]);
  }
  const ext = extension.filter(([, value]) => value !== "" && value !== undefined && value !== null).map(([key, value]) => `${key}=${cefValue(value)}`).join(" ");
  return `CEF:0|Steward|Steward|0.1|${cefHeader(event.type)}|${cefHeader(event.summary)}|${event.severity}|${ext}`;
}

/** RFC 5424 message, facility 10 (security/authorization), the CEF payload as MSG. */
export function syslogMessage(event: OutboundEvent): string {
  // CEF severity 0–10 → syslog severity: 9–10 critical(2), 7–8 error(3), 5–6 warning(4), 3–4 notice(5), else info(6).
  const syslogSeverity = event.severity >= 9 ? 2 : event.severity >= 7 ? 3 : event.severity >= 5 ? 4 : event.severity >= 3 ? 5 : 6;
  const pri = 10 * 8 + syslogSeverity;
  const msgId = event.type.replace(/[^\x21-\x7e]/g, "").slice(0, 32) || "-";
  return `<${pri}>1 ${event.time} ${host()} ${APP} ${process.pid} ${msgId} - ${cefMessage(event)}`;
}

const attribute = (key: string, value: unknown) =>
  typeof value === "number" ? { key, value: Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value } } : typeof value === "boolean" ? { key, value: { boolValue: value } } : { key, value: { stringValue: typeof value === "string" ? value : JSON.stringify(value) } };

/** OTLP/HTTP JSON `ExportLogsServiceRequest` (opentelemetry-proto logs/v1). */
export function otlpLogs(events: OutboundEvent[]) {
  const severityNumber = (severity: number) => (severity >= 9 ? 21 : severity >= 7 ? 17 : severity >= 5 ? 13 : 9); // FATAL, ERROR, WARN, INFO
  return {
    resourceLogs: [
      {
        resource: { attributes: [attribute("service.name", APP), attribute("host.name", host())] },
        scopeLogs: [
          {
            scope: { name: "steward.outbound", version: "1" },
            logRecords: events.map((event) => {
              const traceId = typeof event.data.traceId === "string" && /^[0-9a-f]{32}$/.test(event.data.traceId) ? event.data.traceId : undefined;
              const spanId = typeof event.data.spanId === "string" && /^[0-9a-f]{16}$/.test(event.data.spanId) ? event.data.spanId : undefined;
              return {
                timeUnixNano: String(BigInt(Date.parse(event.time)) * 1_000_000n),
                observedTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                severityNumber: severityNumber(event.severity),
                severityText: ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"][Math.floor((severityNumber(event.severity) - 1) / 4)],
                body: { stringValue: event.summary },
                attributes: [attribute("event.id", event.id), attribute("event.name", event.type), ...Object.entries(event.data).filter(([, value]) => value !== null && value !== undefined).map(([key, value]) => attribute(`steward.${key}`, value))],
                ...(traceId ? { traceId } : {}),
                ...(spanId ? { spanId } : {}),
              };
            }),
          },
        ],
      },
    ],
  };
}
