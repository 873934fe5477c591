import { afterEach, describe, expect, it, vi } from "vitest";
import { PreparedPolicySet } from "../policies/cedar";
import { hashContent, type PolicySetContent } from "../policies/content";
import { DEFAULT_CEDAR_SCHEMA } from "../policies/default-schema";
import { PolicyEngine } from "../policies/engine";
import type { Inventory } from "../policies/inventory";
import type { AuthzenRequest } from "../policies/request-mapping";
import { requestableDenial } from "./requestable";

/**
 * The lifted evaluation behind a requestable denial is remembered by the Cedar request it maps to:
 * a repeat that differs only in what never reaches Cedar (a token issuance's new task id) is not
 * evaluated again, and one that differs in what does reach it is.
 */
const INVENTORY: Inventory = {
  teams: [],
  people: [],
  agents: [{ id: "agt_1", externalId: null, name: "bot", environment: "prod", status: "active", ownerId: null, teamId: null, declaredActions: ["drop_table"], declaredResourceTypes: [], credentialKind: "oauth_client", dataSensitivity: null, riskTier: "low", riskOverrideTier: null }],
  identities: [],
};
const policies = ["permit (principal, action, resource);", '@approval("owner")\nforbid (principal, action, resource) when { context.destructive };'];
const content: PolicySetContent = { policies: policies.map((source, i) => ({ id: `p${i}`, description: "", owner: "", frameworkTags: [], source })), schemaText: DEFAULT_CEDAR_SCHEMA, entities: [], tests: [] };
const request = (context: Record<string, unknown>): AuthzenRequest => ({ subject: { type: "agent", id: "agt_1" }, action: { name: "drop_table" }, resource: { type: "tool", id: "drop_table" }, context: { destructive: true, ...context } });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("requestable denials: the lifted evaluation's memo", () => {
  it("asks Cedar once for requests that map to the same Cedar request", async () => {
    const engine = new PolicyEngine(content, hashContent(content), INVENTORY, 1);
    const at = new Date("2026-12-01T10:00:00Z");
    const lifted = vi.spyOn(PreparedPolicySet.prototype, "authorize");
    const judge = (context: Record<string, unknown>) => {
      const input = request(context);
      return requestableDenial(engine, engine.evaluate(input, at), input, at);
    };
    expect(judge({ task_id: "tsk_1" })).toMatchObject({ policies: ["p1"] });
    const asked = lifted.mock.calls.length;
    expect(judge({ task_id: "tsk_2" })).toMatchObject({ policies: ["p1"] });
    expect(judge({ task_id: "tsk_3", token_issuance: true })).toMatchObject({ policies: ["p1"] });
    // Two new engine evaluations (new task ids miss the engine's own memo), no new lifted one.
    expect(lifted.mock.calls.length).toBe(asked + 2);
    // Another tool reaches Cedar as another resource: its lifted evaluation is asked for.
    const other = { ...request({ task_id: "tsk_4" }), resource: { type: "tool", id: "truncate_table" } };
    expect(requestableDenial(engine, engine.evaluate(other, at), other, at)).toMatchObject({ policies: ["p1"] });
    expect(lifted.mock.calls.length).toBe(asked + 4);
  });
});
