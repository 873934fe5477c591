import { describe, expect, it } from "vitest";
import type { EnforcementPointView } from "@/lib/enforcement-points/schemas";
import { audiencesHint } from "./audiences-hint";

/** Every kind but mcp-gateway (a new kind fails to type-check here until it is listed). */
const OTHER_KINDS: Record<Exclude<EnforcementPointView["kind"], "mcp-gateway">, true> = { "api-gateway": true, "policy-engine": true, sidecar: true, other: true };

describe("audiencesHint", () => {
  it("asks a Steward Gateway for its public URL", () => {
    expect(audiencesHint("mcp-gateway").hint).toMatch(/^This Steward Gateway's public URL/);
  });

  it("asks the other kinds for what they protect, never for a gateway's URL", () => {
    for (const kind of Object.keys(OTHER_KINDS)) {
      const { hint, placeholder } = audiencesHint(kind);
      expect(hint, kind).not.toMatch(/gateway/i);
      expect(placeholder, kind).not.toMatch(/gateway/i);
      expect(hint, kind).toMatch(/^Optional: the resource URIs \(RFC 8707\) of what this enforcement point protects/);
    }
  });
});
