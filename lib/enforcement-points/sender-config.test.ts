import { describe, expect, it } from "vitest";
import { senderSnippets } from "./sender-config";

describe("sender configuration snippets", () => {
  it("fills in the console's URL and the token for every source, pointing at the routes that receive them", () => {
    const snippets = senderSnippets("https://steward.corp.example/", "stw_ep_test123");
    expect(snippets.map((snippet) => snippet.id)).toEqual(["opa", "opa-envoy", "eopa", "otlp", "agentgateway", "contextforge", "native"]);
    for (const snippet of snippets) expect(snippet.text).toContain("stw_ep_test123");
    const byId = new Map(snippets.map((snippet) => [snippet.id, snippet.text]));
    // OPA posts to <service url>/logs: the service URL is the OPA base, and the chunk limit fits Steward's.
    expect(byId.get("opa")).toContain("url: https://steward.corp.example/api/v1/opa\n");
    expect(byId.get("opa")).toMatch(/upload_size_limit_bytes: (\d+)/);
    expect(Number(/upload_size_limit_bytes: (\d+)/.exec(byId.get("opa")!)![1])).toBeLessThanOrEqual(65536);
    expect(byId.get("otlp")).toContain("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=https://steward.corp.example/api/v1/otlp/v1/logs");
    // OTEL_EXPORTER_OTLP_*_HEADERS values are percent-encoded: the space after Bearer must be %20.
    expect(byId.get("otlp")).toContain("OTEL_EXPORTER_OTLP_LOGS_HEADERS=Authorization=Bearer%20stw_ep_test123");
    expect(byId.get("agentgateway")).toContain("logs_endpoint: https://steward.corp.example/api/v1/otlp/v1/logs");
    expect(byId.get("contextforge")).toContain('url: "https://steward.corp.example/api/v1/events/contextforge"');
    expect(byId.get("native")).toContain("https://steward.corp.example/api/v1/decisions");
  });

  it("gives a Steward Gateway EP the gateway's start command first, its public URL from the EP's audience", () => {
    const snippets = senderSnippets("https://steward.corp.example", "stw_ep_gw", { kind: "mcp-gateway", audiences: ["https://gw.corp.example", "https://gw2.corp.example"] });
    expect(snippets.map((snippet) => snippet.id)).toEqual(["steward-gateway", "opa", "opa-envoy", "eopa", "otlp", "agentgateway", "contextforge", "native"]);
    const gateway = snippets[0]!.text;
    expect(gateway).toContain("STEWARD_CONSOLE_URL=https://steward.corp.example \\\n");
    expect(gateway).toContain("STEWARD_GATEWAY_TOKEN=stw_ep_gw \\\n");
    expect(gateway).toContain("STEWARD_GATEWAY_PUBLIC_URL=https://gw.corp.example \\\n");
    expect(gateway.endsWith("npm run gateway")).toBe(true);
    // No port in the public URL: the gateway's default; a port there is the one it must listen on.
    expect(gateway).toContain("STEWARD_GATEWAY_PORT=3700 \\\n");
    const direct = senderSnippets("https://steward.corp.example", "t", { kind: "mcp-gateway", audiences: ["http://127.0.0.1:4961"] })[0]!.text;
    expect(direct).toContain("STEWARD_GATEWAY_PUBLIC_URL=http://127.0.0.1:4961 \\\n");
    expect(direct).toContain("STEWARD_GATEWAY_PORT=4961 \\\n");
    // The upstreams value is JSON the gateway's own schema accepts.
    const upstreams = /STEWARD_GATEWAY_UPSTREAMS='([^']+)'/.exec(gateway)![1]!;
    expect(JSON.parse(upstreams)).toEqual([{ name: "files", transport: "http", url: "http://127.0.0.1:8080/mcp" }]);
    // With no audience yet, the snippet says to set one rather than inventing the gateway's URL silently.
    const noAudience = senderSnippets("https://steward.corp.example", "stw_ep_gw", { kind: "mcp-gateway", audiences: [] })[0]!;
    expect(noAudience.where).toMatch(/audience/);
    // Any other kind gets the ingest senders only.
    expect(senderSnippets("https://steward.corp.example", "t", { kind: "opa", audiences: [] })[0]!.id).toBe("opa");
  });
});
