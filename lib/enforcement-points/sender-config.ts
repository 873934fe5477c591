/**
 * The sender configuration to paste, per source, filled in with Steward's base URL and the EP's
 * token (docs/ingest.md has the same snippets with placeholders). Pure: the console renders these
 * right after a token is issued, with a copy button.
 */
export type SenderSnippet = { id: string; title: string; where: string; text: string };

/** What the snippets need to know of the EP the token was issued for. */
export type SnippetTarget = { kind: string; audiences: readonly string[] };

export const OPA_UPLOAD_LIMIT_HINT = "upload_size_limit_bytes ≤ 65536 (compressed): Steward accepts any such chunk however far it inflates";

/**
 * The snippets for a token of `target`: an `mcp-gateway` EP gets the Steward Gateway's own start
 * command first (its public URL is the EP's first audience, the resource its agents' task tokens
 * name), then every other source, since a third-party MCP gateway registers as that kind too.
 */
export function senderSnippets(baseUrl: string, token: string, target?: SnippetTarget): SenderSnippet[] {
  const base = baseUrl.replace(/\/+$/, "");
  const sources = otherSenders(base, token);
  return target?.kind === "mcp-gateway" ? [stewardGatewaySnippet(base, token, target.audiences[0]), ...sources] : sources;
}

/** docs/gateway.md "Run it", filled in; the upstream is an example to replace with the team's MCP servers. */
function stewardGatewaySnippet(base: string, token: string, publicUrl: string | undefined): SenderSnippet {
  const upstreams = JSON.stringify([{ name: "files", transport: "http", url: "http://127.0.0.1:8080/mcp" }]);
  const next = "Then publish a policy that permits your agents' tools (Policies), and give agents <public URL>/mcp/<upstream name> as their MCP server; the gateway shows under MCP servers once it reports.";
  return {
    id: "steward-gateway",
    title: "Steward Gateway (npm run gateway)",
    where: publicUrl
      ? `A shell on the gateway's machine, in a Steward checkout: replace the example upstream with your MCP servers (docs/gateway.md). ${next}`
      : `A shell on the gateway's machine, in a Steward checkout: set the public URL to the one its agents will name (add it as this EP's audience too) and replace the example upstream with your MCP servers (docs/gateway.md). ${next}`,
    text: `STEWARD_CONSOLE_URL=${base} \\
STEWARD_GATEWAY_TOKEN=${token} \\
STEWARD_GATEWAY_PUBLIC_URL=${publicUrl ?? "https://gateway.example.internal"} \\
STEWARD_GATEWAY_PORT=${listenPortOf(publicUrl)} \\
STEWARD_GATEWAY_UPSTREAMS='${upstreams}' \\
npm run gateway`,
  };
}

/**
 * The port the gateway listens on: the public URL's own port when it names one (a gateway reached
 * directly), else the gateway's default 3700 (behind a proxy or load balancer on 80/443).
 */
function listenPortOf(publicUrl: string | undefined): number {
  const port = publicUrl ? new URL(publicUrl).port : ""; // an audience is an absolute URI (validated on save)
  return port ? Number(port) : 3700;
}

function otherSenders(base: string, token: string): SenderSnippet[] {
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
