import { describe, expect, it } from "vitest";
import { PreparedPolicySet, type CedarEntity, type CedarRequest } from "./cedar";
import { IndexedPolicySet, scopeOf } from "./policy-index";

const SCHEMA = `namespace Steward {
  type Ctx = { "n": Long, "tag": String };
  entity Team;
  entity Agent in [Team] { "level": Long, "tier"?: String };
  entity Group;
  entity Tool in [Group] { "risk": Long };
  entity Resource in [Group] { "kind": String };
  action call_tool appliesTo { principal: [Agent], resource: [Tool, Resource], context: Ctx };
  action read, write in [readwrite] appliesTo { principal: [Agent], resource: [Tool, Resource], context: Ctx };
  action readwrite appliesTo { principal: [Agent], resource: [Tool, Resource], context: Ctx };
  action delete in [write] appliesTo { principal: [Agent], resource: [Tool, Resource], context: Ctx };
}`;
const ACTIONS = ["call_tool", "read", "write", "readwrite", "delete"];
const RESOURCES = [
  ["Tool", "t0"],
  ["Tool", "t1"],
  ["Resource", "r0"],
  ["Resource", "r1"],
] as const;

/** A deterministic pseudo-random sequence, so a failure names a reproducible case. */
function rng(seed: number) {
  let state = seed >>> 0;
  return () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function randomPolicy(next: () => number): string {
  const pick = <T,>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const actionScope = pick([
    "action",
    `action == Steward::Action::"${pick(ACTIONS)}"`,
    `action in [Steward::Action::"${pick(ACTIONS)}", Steward::Action::"${pick(ACTIONS)}"]`,
    `action in Steward::Action::"${pick(["readwrite", "write"])}"`,
  ]);
  const [type, id] = pick(RESOURCES);
  const resourceScope = pick(["resource", `resource is Steward::${type}`, `resource == Steward::${type}::"${id}"`, `resource in Steward::Group::"g"`, `resource is Steward::${type} in Steward::Group::"g"`]);
  const condition = pick([
    "",
    " when { context.n > 3 }",
    ' when { principal.tier == "high" }', // errors when the optional attribute is absent
    " when { resource has risk && resource.risk > 1 }",
    ' when { context.tag like "a*" }',
    " unless { principal in Steward::Team::\"blue\" }",
  ]);
  return `${pick(["permit", "forbid", "permit"])} (principal, ${actionScope}, ${resourceScope})${condition};`;
}

function randomRequest(next: () => number): { request: CedarRequest; entities: CedarEntity[] } {
  const pick = <T,>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const [type, id] = pick(RESOURCES);
  const agent: CedarEntity = { uid: { type: "Steward::Agent", id: "a" }, attrs: { level: 1, ...(next() < 0.5 ? { tier: pick(["high", "low"]) } : {}) }, parents: next() < 0.5 ? [{ type: "Steward::Team", id: "blue" }] : [] };
  const resource: CedarEntity = { uid: { type: `Steward::${type}`, id }, attrs: type === "Tool" ? { risk: Math.floor(next() * 3) } : { kind: "doc" }, parents: next() < 0.5 ? [{ type: "Steward::Group", id: "g" }] : [] };
  return {
    request: { principal: { type: "Steward::Agent", id: "a" }, action: { type: "Steward::Action", id: pick(ACTIONS) }, resource: { type: `Steward::${type}`, id }, context: { n: Math.floor(next() * 6), tag: pick(["abc", "xyz"]) } },
    entities: [agent, resource],
  };
}

const normalize = (decision: { decision: string; determiningPolicies: string[]; errors: string[] }) => ({ decision: decision.decision, determiningPolicies: [...decision.determiningPolicies].sort(), errors: [...decision.errors].sort() });

describe("policy index by action and resource type", () => {
  it("reads the action and resource type from a policy's scope", () => {
    expect(scopeOf('permit(principal, action == Steward::Action::"read", resource is Steward::Tool);')).toEqual({ actions: [{ type: "Steward::Action", id: "read" }], actionIn: false, resourceType: "Steward::Tool" });
    expect(scopeOf('permit(principal, action, resource == Steward::Resource::"r");')).toEqual({ actions: null, actionIn: false, resourceType: "Steward::Resource" });
    expect(scopeOf('forbid(principal, action in [Steward::Action::"a"], resource in Steward::Group::"g");')).toEqual({ actions: [{ type: "Steward::Action", id: "a" }], actionIn: true, resourceType: null });
  });

  it("decides exactly as the full set — decision, determining policies and errors — over 20 random sets × 100 requests", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const next = rng(seed);
      const policies = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, randomPolicy(next)]));
      const full = new PreparedPolicySet(`eq_full_${seed}`, policies, SCHEMA);
      const indexed = new IndexedPolicySet(`eq_idx_${seed}`, policies, SCHEMA);
      for (let i = 0; i < 100; i++) {
        const { request, entities } = randomRequest(next);
        expect(normalize(indexed.authorize(request, entities)), `seed ${seed} request ${i}: ${JSON.stringify(request)}`).toEqual(normalize(full.authorize(request, entities)));
      }
    }
  });

  it("evaluates a request only against the policies whose scope can match it", () => {
    const policies = { a: 'permit(principal, action == Steward::Action::"read", resource is Steward::Tool);', b: 'permit(principal, action == Steward::Action::"write", resource);', c: "forbid(principal, action, resource) when { context.n > 100 };", d: 'permit(principal, action in Steward::Action::"readwrite", resource is Steward::Resource);' };
    const indexed = new IndexedPolicySet("eq_candidates", policies, SCHEMA);
    expect(indexed.candidates({ type: "Steward::Action", id: "read" }, "Steward::Tool")).toEqual(["a", "c"]);
    expect(indexed.candidates({ type: "Steward::Action", id: "delete" }, "Steward::Resource")).toEqual(["c", "d"]);
    expect(indexed.candidates({ type: "Steward::Action", id: "unknown" }, "Steward::Tool")).toBeNull();
  });
});
