import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The gateway's Prometheus metrics (text exposition at /metrics). Names follow Prometheus conventions: base units, _total counters. */
export function createMetrics() {
  const registry = new Registry();
  const latencyBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
  return {
    registry,
    calls: new Counter({ name: "steward_gateway_mcp_requests_total", help: "MCP requests received, by method", labelNames: ["method"], registers: [registry] }),
    decisions: new Counter({ name: "steward_gateway_decisions_total", help: "Decisions made, by outcome and source (mcp, pdp)", labelNames: ["outcome", "source"], registers: [registry] }),
    decisionSeconds: new Histogram({ name: "steward_gateway_decision_seconds", help: "Time to decide one request in-process", buckets: latencyBuckets, registers: [registry] }),
    callSeconds: new Histogram({ name: "steward_gateway_call_seconds", help: "tools/call end to end through the gateway (decision, spool, upstream)", buckets: latencyBuckets, registers: [registry] }),
    secretReleases: new Counter({ name: "steward_gateway_secret_releases_total", help: "Console secrets asked for calls: released by the console, served from the cache, refused, or unavailable (console unreachable, nothing cached)", labelNames: ["outcome"], registers: [registry] }),
    upstreamErrors: new Counter({ name: "steward_gateway_upstream_errors_total", help: "Failed upstream requests", labelNames: ["upstream"], registers: [registry] }),
    spoolBytes: new Gauge({ name: "steward_gateway_spool_backlog_bytes", help: "Recorded decisions not yet acknowledged by the console, in bytes", registers: [registry] }),
    spoolRecords: new Gauge({ name: "steward_gateway_spool_backlog_records", help: "Recorded decisions not yet acknowledged by the console", registers: [registry] }),
    spoolAgeSeconds: new Gauge({ name: "steward_gateway_spool_oldest_age_seconds", help: "Age of the oldest unshipped decision", registers: [registry] }),
    spoolFull: new Gauge({ name: "steward_gateway_spool_full", help: "1 while the spool is at its size bound (alarm)", registers: [registry] }),
    spoolDropped: new Counter({ name: "steward_gateway_spool_dropped_total", help: "Decisions not recorded because the spool was full (stop-recording mode)", registers: [registry] }),
    shipped: new Counter({ name: "steward_gateway_decisions_shipped_total", help: "Decisions acknowledged by the console", registers: [registry] }),
    shipFailures: new Counter({ name: "steward_gateway_ship_failures_total", help: "Failed deliveries to POST /api/v1/decisions", registers: [registry] }),
    bundleRevision: new Gauge({ name: "steward_gateway_bundle_revision", help: "Published policy revision in use (0: none)", registers: [registry] }),
    bundleAgeSeconds: new Gauge({ name: "steward_gateway_bundle_age_seconds", help: "Seconds since the bundle was last confirmed current with the console", registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
