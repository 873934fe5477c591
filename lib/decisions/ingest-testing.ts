import { gzipSync } from "node:zlib";
import type { RequestContext } from "../auth/actor";
import { newId } from "../ids";

/** Test and script helper: a realistic decision. */
export function sampleDecision(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: newId("dec"),
    time: new Date().toISOString(),
    agent: { id: "planner-7", spiffe_id: "spiffe://corp/agents/planner-7", name: "Planner 7" },
    action: { name: "crm.read_contact", kind: "mcp.tools/call" },
    resource: { type: "contact", id: "c-1001" },
    outcome: "allow",
    reasons: ["pol_read_crm"],
    policy_revision: "rev-12",
    trace_id: "trace-1",
    span_id: "span-1",
    latency_ms: 1.7,
    context: { tenant: "acme" },
    ...overrides,
  };
}

export function enforcementPointContext(enforcementPointId: string, name = "test-ep"): RequestContext {
  return { actor: { type: "enforcement_point", enforcementPointId, name }, requestId: newId("req"), ip: "127.0.0.1" };
}

export function ingestRequest(body: string | Buffer, options: { contentType?: string; gzip?: boolean; path?: string; encoding?: string } = {}): Request {
  const payload = typeof body === "string" ? Buffer.from(body) : body;
  const encoded = options.gzip ? gzipSync(payload) : payload;
  return new Request(`http://steward.test${options.path ?? "/api/v1/decisions"}`, {
    method: "POST",
    headers: { "content-type": options.contentType ?? "application/json", ...(options.gzip ? { "content-encoding": "gzip" } : {}), ...(options.encoding ? { "content-encoding": options.encoding } : {}) },
    body: new Uint8Array(encoded),
  });
}
