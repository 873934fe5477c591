/**
 * The sender configuration to paste, per source, filled in with Steward's base URL and the EP's
 * token (docs/ingest.md has the same snippets with placeholders). Pure: the console renders these
 * right after a token is issued, with a copy button.
 */
export type SenderSnippet = { id: string; title: string; where: string; text: string };

export const OPA_UPLOAD_LIMIT_HINT = "upload_size_limit_bytes ≤ 65536 (compressed): Steward accepts any such chunk however far it inflates";

export function senderSnippets(baseUrl: string, token: string): SenderSnippet[] {
  const base = baseUrl.replace(/\/+$/, "");
  const opaConfig = `services:
  steward:
    url: ${base}/api/v1/opa
    credentials:
      bearer:
        token: "${token}"
decision_logs:
  service: steward        # uploads gzip JSON arrays to ${base}/api/v1/opa/logs
  reporting:
    upload_size_limit_bytes: 32768   # the default; keep ≤ 65536
    min_delay_seconds: 5
    max_delay_seconds: 10`;
  return [
    { id: "opa", title: "OPA", where: "OPA's config file (opa run --server --config-file …)", text: opaConfig },
    {
      id: "opa-envoy",
      title: "opa-envoy (Envoy ext_authz)",
      where: "The opa-envoy-plugin's config file; set this EP's mapping shape to envoy",
      text: `${opaConfig}
plugins:
  envoy_ext_authz_grpc:
    addr: :9191
    path: envoy/authz/allow`,
    },
    { id: "eopa", title: "Enterprise OPA", where: "Enterprise OPA's config file (it runs OPA's decision_logs plugin)", text: opaConfig },
    {
      id: "otlp",
      title: "OTLP exporter (OpenTelemetry SDKs)",
      where: "The gateway's environment",
      text: `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=${base}/api/v1/otlp/v1/logs
OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=http/protobuf
OTEL_EXPORTER_OTLP_LOGS_COMPRESSION=gzip
OTEL_EXPORTER_OTLP_LOGS_HEADERS=Authorization=Bearer%20${token}`,
    },
    {
      id: "agentgateway",
      title: "agentgateway (via an OpenTelemetry Collector)",
      where: "The Collector's config, in the logs pipeline that receives agentgateway's OTLP logs; set this EP's OTLP preset to agentgateway",
      text: `exporters:
  otlphttp/steward:
    logs_endpoint: ${base}/api/v1/otlp/v1/logs
    encoding: proto
    compression: gzip
    headers:
      Authorization: "Bearer ${token}"
service:
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [otlphttp/steward]`,
    },
    {
      id: "contextforge",
      title: "IBM ContextForge (webhook notification plugin)",
      where: "plugins/config.yaml of the MCP gateway",
      text: `plugins:
  - name: "WebhookNotification"
    kind: "plugins.webhook_notification.webhook_notification.WebhookNotificationPlugin"
    hooks: ["tool_post_invoke", "prompt_post_fetch", "resource_post_fetch"]
    mode: "permissive"
    priority: 900
    config:
      webhooks:
        - url: "${base}/api/v1/events/contextforge"
          events: ["tool_success", "tool_error", "violation", "rate_limit_exceeded", "pii_detected", "harmful_content", "prompt_success", "resource_success", "plugin_error"]
          authentication:
            type: "bearer"
            token: "${token}"
          retry_attempts: 3`,
    },
    {
      id: "native",
      title: "Native (any gateway)",
      where: "A shell, to try it",
      text: `curl -sS ${base}/api/v1/decisions \\
  -H 'Authorization: Bearer ${token}' \\
  -H 'Content-Type: application/json' \\
  -d '[{"id":"d-1","time":"'$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)'","agent":{"id":"my-agent"},"action":{"name":"crm.read"},"resource":{"type":"contact","id":"c-1"},"outcome":"allow"}]'`,
    },
  ];
}
