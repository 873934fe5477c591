import { hash } from "node:crypto";
import type { IngestItem } from "./ingest-item";
import { isNetworkAddress, readPrincipal } from "./principal";
import { findTooDeep, INGEST_LIMITS } from "./read-ingest-body";

/**
 * One IBM ContextForge (MCP Context Forge) webhook-notification event → one decision. The
 * plugin's default template posts, one JSON object per event:
 * `{event, plugin, timestamp, request_id, user, tenant_id, server_id, violation, metadata}` with
 * `event` one of tool_success, tool_error, prompt_success, resource_success (allowed calls;
 * tool_error is an error), violation, rate_limit_exceeded, pii_detected, harmful_content (denied
 * by the named plugin) and plugin_error (error). `metadata` names the tool (`tool_name`), prompt
 * (`prompt_id`) or resource (`resource_uri`). The agent is `user` (a string or an object with
 * id/sub/name); the template renders a missing user as "null"/"None", which is no identity.
 */
type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === "string" && value && value !== "null" && value !== "None" ? value : typeof value === "number" ? String(value) : undefined);

const OUTCOME: Record<string, string> = {
  tool_success: "allow",
  prompt_success: "allow",
  resource_success: "allow",
  tool_error: "error",
  plugin_error: "error",
  violation: "deny",
  rate_limit_exceeded: "deny",
  pii_detected: "deny",
  harmful_content: "deny",
};

export const CONTEXTFORGE_EVENTS = Object.keys(OUTCOME);

/** `text` is the body as received (kept verbatim in quarantine; re-serialising a hostile body could exhaust the stack). */
export function contextForgeEventToDecision(event: unknown, text?: string): IngestItem {
  const raw = text ?? JSON.stringify(event) ?? "null";
  const refuse = (path: string, message: string): IngestItem => ({ raw, path, parseError: `ContextForge event: ${message}` });
  if (!isObject(event)) return refuse("$", "send one JSON object per event");
  const tooDeep = findTooDeep(event, INGEST_LIMITS.maxDepth, "$");
  if (tooDeep) return refuse(tooDeep, `nesting deeper than ${INGEST_LIMITS.maxDepth} levels`);
  const kind = str(event.event);
  const outcome = kind ? OUTCOME[kind] : undefined;
  if (!outcome) return refuse("$.event", `unknown event ${JSON.stringify(event.event ?? null)}; expected one of ${CONTEXTFORGE_EVENTS.join(", ")}`);
  const principal = readPrincipal(str(event.user) ?? (isObject(event.user) ? event.user : undefined));
  if (!principal || isNetworkAddress(principal.ref)) return refuse("$.user", "no agent identity (the event names no user)");
  const metadata = isObject(event.metadata) ? event.metadata : {};
  const violation = isObject(event.violation) ? event.violation : undefined;
  const tool = str(metadata.tool_name);
  const prompt = str(metadata.prompt_id);
  const uri = str(metadata.resource_uri);
  const [resourceType, resourceId, kindName] = tool ? ["tool", tool, "mcp.tools/call"] : prompt ? ["prompt", prompt, "mcp.prompts/get"] : uri ? ["resource", uri, "mcp.resources/read"] : ["gateway", str(event.server_id) ?? "", "contextforge"];
  const requestId = str(event.request_id);
  const plugin = str(violation?.plugin_name) ?? str(event.plugin);
  const reason = [str(violation?.reason), str(violation?.description), str(metadata.error)].filter((text): text is string => Boolean(text));
  return {
    value: {
      // One request can notify several events (a call, then its violation): the event kind is part of the id.
      id: requestId ? `${requestId}:${kind}` : `cf-${hash("sha256", raw, "hex").slice(0, 40)}`,
      time: event.timestamp,
      agent: { id: principal.ref, ...(principal.name ? { name: principal.name } : {}) },
      action: { name: tool ?? prompt ?? uri ?? kind!, kind: kindName },
      resource: { type: resourceType, id: resourceId },
      ...(str(event.server_id) ? { destination: str(event.server_id) } : {}),
      outcome,
      reasons: outcome === "deny" && plugin ? [plugin] : [],
      request: { subject: { id: principal.ref }, action: { name: tool ?? prompt ?? uri ?? kind! }, resource: { type: resourceType, id: resourceId }, context: { contextforge: event } },
      context: {
        ...(reason.length ? { reason } : {}),
        contextforge: { event: kind, plugin: str(event.plugin) ?? null, request_id: requestId ?? null, tenant_id: str(event.tenant_id) ?? null, server_id: str(event.server_id) ?? null, violation_code: str(violation?.code) ?? null },
      },
    },
    origin: { raw: () => raw, base: "$", fields: { id: ".request_id", time: ".timestamp", agent: ".user", action: ".metadata", resource: ".metadata", destination: ".server_id", context: "" } },
  };
}
