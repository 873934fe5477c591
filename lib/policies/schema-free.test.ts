import { describe, expect, it } from "vitest";
import { observedNames, pruneContext, pruneEntities } from "./attribute-pruning";
import { PreparedPolicySet, readSchemaShape, type CedarEntity, type CedarRequest } from "./cedar";
import { IndexedPolicySet } from "./policy-index";
import { actionEntities, conformsTo, entityConforms, mayEvaluateWithoutSchema } from "./schema-free";

const SCHEMA = `namespace Steward {
  type Claimed = { "destination"?: String, "depth"?: Long };
  type Ctx = { "n": Long, "tag": String, "caller"?: Person, "from": ipaddr, "request": Claimed };
  entity Team in [Team] { "name"?: String };
  entity Person in [Team] { "active": Bool, "email": String };
  entity Agent in [Team] { "level": Long, "tier"?: String, "owner"?: Person, "home"?: Team, "scopes": Set<String>, "limits": { "max": Long, "unit"?: String } };
  entity Group;
  entity Tool in [Group] { "risk": Long, "host"?: ipaddr };
  action call_tool appliesTo { principal: [Agent], resource: [Tool], context: Ctx };
  action read, write in [readwrite] appliesTo { principal: [Agent], resource: [Tool], context: Ctx };
  action readwrite in [any] appliesTo { principal: [Agent], resource: [Tool], context: Ctx };
  action any;
  action delete in [write] appliesTo { principal: [Agent], resource: [Tool], context: Ctx };
}`;
const ACTIONS = ["call_tool", "read", "write", "readwrite", "delete"];
const shape = readSchemaShape(SCHEMA);

/** A deterministic pseudo-random sequence, so a failure names a reproducible case. */
function rng(seed: number) {
  let state = seed >>> 0;
  return () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Conditions over every kind of thing the schema types, and every way a policy can reach data. */
const CONDITIONS = [
  "",
  " when { context.n > 3 }",
  ' when { principal.tier == "high" }',
  " when { principal.limits.max > context.n }",
  ' when { principal.scopes.contains("write") }',
  " when { principal has owner && principal.owner.active }",
  " when { principal has owner.email }",
  ' when { principal.owner in Steward::Team::"blue" }',
  ' when { principal in Steward::Team::"red" }',
  ' when { Steward::Person::"ana".active }',
  ' when { Steward::Person::"ana" in Steward::Team::"red" }',
  " when { context has caller && context.caller.active }",
  ' when { context.from.isInRange(ip("10.0.0.0/8")) }',
  " when { resource has host && resource.host.isLoopback() }",
  ' when { context == { "n": 1, "tag": "a", "from": ip("10.0.0.1"), "request": {} } }',
  " when { context.request has depth && context.request.depth > 1 }",
  ' when { action in Steward::Action::"any" }',
  ' when { Steward::Action::"delete" in Steward::Action::"readwrite" }',
  " when { resource.risk > 1 }",
  ' when { principal has home && principal.home.name == "blue" }',
  ' when { principal.home in Steward::Team::"red" }',
  " when { (if context.n > 2 then principal else resource) has tier }",
];

function randomPolicy(next: () => number): string {
  const pick = <T,>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const actionScope = pick(["action", `action == Steward::Action::"${pick(ACTIONS)}"`, `action in Steward::Action::"${pick(["readwrite", "write", "any"])}"`]);
  const resourceScope = pick(["resource", "resource is Steward::Tool", 'resource in Steward::Group::"g"']);
  return `${pick(["permit", "forbid", "permit"])} (principal, ${actionScope}, ${resourceScope})${pick(CONDITIONS)};`;
}

/** Requests that mostly conform to the schema, and sometimes break it in one of the ways Cedar's parsing refuses. */
function randomRequest(next: () => number): { request: CedarRequest; entities: CedarEntity[] } {
  const pick = <T,>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const chance = (p: number) => next() < p;
  const person = (id: string): CedarEntity => ({ uid: { type: "Steward::Person", id }, attrs: { active: chance(0.5), email: `${id}@example.test` }, parents: chance(0.5) ? [{ type: "Steward::Team", id: pick(["blue", "red"]) }] : [] });
  const agent: CedarEntity = {
    uid: { type: "Steward::Agent", id: "a" },
    attrs: {
      level: 1,
      scopes: chance(0.5) ? ["read", "write"] : ["read"],
      limits: { max: Math.floor(next() * 6), ...(chance(0.5) ? { unit: "calls" } : {}) },
      ...(chance(0.5) ? { tier: pick(["high", "low"]) } : {}),
      ...(chance(0.5) ? { owner: { __entity: { type: "Steward::Person", id: pick(["ana", "bo"]) } } } : {}),
      ...(chance(0.5) ? { home: { __entity: { type: "Steward::Team", id: pick(["blue", "red"]) } } } : {}),
    },
    parents: chance(0.5) ? [{ type: "Steward::Team", id: pick(["blue", "red"]) }] : [],
  };
  const tool: CedarEntity = { uid: { type: "Steward::Tool", id: "t" }, attrs: { risk: Math.floor(next() * 3), ...(chance(0.5) ? { host: { __extn: { fn: "ip", arg: pick(["127.0.0.1", "10.1.2.3"]) } } } : {}) }, parents: chance(0.5) ? [{ type: "Steward::Group", id: "g" }] : [] };
  const teams: CedarEntity[] = [
    { uid: { type: "Steward::Team", id: "blue" }, attrs: chance(0.7) ? { name: pick(["blue", "red"]) } : {}, parents: chance(0.5) ? [{ type: "Steward::Team", id: "red" }] : [] },
    { uid: { type: "Steward::Team", id: "red" }, attrs: { name: "red" }, parents: [] },
  ];
  const context: Record<string, unknown> = { n: Math.floor(next() * 6), tag: pick(["a", "b"]), from: { __extn: { fn: "ip", arg: pick(["10.0.0.1", "192.168.1.1"]) } }, request: chance(0.5) ? { depth: Math.floor(next() * 3) } : {} };
  if (chance(0.3)) context.caller = { __entity: { type: "Steward::Person", id: pick(["ana", "bo"]) } };
  const entities = [agent, tool, person("ana"), person("bo"), ...teams];
  // One schema violation in about a third of the requests.
  switch (chance(0.35) ? Math.floor(next() * 10) : -1) {
    case 0:
      agent.attrs = { ...agent.attrs, undeclared: 1 };
      break;
    case 1:
      agent.attrs = { ...agent.attrs, level: "1" };
      break;
    case 2:
      delete (agent.attrs as Record<string, unknown>).level;
      break;
    case 3:
      agent.attrs = { ...agent.attrs, owner: "ana" };
      break;
    case 4:
      agent.parents = [{ type: "Steward::Group", id: "g" }];
      break;
    case 5:
      context.from = "10.0.0.1";
      break;
    case 6:
      context.extra = true;
      break;
    case 7:
      delete context.tag;
      break;
    case 8:
      entities.push({ uid: { type: "Steward::Unknown", id: "u" }, attrs: {}, parents: [] });
      break;
    case 9:
      entities.push({ ...tool, attrs: { risk: 2 } });
      break;
  }
  return { request: { principal: agent.uid as CedarRequest["principal"], action: { type: "Steward::Action", id: pick(ACTIONS) }, resource: tool.uid as CedarRequest["resource"], context }, entities };
}

const normalize = (decision: { decision: string; determiningPolicies: string[]; erroringPolicies: string[] }) => ({
  decision: decision.decision,
  determiningPolicies: [...decision.determiningPolicies].sort(),
  erroringPolicies: [...decision.erroringPolicies].sort(),
});

describe("evaluation without the schema", () => {
  it("decides as the full set with the schema — decision, determining and erroring policies — over 30 random sets × 150 requests", () => {
    let withoutSchema = 0;
    let requests = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const next = rng(seed);
      const policies = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, randomPolicy(next)]));
      const full = new PreparedPolicySet(`sf_full_${seed}`, policies, SCHEMA);
      const indexed = new IndexedPolicySet(`sf_idx_${seed}`, policies, SCHEMA);
      for (let i = 0; i < 150; i++) {
        const { request, entities } = randomRequest(next);
        const expected = full.authorize(request, entities);
        expect(normalize(indexed.authorize(request, entities)), `seed ${seed} request ${i}: ${JSON.stringify({ policies, request, entities })}`).toEqual(normalize(expected));
        requests++;
      }
      withoutSchema += indexed.evaluatedWithoutSchema;
    }
    // Most generated requests conform, so the fast path must have been taken for them, not only the fallback.
    expect(withoutSchema).toBeGreaterThan(requests * 0.5);
    expect(withoutSchema).toBeLessThan(requests);
  });

  it("accepts only values already in the form the schema would parse them into", () => {
    expect(conformsTo({ __extn: { fn: "ip", arg: "10.0.0.1" } }, { type: "Extension", name: "ipaddr" })).toBe(true);
    expect(conformsTo("10.0.0.1", { type: "Extension", name: "ipaddr" })).toBe(false);
    expect(conformsTo({ __extn: { fn: "decimal", arg: "1.0" } }, { type: "Extension", name: "ipaddr" })).toBe(false);
    expect(conformsTo({ __entity: { type: "Steward::Person", id: "ana" } }, { type: "Entity", name: "Steward::Person" })).toBe(true);
    expect(conformsTo({ __entity: { type: "Steward::Team", id: "ana" } }, { type: "Entity", name: "Steward::Person" })).toBe(false);
    expect(conformsTo("ana", { type: "Entity", name: "Steward::Person" })).toBe(false);
    expect(conformsTo(1.5, { type: "Long" })).toBe(false);
    expect(conformsTo(["a", 1], { type: "Set", element: { type: "String" } })).toBe(false);
    expect(conformsTo({ max: 1, other: 2 }, { type: "Record", attributes: { max: { type: "Long" } } })).toBe(false);
    expect(conformsTo({}, { type: "Record", attributes: { max: { type: "Long" } } })).toBe(false);
    expect(conformsTo({}, { type: "Record", attributes: { max: { type: "Long", required: false } } })).toBe(true);
    expect(conformsTo({ max: 1 }, { type: "Record", attributes: { max: { type: "Long" } }, additionalAttributes: true })).toBe(false);
    expect(conformsTo("x", { type: "EntityOrCommon", name: "Unresolved" })).toBe(false);
    expect(entityConforms({ uid: { type: "Steward::Tool", id: "t" }, attrs: { risk: 1 }, parents: [{ type: "Steward::Group", id: "g" }] }, shape)).toBe(true);
    expect(entityConforms({ uid: { type: "Steward::Tool", id: "t" }, attrs: { risk: 1 }, parents: [{ type: "Steward::Team", id: "g" }] }, shape)).toBe(false);
    expect(entityConforms({ uid: { type: "Steward::Tool", id: "t" }, attrs: { risk: 1 }, parents: [], tags: { a: "b" } } as CedarEntity, shape)).toBe(false);
  });

  it("keeps to the schema when it uses what Steward does not mirror, or the action is not declared", () => {
    const request: CedarRequest = { principal: { type: "E", id: "a" }, action: { type: "Action", id: "go" }, resource: { type: "E", id: "b" }, context: {} };
    expect(mayEvaluateWithoutSchema(readSchemaShape('entity E; action go appliesTo { principal: [E], resource: [E] };'), request, [])).toBe(true);
    expect(mayEvaluateWithoutSchema(readSchemaShape('entity E enum ["a", "b"]; action go appliesTo { principal: [E], resource: [E] };'), request, [])).toBe(false);
    expect(mayEvaluateWithoutSchema(readSchemaShape("entity E tags String; action go appliesTo { principal: [E], resource: [E] };"), request, [])).toBe(false);
    expect(mayEvaluateWithoutSchema(readSchemaShape("entity E; action stop appliesTo { principal: [E], resource: [E] };"), request, [])).toBe(false);
    // Two namespaces each with an action "go": A's needs a context member, B's none.
    const twoNamespaces = readSchemaShape('namespace A { entity E; action go appliesTo { principal: [E], resource: [E], context: { "n": Long } }; } namespace B { entity E; action go appliesTo { principal: [E], resource: [E] }; }');
    expect(mayEvaluateWithoutSchema(twoNamespaces, { principal: { type: "A::E", id: "a" }, action: { type: "A::Action", id: "go" }, resource: { type: "A::E", id: "b" }, context: {} }, [])).toBe(false);
  });

  it("passes the action groups the schema would supply, and only grouped actions", () => {
    const chain = actionEntities(shape, { type: "Steward::Action", id: "delete" }, false).map((entity) => [(entity.uid as { id: string }).id, entity.parents.map((parent) => (parent as { id: string }).id)]);
    expect(Object.fromEntries(chain)).toEqual({ delete: ["write"], write: ["readwrite"], readwrite: ["any"] });
    expect(actionEntities(shape, { type: "Steward::Action", id: "call_tool" }, false)).toEqual([]);
    expect(actionEntities(shape, { type: "Steward::Action", id: "call_tool" }, true).length).toBe(4);
  });

  it("passes only the attributes and entities the policies can read", () => {
    const observed = observedNames({ p: 'permit(principal, action, resource) when { principal.owner.active && context.n > 1 && principal in Steward::Team::"red" };' }, "Steward::Action")!;
    expect(observed).toMatchObject({ contextWhole: false, readsOtherEntities: false, namesActionEntities: false });
    const request = { principal: { type: "Steward::Agent", id: "a" }, resource: { type: "Steward::Tool", id: "t" } };
    const entities: CedarEntity[] = [
      { uid: request.principal, attrs: { level: 1, owner: { __entity: { type: "Steward::Person", id: "ana" } } }, parents: [{ type: "Steward::Team", id: "blue" }] },
      { uid: request.resource, attrs: { risk: 2 }, parents: [] },
      { uid: { type: "Steward::Person", id: "ana" }, attrs: { active: true, email: "ana@example.test" }, parents: [] },
      { uid: { type: "Steward::Person", id: "bo" }, attrs: { active: true, email: "bo@example.test" }, parents: [] },
      { uid: { type: "Steward::Team", id: "blue" }, attrs: {}, parents: [{ type: "Steward::Team", id: "red" }] },
      { uid: { type: "Steward::Team", id: "red" }, attrs: {}, parents: [] },
      { uid: { type: "Steward::Team", id: "green" }, attrs: {}, parents: [] },
    ];
    const context = pruneContext({ n: 2, tag: "a" }, observed);
    expect(context).toEqual({ n: 2 });
    const pruned = pruneEntities(entities, observed, request, context);
    expect(pruned.map((entity) => `${(entity.uid as { id: string }).id}:${Object.keys(entity.attrs).join(",")}`).sort()).toEqual(["a:owner", "ana:active", "blue:", "red:", "t:"]);
    // A policy reading an entity literal, or the whole context, keeps everything.
    const literal = observedNames({ p: 'permit(principal, action, resource) when { Steward::Person::"bo".active };' }, "Steward::Action")!;
    expect(pruneEntities(entities, literal, request, {}).length).toBe(entities.length);
    const whole = observedNames({ p: 'permit(principal, action, resource) when { context == { "n": 2 } };' }, "Steward::Action")!;
    expect(pruneContext({ n: 2, tag: "a" }, whole)).toEqual({ n: 2, tag: "a" });
  });
});
