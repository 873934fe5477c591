import { z } from "zod";

/**
 * Browser forms → the domain inputs. Checkboxes arrive as "on" (or absent), repeated checkboxes as a
 * string or a list, numbers as text, and unused kind-specific fields as empty strings.
 */
const list = z.preprocess((value) => (value === undefined || value === "" ? [] : Array.isArray(value) ? value : [value]), z.array(z.string()));
const checkbox = z.preprocess((value) => value === "on" || value === "true", z.boolean());
const text = z.preprocess((value) => (typeof value === "string" ? value.trim() : ""), z.string());
const optionalNumber = z.preprocess((value) => (value === "" || value === undefined ? undefined : Number(value)), z.number().optional());

export const DestinationForm = z
  .object({
    kind: text,
    name: text,
    url: text,
    webhookUrl: text,
    token: text,
    index: text,
    sourcetype: text,
    host: text,
    port: optionalNumber,
    tls: checkbox,
    caPem: text,
    headers: text,
    streams: list,
    outcomes: list,
    allowPrivateNetwork: checkbox,
    maxBacklogDays: optionalNumber,
  })
  .transform((form) => {
    const common = { name: form.name, streams: form.streams, decisionFilter: form.outcomes.length ? { outcomes: form.outcomes } : {}, allowPrivateNetwork: form.allowPrivateNetwork, ...(form.maxBacklogDays ? { maxBacklogDays: form.maxBacklogDays } : {}) };
    switch (form.kind) {
      case "slack":
        return { kind: form.kind, ...common, secret: { webhookUrl: form.webhookUrl } };
      case "splunk_hec":
        return { kind: form.kind, ...common, url: form.url, ...(form.index ? { index: form.index } : {}), ...(form.sourcetype ? { sourcetype: form.sourcetype } : {}), secret: { token: form.token } };
      case "syslog":
        return { kind: form.kind, ...common, host: form.host, port: form.port, tls: form.tls, ...(form.caPem ? { caPem: form.caPem } : {}) };
      case "otlp_logs":
        return { kind: form.kind, ...common, url: form.url, secret: { headers: parseHeaderLines(form.headers) } };
      default:
        return { kind: form.kind, ...common, url: form.url };
    }
  });

/** "Name: value" per line → a header map (the OTLP exporter's OTEL_EXPORTER_OTLP_HEADERS, one per line). */
export function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export const AlertRuleForm = z
  .object({
    name: text,
    kind: text,
    severity: text,
    destinationId: text,
    cooldownMinutes: optionalNumber,
    thresholdPercent: optionalNumber,
    windowMinutes: optionalNumber,
    minDecisions: optionalNumber,
    minutes: optionalNumber,
    minutesAfterPublish: optionalNumber,
    findingKinds: list,
  })
  .transform((form) => {
    const params =
      form.kind === "deny_rate"
        ? { thresholdPercent: form.thresholdPercent, windowMinutes: form.windowMinutes, ...(form.minDecisions ? { minDecisions: form.minDecisions } : {}) }
        : form.kind === "ep_silent" || form.kind === "approval_waiting"
          ? { minutes: form.minutes }
          : form.kind === "policy_never_matches"
            ? { minutesAfterPublish: form.minutesAfterPublish }
            : form.kind === "finding_opened"
              ? { kinds: form.findingKinds }
              : {};
    return { name: form.name, kind: form.kind, severity: form.severity, destinationId: form.destinationId || null, ...(form.cooldownMinutes !== undefined ? { cooldownMinutes: form.cooldownMinutes } : {}), params };
  });

export const IdForm = z.object({ id: z.string().min(1).max(64) });
export const EnabledForm = IdForm.extend({ enabled: z.enum(["true", "false"]).transform((value) => value === "true") });
