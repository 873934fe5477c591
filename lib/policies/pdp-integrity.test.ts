import { describe, expect, it } from "vitest";
import { StewardError } from "../errors";
import { authzenConfiguration } from "./authzen";
import { policyEffect, type CedarEntity } from "./cedar";
import { hashContent, type PolicySetContent } from "./content";
import { DEFAULT_CEDAR_SCHEMA } from "./default-schema";
import { PolicyEngine } from "./engine";
import type { Inventory } from "./inventory";
import { DEFAULT_PDP_OPTIONS, type PdpOptions } from "./pdp-options";
import type { AuthzenRequest, MappedRequest } from "./request-mapping";
import { runPolicyTests } from "./run-tests";
import { POLICY_TEMPLATES } from "./templates";
import { validateContent } from "./validate";

/**
 * #19 and #10 (items 1–4): the PDP trusts only what it knows. Pure engine tests — no database —
 * over a fixed inventory snapshot and admin entities.
 */

type AgentRow = Inventory["agents"][number];
const agent = (row: Partial<AgentRow> & { id: string }): AgentRow => ({
  externalId: null,
  name: row.id,
  environment: "prod",
  status: "active",
  ownerId: null,
  teamId: null,
  declaredActions: [],
  declaredResourceTypes: [],
  credentialKind: "oauth_client",
  dataSensitivity: null,
  riskTier: "low",
  riskOverrideTier: null,
  ...row,
});

const INVENTORY: Inventory = {
  teams: [{ id: "team_a", name: "A" }],
  people: [{ id: "per_1", name: "Pat", email: "pat@example.test", teamId: "team_a", active: true }],
  agents: [
    agent({ id: "agt_active", externalId: "crm-bot", environment: "prod", ownerId: "per_1", teamId: "team_a", declaredActions: ["crm.read", "crm.delete", "read", "send_email", "drop_table", "mystery"] }),
    agent({ id: "agt_static", environment: "dev", credentialKind: "static_api_key", declaredActions: ["crm.read", "read"] }),
    agent({ id: "agt_suspended", status: "suspended", declaredActions: ["crm.read"] }),
  ],
  identities: [{ value: "spiffe://example.test/crm", agentId: "agt_active" }],
};

const tool = (id: string, attrs: Record<string, unknown>): CedarEntity => ({ uid: { type: "Steward::Tool", id }, attrs: attrs as CedarEntity["attrs"], parents: [] });
const res = (id: string, attrs: Record<string, unknown>, parents: CedarEntity["parents"] = []): CedarEntity => ({ uid: { type: "Steward::Resource", id }, attrs: attrs as CedarEntity["attrs"], parents });
const ADMIN_ENTITIES: CedarEntity[] = [
  tool("drop_table", { destructive: true }),
  tool("crm.read", { destructive: false, external: false, sensitivity: "internal" }),
  tool("crm.delete", { destructive: true, external: false, sensitivity: "restricted" }),
  tool("send_email", { destructive: false, external: true, sensitivity: "internal" }),
  tool("wipe_and_mail", { destructive: true, external: true, sensitivity: "restricted" }),
  res("ledger", { environment: "prod", sensitivity: "restricted" }),
  res("dev-db", { environment: "dev", sensitivity: "public" }),
];

const PERMIT_ALL = "permit (principal, action, resource);";
const template = (id: string) => POLICY_TEMPLATES.find((item) => item.id === id)!.source;

function engineWith(policies: string[], options: Partial<PdpOptions> = {}, schemaText = DEFAULT_CEDAR_SCHEMA, entities = ADMIN_ENTITIES): PolicyEngine {
  const content: PolicySetContent = { policies: policies.map((source, i) => ({ id: `p${i}`, description: "", owner: "", frameworkTags: [], source })), schemaText, entities, tests: [] };
  return new PolicyEngine(content, hashContent(content), INVENTORY, 1, { options: { ...DEFAULT_PDP_OPTIONS, ...options } });
}

const AT = new Date("2026-11-30T10:00:00Z");
const call = (subject: string, toolName: string, extra: Partial<AuthzenRequest> = {}): AuthzenRequest => ({
  subject: { type: "agent", id: subject },
  action: { name: toolName },
  resource: { type: "tool", id: toolName },
  ...extra,
});
const read = (subject: string, resource: string, extra: Partial<AuthzenRequest> = {}): AuthzenRequest => ({
  subject: { type: "agent", id: subject },
  action: { name: "GET" },
  resource: { type: "resource", id: resource },
  ...extra,
});

/** The decision, with a 400 counted as "deny" (the request is refused either way). */
function decideOr400(engine: PolicyEngine, request: AuthzenRequest, delegation?: string[]): "allow" | "deny" {
  try {
    return engine.evaluate(request, AT, delegation).decision;
  } catch (error) {
    if (error instanceof StewardError && error.code === "bad_request") return "deny";
    throw error;
  }
}

function mapped(engine: PolicyEngine, request: AuthzenRequest, delegation?: string[]): MappedRequest {
  const result = engine.map(request, AT, delegation);
  if ("refused" in result) throw new Error(`refused: ${result.refused}`);
  return result;
}

/** Maps, and returns the context — or "400" when the request is answered with a 400 (never a changed value). */
function contextOr400(engine: PolicyEngine, request: AuthzenRequest, delegation?: string[]): Record<string, unknown> | "400" {
  try {
    return mapped(engine, request, delegation).request.context;
  } catch (error) {
    if (error instanceof StewardError && error.code === "bad_request") return "400";
    throw error;
  }
}

const SPELLINGS = (camel: string): string[] => {
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return [...new Set([camel, snake, snake.toUpperCase(), snake.replace(/_/g, "-"), snake.replace(/_/g, " "), camel[0]!.toUpperCase() + camel.slice(1), `${snake}_`, ` ${camel}`])];
};
const POSITIONS = ["context", "action.properties", "resource.properties", "subject.properties", "context.request"] as const;

function placed(base: AuthzenRequest, position: (typeof POSITIONS)[number], key: string, value: unknown): AuthzenRequest {
  const request = structuredClone(base);
  if (position === "context") request.context = { ...request.context, [key]: value };
  if (position === "context.request") request.context = { ...request.context, request: { [key]: value } };
  if (position === "action.properties") request.action.properties = { ...request.action.properties, [key]: value };
  if (position === "resource.properties") request.resource.properties = { ...request.resource.properties, [key]: value };
  if (position === "subject.properties") request.subject.properties = { ...request.subject.properties, [key]: value };
  return request;
}

describe("derived context attributes cannot be set by the request (every spelling, type and position)", () => {
  const engine = engineWith([PERMIT_ALL]);
  // A catalogued destructive, external, restricted tool, called by a known agent through a 5-hop
  // verified chain. (A claim may only make a flag more restrictive, so the catalog sets both true.)
  const base = call("crm-bot", "wipe_and_mail");
  const chain = ["agt_a", "agt_b", "agt_c", "agt_d", "agt_active"];
  const baseline = mapped(engine, base, chain).request.context;

  const ATTACKS: Record<string, unknown[]> = {
    actionName: ["crm.read", 1, ["crm.read"], { name: "crm.read" }, null],
    hour: [3, "3", 23, -1],
    weekday: [0, "6"],
    delegationDepth: [0, "0", -5, 1.5],
    approved: [true, "true", 1, "yes"],
    destructive: [false, "false", 0, "no", null],
    external: [false, "false", 0, null],
    dataSensitivity: ["public", "PUBLIC", " Public ", 0, "internal"],
    sensitivityLevel: [0, "0", -1],
    taskPurpose: ["approved-maintenance", 7],
    destination: ["internal", "api.partner.example"],
  };

  it("holds the derived baseline the table compares against", () => {
    expect(baseline).toMatchObject({ actionName: "wipe_and_mail", hour: 10, weekday: 1, delegationDepth: 4, approved: false, destructive: true, external: true, dataSensitivity: "restricted", sensitivityLevel: 3, taskPurpose: "", destination: "" });
  });

  for (const [attribute, values] of Object.entries(ATTACKS)) {
    it(`${attribute}: no key spelling, position or value type changes it`, () => {
      let tried = 0;
      for (const key of SPELLINGS(attribute)) {
        for (const position of POSITIONS) {
          for (const value of values) {
            const context = contextOr400(engine, placed(base, position, key, value), chain);
            tried++;
            if (context === "400") continue;
            expect(context[attribute], `${position}.${JSON.stringify(key)} = ${JSON.stringify(value)}`).toEqual(baseline[attribute]);
          }
        }
      }
      expect(tried).toBeGreaterThanOrEqual(40);
    });
  }

  it("the clock cannot be set through context.time, and a claimed delegation chain is not the verified one", () => {
    const context = contextOr400(engine, { ...base, context: { time: "2026-01-04T03:00:00Z", delegation: ["x"], delegation_chain: [] } }, chain);
    expect(context).not.toBe("400");
    expect(context).toMatchObject({ hour: 10, weekday: 1, delegationDepth: 4 });
  });

  it("approval and task purpose come only from facts the enforcement point verified (VerifiedFacts)", () => {
    const verified = mapped(engine, { ...base, context: { approved: false, task_purpose: "claimed" } }, chain).request.context;
    expect(verified).toMatchObject({ approved: false, taskPurpose: "" });
    const withFacts = engine.map({ ...base, context: { approved: false, task_purpose: "claimed" } }, AT, chain, { approved: true, taskPurpose: "close the books" }) as MappedRequest;
    expect(withFacts.request.context).toMatchObject({ approved: true, taskPurpose: "close the books", request: { approved: false, taskPurpose: "claimed" } });
    // A policy that reads the derived flag (the shipped template asks for a requestable approval instead).
    const policies = engineWith([PERMIT_ALL, "forbid (principal, action, resource) when { context.destructive } unless { context.approved };"]);
    expect(policies.evaluate(call("crm-bot", "drop_table", { context: { approved: true } }), AT).decision).toBe("deny");
    expect(policies.evaluate(call("crm-bot", "drop_table"), AT, null, { approved: true }).decision).toBe("allow");
  });

  it("claims are visible only under context.request, typed", () => {
    const context = contextOr400(engine, { ...base, context: { task_purpose: "quarterly close", destination: "api.partner.example", approved: true } }, chain);
    expect(context).toMatchObject({ taskPurpose: "", destination: "", approved: false, request: { taskPurpose: "quarterly close", destination: "api.partner.example", approved: true } });
  });

  it("two spellings of one claim with different values are a 400 naming the path", () => {
    expect(() => engine.map({ ...base, context: { task_purpose: "a", taskPurpose: "b" } }, AT)).toThrow(/\$\.context\.taskPurpose: conflicts with task_purpose/);
  });
});

describe("subject attributes come from the inventory only", () => {
  const engine = engineWith([PERMIT_ALL]);
  const principalOf = (request: AuthzenRequest) => {
    const result = mapped(engine, request);
    return result.entities.find((entity) => JSON.stringify(entity.uid) === JSON.stringify(result.request.principal))!;
  };
  const claims = { status: "active", declaredActions: ["crm.delete"], declared_actions: ["crm.delete"], riskTier: "low", risk_tier: "low", staticCredential: false, hasOwner: true, environment: "prod", credentialKind: "spiffe", owner: "per_1" };

  it("an unknown agent is discovered, risk unknown, owns and declared nothing — whatever it says, under any id", () => {
    for (const id of ["ghost-1", "ghost-2", `ghost-${Math.random()}`]) {
      const entity = principalOf({ ...call(id, "crm.delete"), subject: { type: "agent", id, properties: claims } });
      expect(entity.attrs).toEqual({ name: id, status: "discovered", environment: "unknown", riskTier: "unknown", hasOwner: false, credentialKind: "unknown", staticCredential: true, dataSensitivity: "unknown", declaredActions: [], declaredResourceTypes: [] });
      expect(entity.parents).toEqual([]);
    }
  });

  it("a known agent is the inventory's, by Steward id, external id or identity, whatever properties are sent", () => {
    const byId = principalOf(call("agt_active", "crm.read"));
    for (const id of ["crm-bot", "spiffe://example.test/crm"]) {
      const entity = principalOf({ ...call(id, "crm.read"), subject: { type: "agent", id, properties: { ...claims, status: "suspended" } } });
      expect(entity).toEqual(byId);
    }
    expect(byId.attrs).toMatchObject({ status: "active", environment: "prod", hasOwner: true });
  });
});

describe("zero-trust templates: should and should-not cases", () => {
  type Case = { name: string; request: AuthzenRequest; delegation?: string[]; allow: boolean };
  const CASES: Record<string, { policies: string[]; cases: Case[] }> = {
    "permit-active-in-scope": {
      policies: [template("permit-active-in-scope")],
      cases: [
        { name: "active agent, declared tool", request: call("crm-bot", "crm.read"), allow: true },
        { name: "unknown agent describing itself as active with the action declared (#19.1)", request: { ...call("ghost-1", "crm.delete"), subject: { type: "agent", id: "ghost-1", properties: { status: "active", declaredActions: ["crm.delete"] } } }, allow: false },
        { name: "suspended agent", request: call("agt_suspended", "crm.read"), allow: false },
        { name: "undeclared action", request: call("agt_static", "crm.delete"), allow: false },
        { name: "undeclared action claiming a declared actionName (#19.2; the two spellings conflict: a 400)", request: call("agt_static", "crm.delete", { context: { actionName: "x", action_name: "crm.read" } }), allow: false },
        { name: "undeclared action claiming a declared actionName", request: call("agt_static", "crm.delete", { context: { action_name: "crm.read" } }), allow: false },
      ],
    },
    "deny-out-of-scope": {
      policies: [PERMIT_ALL, template("deny-out-of-scope")],
      cases: [
        { name: "declared", request: call("agt_static", "crm.read"), allow: true },
        { name: "undeclared, however it is named in context", request: call("agt_static", "crm.delete", { context: { ACTION_NAME: "crm.read" } }), allow: false },
        { name: "unknown agent declaring the action itself", request: { ...call("ghost-3", "crm.read"), subject: { type: "agent", id: "ghost-3", properties: { declaredActions: ["crm.read"] } } }, allow: false },
      ],
    },
    "approval-destructive-external": {
      policies: [PERMIT_ALL, template("approval-destructive-external")],
      cases: [
        { name: "catalogued harmless tool", request: call("crm-bot", "crm.read"), allow: true },
        { name: "admin entity says destructive, no context flags (#19.4)", request: call("crm-bot", "drop_table"), allow: false },
        { name: "caller says not destructive and approved (#19.3)", request: call("crm-bot", "crm.delete", { context: { destructive: false, approved: true } }), allow: false },
        { name: "caller says not external for an external tool", request: call("crm-bot", "send_email", { context: { external: false }, action: { name: "send_email", properties: { external: false } } }), allow: false },
        { name: "uncatalogued tool: the safe value", request: call("crm-bot", "mystery"), allow: false },
        { name: "a read of a known resource", request: read("crm-bot", "dev-db"), allow: true },
      ],
    },
    "no-static-secrets-sensitive": {
      policies: [PERMIT_ALL, template("no-static-secrets-sensitive")],
      cases: [
        { name: "static secret, restricted data, claiming level 0 and public (#19.2)", request: read("agt_static", "ledger", { context: { sensitivity_level: 0, data_sensitivity: "public" } }), allow: false },
        { name: "static secret, 'Restricted' in another case (#19.7)", request: read("agt_static", "unknown-doc", { context: { data_sensitivity: "Restricted" } }), allow: false },
        { name: "static secret, sensitivity unsaid: the safe value", request: read("agt_static", "unknown-doc"), allow: false },
        { name: "static secret, unknown sensitivity word: most restrictive", request: read("agt_static", "unknown-doc", { context: { data_sensitivity: "top-secret-ish" } }), allow: false },
        { name: "static secret, public data", request: read("agt_static", "dev-db"), allow: true },
        { name: "static secret, data reported public", request: read("agt_static", "unknown-doc", { context: { data_sensitivity: "public" } }), allow: true },
        { name: "oauth agent, restricted data", request: read("crm-bot", "ledger"), allow: true },
        { name: "unknown agent (credential unknown), sensitive data", request: read("ghost-4", "ledger", { subject: { type: "agent", id: "ghost-4", properties: { staticCredential: false } } }), allow: false },
      ],
    },
    "cap-delegation-depth": {
      policies: [PERMIT_ALL, template("cap-delegation-depth")],
      cases: [
        { name: "four hops, claiming depth 0 (#19.3)", request: call("crm-bot", "crm.read", { context: { delegation_depth: 0, delegationDepth: 0 } }), delegation: ["a", "b", "c", "d", "agt_active"], allow: false },
        { name: "one hop, claiming depth 0", request: call("crm-bot", "crm.read", { context: { delegation_depth: 0, delegation: [] } }), delegation: ["a", "agt_active"], allow: true },
        { name: "no verified chain, admitting a four-hop chain: a claim may only make it deeper", request: call("crm-bot", "crm.read", { context: { delegation: ["a", "b", "c", "d", "crm-bot"] } }), allow: false },
        { name: "three hops", request: call("crm-bot", "crm.read"), delegation: ["a", "b", "c", "agt_active"], allow: false },
        { name: "no chain", request: call("crm-bot", "crm.read"), allow: true },
      ],
    },
    "non-prod-to-non-prod": {
      policies: [PERMIT_ALL, template("non-prod-to-non-prod")],
      cases: [
        { name: "dev agent, resource described as 'production' (#19.7)", request: read("agt_static", "unknown-db", { resource: { type: "resource", id: "unknown-db", properties: { environment: "production" } } }), allow: false },
        { name: "dev agent, resource environment word unknown: counts as prod", request: read("agt_static", "unknown-db", { resource: { type: "resource", id: "unknown-db", properties: { environment: "prd-eu-1" } } }), allow: false },
        { name: "dev agent, known prod resource described as dev", request: read("agt_static", "ledger", { resource: { type: "resource", id: "ledger", properties: { environment: "dev" } } }), allow: false },
        { name: "dev agent, dev resource", request: read("agt_static", "dev-db"), allow: true },
        { name: "prod agent, prod resource", request: read("crm-bot", "ledger"), allow: true },
      ],
    },
  };

  it("covers every template", () => {
    expect(Object.keys(CASES).sort()).toEqual(POLICY_TEMPLATES.map((item) => item.id).sort());
  });

  for (const [id, { policies, cases }] of Object.entries(CASES)) {
    it(`${id}: ${cases.filter((item) => item.allow).length} should, ${cases.filter((item) => !item.allow).length} should-not`, () => {
      const engine = engineWith(policies);
      for (const item of cases) expect(decideOr400(engine, item.request, item.delegation), item.name).toBe(item.allow ? "allow" : "deny");
      expect(cases.some((item) => item.allow)).toBe(true);
      expect(cases.some((item) => !item.allow)).toBe(true);
    });
  }
});

describe("values that cannot be typed are 400s naming the path, never permissive defaults (#19.7)", () => {
  const engine = engineWith([PERMIT_ALL, template("approval-destructive-external")]);
  const cases: [AuthzenRequest, string][] = [
    [call("crm-bot", "crm.read", { context: { destructive: "yes" } }), "$.context.destructive"],
    [call("crm-bot", "crm.read", { context: { external: 1 } }), "$.context.external"],
    [read("crm-bot", "doc", { context: { data_sensitivity: 5 } }), "$.context.data_sensitivity"],
    [read("crm-bot", "doc", { resource: { type: "resource", id: "doc", properties: { environment: 7 } } }), "$.resource.properties.environment"],
    [read("crm-bot", "doc", { context: { taskPurpose: 12 } }), "$.context.taskPurpose"],
  ];
  for (const [request, path] of cases) {
    it(path, () => {
      expect(() => engine.evaluate(request, AT)).toThrow(expect.objectContaining({ code: "bad_request", path }));
    });
  }
});

describe("one entity per identity; people are not agents (#19.5, #10.1, #10.2)", () => {
  const engine = engineWith([`forbid (principal is Steward::Agent, action, resource) when { principal.environment == "prod" };`, PERMIT_ALL]);

  it("an agent's id sent as a user is denied with the reason, not judged as a person", () => {
    for (const type of ["user", "person", "human", "Steward::Person"]) {
      for (const id of ["agt_active", "crm-bot", "spiffe://example.test/crm"]) {
        const decision = engine.evaluate({ ...call(id, "crm.read"), subject: { type, id } }, AT);
        expect(decision, `${type} ${id}`).toMatchObject({ decision: "deny", refused: true, reason: expect.stringMatching(/agent agt_active in the inventory; the claimed type Person contradicts it/) });
      }
    }
    expect(engine.evaluate(call("crm-bot", "crm.read"), AT).decision).toBe("deny"); // the forbid applies as an agent
  });

  it("a person sent as an agent is denied; as a person, judged on the person's entity", () => {
    expect(engine.evaluate(read("pat@example.test", "dev-db"), AT)).toMatchObject({ decision: "deny", reason: expect.stringMatching(/person per_1 in the inventory/) });
    expect(engine.evaluate({ ...read("x", "dev-db"), subject: { type: "user", id: "PAT@example.test" } }, AT).decision).toBe("allow");
    expect(engine.subjectKind({ type: "user", id: "someone-new" })).toBe("person");
    expect(engine.subjectKind({ type: "agent", id: "per_1" })).toBe("person");
  });

  it("unmapped subject types are denied, not treated as agents; the table is configurable", () => {
    expect(engine.evaluate({ ...call("crm-bot", "crm.read"), subject: { type: "robot", id: "crm-bot" } }, AT)).toMatchObject({ decision: "deny", reason: expect.stringMatching(/Subject type "robot" is not mapped/) });
    const configured = engineWith([PERMIT_ALL], { subjectTypes: { ...DEFAULT_PDP_OPTIONS.subjectTypes, robot: "Agent" } });
    expect(configured.evaluate({ ...call("agt_static", "crm.read"), subject: { type: "robot", id: "agt_static" } }, AT).decision).toBe("allow");
  });

  it("admin entities named by an alias merge into the inventory agent; admin parents extend it", () => {
    const blocked = { uid: { type: "Steward::Group", id: "blocked" }, attrs: {}, parents: [] };
    // Only parents: the required attributes come from the inventory (or the safe defaults).
    const probe = { uid: { type: "Steward::Agent", id: "probe-1" }, attrs: {}, parents: [{ type: "Steward::Group", id: "blocked" }] };
    const policies = [`forbid (principal in Steward::Group::"blocked", action, resource);`, `permit (principal, action == Steward::Action::"read", resource);`];
    const request: AuthzenRequest = { subject: { type: "identity", id: "probe-1" }, action: { name: "GET" }, resource: { type: "route", id: "/todos" } };
    const content = (inventory: Inventory): PolicyEngine => {
      const set: PolicySetContent = { policies: policies.map((source, i) => ({ id: `p${i}`, description: "", owner: "", frameworkTags: [], source })), schemaText: DEFAULT_CEDAR_SCHEMA, entities: [blocked, probe] as CedarEntity[], tests: [] };
      return new PolicyEngine(set, hashContent(set), inventory, 1);
    };
    expect(validateContent({ policies: [], schemaText: DEFAULT_CEDAR_SCHEMA, entities: [blocked, probe] as CedarEntity[], tests: [] }).valid).toBe(true);
    // Before discovery, after discovery (identity recorded), after an admin registers it with an external id.
    const before = content(INVENTORY);
    const discovered = content({ ...INVENTORY, agents: [...INVENTORY.agents, agent({ id: "agt_probe", status: "discovered", name: "probe-1", credentialKind: null })], identities: [...INVENTORY.identities, { value: "probe-1", agentId: "agt_probe" }] });
    const registered = content({ ...INVENTORY, agents: [...INVENTORY.agents, agent({ id: "agt_probe", externalId: "probe-1", status: "active" })] });
    for (const engineAt of [before, discovered, registered, before]) expect(engineAt.evaluate(request, AT)).toMatchObject({ decision: "deny", determiningPolicies: ["p0"] });
    // The entity the forbid sees is the inventory's, extended: the inventory's attributes win.
    const mappedDiscovered = discovered.map(request, AT) as MappedRequest;
    expect(mappedDiscovered.request.principal).toEqual({ type: "Steward::Agent", id: "agt_probe" });
    const entity = mappedDiscovered.entities.find((item) => JSON.stringify(item.uid) === JSON.stringify(mappedDiscovered.request.principal))!;
    expect(entity.attrs).toMatchObject({ status: "discovered", riskTier: "unknown" });
    expect(entity.parents).toEqual([{ type: "Steward::Group", id: "blocked" }]);
  });
});

describe("never fail open on what the PDP does not know (#10.3)", () => {
  const engine = engineWith([`permit (principal, action == Steward::Action::"call_tool", resource);`]);

  it("an action the schema does not define is denied with a reason, not mapped to call_tool", () => {
    for (const name of ["can_approve", "approve", "admin:delete", "tools/list"]) {
      expect(engine.evaluate({ ...read("crm-bot", "policy-1"), action: { name } }, AT), name).toMatchObject({ decision: "deny", refused: true, reason: expect.stringMatching(/not defined by the schema/) });
    }
    // A tool call names the tool: that is call_tool, and the permit applies.
    expect(engine.evaluate(call("crm-bot", "can_approve"), AT).decision).toBe("allow");
  });

  it("unknown resource types and requests the schema cannot type are denied with a reason", () => {
    expect(engine.evaluate({ ...call("crm-bot", "crm.read"), resource: { type: "spaceship", id: "x" } }, AT)).toMatchObject({ decision: "deny", reason: expect.stringMatching(/Resource type "spaceship" is not mapped/) });
    expect(engine.evaluate({ ...call("crm-bot", "crm.read"), resource: { type: "Steward::Nope", id: "x" } }, AT).reason).toMatch(/not mapped/);
    expect(engine.evaluate({ subject: { type: "user", id: "per_1" }, action: { name: "delegate" }, resource: { type: "agent", id: "agt_static" } }, AT)).toMatchObject({ decision: "deny", reason: expect.stringMatching(/does not define action "delegate" for a Person on a Agent/) });
  });
});

describe("typed context: Cedar extension types (#10.4)", () => {
  const schema = DEFAULT_CEDAR_SCHEMA.replace('"request": ClaimedRequest,', '"request": ClaimedRequest,\n    "clientIp": ipaddr,\n    "amount"?: decimal,\n    "notAfter"?: datetime,\n    "ttl"?: duration,');
  const engine = engineWith(
    [
      PERMIT_ALL,
      `forbid (principal, action, resource) when { context.clientIp.isInRange(ip("10.0.0.0/8")) };`,
      `forbid (principal, action, resource) when { context has amount && context.amount.greaterThan(decimal("100.0")) };`,
      `forbid (principal, action, resource) when { context has ttl && context.ttl > duration("1h") };`,
      `forbid (principal, action, resource) when { context has notAfter && context.notAfter < datetime("2026-01-01") };`,
    ],
    {},
    schema,
  );
  const ask = (context: Record<string, unknown>) => engine.evaluate(read("crm-bot", "dev-db", { context }), AT);

  it("publishes (the schema's context can be supplied)", () => {
    expect(validateContent({ policies: [], schemaText: schema, entities: [], tests: [] }).diagnostics).toEqual([]);
  });

  it("converts strings and __extn forms", () => {
    expect(ask({ clientIp: "192.168.1.1" })).toMatchObject({ decision: "allow", errors: [] });
    expect(ask({ clientIp: "10.1.2.3" }).decision).toBe("deny");
    expect(ask({ client_ip: { __extn: { fn: "ip", arg: "10.9.9.9" } } }).decision).toBe("deny");
    expect(ask({ clientIp: "2001:db8::1" }).decision).toBe("allow");
    expect(ask({ clientIp: "1.1.1.1", amount: "100.5" }).decision).toBe("deny");
    expect(ask({ clientIp: "1.1.1.1", amount: "99.9999" }).decision).toBe("allow");
    expect(ask({ clientIp: "1.1.1.1", ttl: "1h30m" }).decision).toBe("deny");
    expect(ask({ clientIp: "1.1.1.1", ttl: "45m" }).decision).toBe("allow");
    expect(ask({ clientIp: "1.1.1.1", notAfter: "2025-12-31T23:00:00Z" }).decision).toBe("deny");
    expect(ask({ clientIp: "1.1.1.1", notAfter: "2026-06-01" }).decision).toBe("allow");
  });

  it("a value that cannot be converted, or a missing required one, is a 400 naming the path", () => {
    for (const [context, path] of [
      [{ clientIp: "not-an-ip" }, "$.context.clientIp"],
      [{ clientIp: "10.0.0.0/33" }, "$.context.clientIp"],
      [{ clientIp: 1 }, "$.context.clientIp"],
      [{ clientIp: "1.1.1.1", amount: "1.23456" }, "$.context.amount"],
      [{ clientIp: "1.1.1.1", ttl: "soon" }, "$.context.ttl"],
      [{ clientIp: "1.1.1.1", notAfter: "yesterday" }, "$.context.notAfter"],
      [{}, "$.context.clientIp"],
    ] as const) {
      expect(() => ask(context), JSON.stringify(context)).toThrow(expect.objectContaining({ code: "bad_request", path }));
    }
  });

  it("publishing fails, naming the attribute, when no request can supply a required context attribute", () => {
    const wrongDerived = DEFAULT_CEDAR_SCHEMA.replace('"hour": Long,', '"hour": String,');
    expect(validateContent({ policies: [], schemaText: wrongDerived, entities: [], tests: [] }).diagnostics).toEqual([expect.objectContaining({ severity: "error", source: "schema", message: expect.stringMatching(/"hour".*derived by the PDP as Long/) })]);
  });
});

describe("a forbid that errors (#19.6)", () => {
  // Long overflow: a runtime error strict validation cannot see.
  const overflow = "forbid (principal, action, resource) when { context.sensitivityLevel + 9223372036854775807 > 0 };";

  it("denies under the default stance, naming the policy; Cedar's skip is a setting", () => {
    const request = read("crm-bot", "ledger");
    const denied = engineWith([PERMIT_ALL, overflow]).evaluate(request, AT);
    expect(denied).toMatchObject({ decision: "deny", erroringPolicies: ["p1"], determiningPolicies: ["p1"], reason: expect.stringMatching(/forbid p1 errored/) });
    const skipped = engineWith([PERMIT_ALL, overflow], { forbidErrors: "skip" }).evaluate(request, AT);
    expect(skipped).toMatchObject({ decision: "allow", erroringPolicies: ["p1"], reason: expect.stringMatching(/policy p1 errored/) });
  });

  it("says an erroring permit errored instead of 'No policy permits this request' alone", () => {
    const decision = engineWith([overflow.replace("forbid", "permit")]).evaluate(read("crm-bot", "ledger"), AT);
    expect(decision).toMatchObject({ decision: "deny", erroringPolicies: ["p0"], reason: "No policy permits this request; policy p0 errored" });
  });

  it("policy tests apply the same stance", () => {
    const content: PolicySetContent = {
      policies: [PERMIT_ALL, overflow].map((source, i) => ({ id: `p${i}`, description: "", owner: "", frameworkTags: [], source })),
      schemaText: DEFAULT_CEDAR_SCHEMA,
      entities: [],
      tests: [{ id: "t1", name: "errors deny", request: { principal: { type: "Steward::Agent", id: "a" }, action: { type: "Steward::Action", id: "read" }, resource: { type: "Steward::Resource", id: "r" }, context: { ...mapped(engineWith([PERMIT_ALL]), read("crm-bot", "ledger")).request.context } }, entities: [], expectedDecision: "deny", expectedPolicies: ["p1"] }],
    };
    expect(runPolicyTests(content)[0]).toMatchObject({ passed: true, erroringPolicies: ["p1"] });
    expect(runPolicyTests(content, { ...DEFAULT_PDP_OPTIONS, forbidErrors: "skip" })[0]).toMatchObject({ passed: false, actualDecision: "allow" });
  });

  it("a test whose request Cedar cannot evaluate fails and says why, even when it expected deny", () => {
    // An agent with none of its required attributes and an empty context: the schema refuses the request, so it
    // is denied before any policy is asked — an expected deny must not pass for that reason.
    const content: PolicySetContent = {
      policies: [PERMIT_ALL, 'forbid (principal, action == Steward::Action::"read", resource);'].map((source, i) => ({ id: `p${i}`, description: "", owner: "", frameworkTags: [], source })),
      schemaText: DEFAULT_CEDAR_SCHEMA,
      entities: [],
      tests: [{ id: "t1", name: "bare request", request: { principal: { type: "Steward::Agent", id: "a" }, action: { type: "Steward::Action", id: "read" }, resource: { type: "Steward::Resource", id: "r" }, context: {} }, entities: [{ uid: { type: "Steward::Agent", id: "a" }, attrs: {}, parents: [] }], expectedDecision: "deny", expectedPolicies: null }],
    };
    const [result] = runPolicyTests(content);
    expect(result).toMatchObject({ passed: false, actualDecision: "deny", determiningPolicies: [] });
    expect(result!.message).toMatch(/^the request does not evaluate, so no policy decided it .*: .+/);
  });
});

describe("hierarchies of any depth (#19.9)", () => {
  const DEPTH = 12;
  const groups: CedarEntity[] = Array.from({ length: DEPTH }, (_, i) => ({ uid: { type: "Steward::ResourceGroup", id: `g${i}` }, attrs: {}, parents: i === 0 ? [] : [{ type: "Steward::ResourceGroup", id: `g${i - 1}` }] }));
  const deep = res("deep-doc", { environment: "dev", sensitivity: "public" }, [{ type: "Steward::ResourceGroup", id: `g${DEPTH - 1}` }]);
  const policies = [PERMIT_ALL, `forbid (principal, action, resource in Steward::ResourceGroup::"g0");`];

  it("the forbid on the outermost of twelve groups fires live and in a policy test alike", () => {
    const engine = engineWith(policies, {}, DEFAULT_CEDAR_SCHEMA, [...ADMIN_ENTITIES, ...groups, deep]);
    const live = engine.evaluate(read("crm-bot", "deep-doc"), AT);
    expect(live).toMatchObject({ decision: "deny", determiningPolicies: ["p1"] });
    const built = mapped(engine, read("crm-bot", "deep-doc"));
    expect(built.entities.filter((entity) => (entity.uid as { type: string }).type === "Steward::ResourceGroup")).toHaveLength(DEPTH);
    const content: PolicySetContent = {
      policies: policies.map((source, i) => ({ id: `p${i}`, description: "", owner: "", frameworkTags: [], source })),
      schemaText: DEFAULT_CEDAR_SCHEMA,
      entities: [...groups, deep],
      tests: [{ id: "t", name: "deep", request: { ...built.request, context: built.request.context }, entities: built.entities.filter((entity) => (entity.uid as { type: string }).type === "Steward::Agent"), expectedDecision: "deny", expectedPolicies: ["p1"] }],
    };
    expect(runPolicyTests(content)[0]).toMatchObject({ passed: true });
  });
});

describe("policy effect is Cedar's parse (#19.11)", () => {
  it("comments and annotations before the keyword do not make a forbid a permit", () => {
    expect(policyEffect("// permit everything? no:\nforbid (principal, action, resource);")).toBe("forbid");
    expect(policyEffect('// permit\n@id("permit")\n@note("permit")\nforbid (principal, action, resource);')).toBe("forbid");
    expect(policyEffect("// forbid\npermit (principal, action, resource);")).toBe("permit");
    expect(policyEffect("not cedar")).toBeNull();
  });
});

describe("AuthZEN metadata names the public origin (#10.18)", () => {
  it("uses AUTH_URL's origin when set, else the request's", () => {
    expect(authzenConfiguration("http://localhost:3201", "https://steward.example.com/console/").policy_decision_point).toBe("https://steward.example.com");
    expect(authzenConfiguration("http://localhost:3201", "https://steward.example.com").access_evaluation_endpoint).toBe("https://steward.example.com/access/v1/evaluation");
    expect(authzenConfiguration("http://localhost:3201", undefined).policy_decision_point).toBe("http://localhost:3201");
    expect(authzenConfiguration("http://localhost:3201", "not a url").policy_decision_point).toBe("http://localhost:3201");
  });
});
