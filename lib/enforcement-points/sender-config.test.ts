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
});
