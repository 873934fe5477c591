import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { decodeJwt } from "jose";
import { openTestDatabase } from "@/testing/database";
import { findings } from "@/db/schema";
import type { Actor } from "../auth/actor";
import { ingestDecisions } from "../decisions/ingest-decisions";
import type { ControlRow } from "@/db/frameworks";
import { evaluateControl } from "../frameworks/evidence/evaluate-controls";
import { collectEvidenceFacts } from "../frameworks/evidence/facts";
import { updateSettings } from "../settings/settings";
import { endTask } from "./revocation";
import { userContext } from "@/testing/context";
import { forgetSigningKeys } from "./signing-keys";
import { noteStandingCredentialUse } from "./standing-credentials";
import { observedCredentialPosture } from "./tasks-view";
import { exchangeToken } from "./token-exchange";
import { delegateForm, ISSUER, makeAgent, makeDomainKeys, mintSvid, publishBaseline, registerDomain, rootForm } from "@/testing/identity";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
const ep = { actor: { type: "enforcement_point", enforcementPointId: "ep_gateway", name: "gateway" } as Actor, requestId: "req_ep", ip: null };
const viewer = userContext("viewer");
let counter = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  forgetSigningKeys();
  await publishBaseline();
});
afterAll(async () => {
  await database?.close();
});

/** One allow decision by `agentId` as an enforcement point reports it, with the task id it saw (if any). */
async function acted(agentId: string, taskId?: string, time = new Date()) {
  await ingestDecisions({ ctx: ep, input: [{ value: { id: `d-${++counter}`, time: time.toISOString(), agent: { id: agentId }, action: { name: "search" }, resource: { type: "tool", id: "search" }, outcome: "allow", ...(taskId ? { task_id: taskId } : {}) } }] });
}
const findingOf = async (agentId: string) => (await database.db.select().from(findings).where(and(eq(findings.agentId, agentId), eq(findings.kind, "standing_credential_in_use"))))[0];


/**
 * The start of a period that holds only what the test issues from now on. Token times are whole
 * seconds (JWT iat), so the period starts at the next whole second, and the test waits for it:
 * tokens an earlier test issued in this second fall before it.
 */
async function periodStartingNow(): Promise<Date> {
  const next = Math.ceil((Date.now() + 1) / 1000) * 1000;
  await new Promise((resolve) => setTimeout(resolve, next - Date.now()));
  return new Date(next);
}

describe("standing credentials observed in use", () => {
  it("raises a finding on an agent acting without a task token, not on one acting with its task token", async () => {
    const domain = await makeDomainKeys("standing.test");
    await registerDomain(domain);
    const legacy = await makeAgent("legacy-bot", ["search"]);
    const modern = await makeAgent("token-bot", ["search"], "spiffe://standing.test/agent/token-bot");
    const forged = await makeAgent("forged-task-bot", ["search"]);
    // Only this test's decisions and tokens fall in the window: it opens 1 ms before a whole second that
    // comes after every earlier test's, so this test's token (its time is that whole second) is inside.
    const since = new Date((await periodStartingNow()).getTime() - 1);
    const { access_token } = await exchangeToken({ form: rootForm(await mintSvid(domain, "spiffe://standing.test/agent/token-bot"), { scope: "search" }), issuer: ISSUER });
    await acted(legacy.id);
    await acted(modern.id, decodeJwt(access_token).task_id as string);
    // A task id Steward never issued is no task token either.
    await acted(forged.id, "tsk_made_up");

    expect(await noteStandingCredentialUse(database.db, since)).toBe(2);
    expect(await findingOf(legacy.id)).toMatchObject({ status: "open" });
    expect((await findingOf(legacy.id))!.detail).toContain("1 enforcement decision since");
    expect(await findingOf(forged.id)).toMatchObject({ status: "open" });
    expect(await findingOf(modern.id)).toBeUndefined();

    // The agent page tells them apart: task tokens for one, a standing credential for the others.
    expect(await observedCredentialPosture({ ctx: viewer, agentId: modern.id, since })).toMatchObject({ posture: "task_tokens", decisionsWithoutTaskToken: 0 });
    expect(await observedCredentialPosture({ ctx: viewer, agentId: forged.id, since })).toMatchObject({ posture: "standing", decisionsWithoutTaskToken: 1 });
  });

  it("calls an agent that holds task tokens but also acts without one mixed, and notes the finding", async () => {
    const domain = await makeDomainKeys("mixed.test");
    await registerDomain(domain);
    const mixed = await makeAgent("mixed-bot", ["search"], "spiffe://mixed.test/agent/mixed-bot");
    const since = new Date(Date.now() - 60_000);
    const { access_token } = await exchangeToken({ form: rootForm(await mintSvid(domain, "spiffe://mixed.test/agent/mixed-bot"), { scope: "search" }), issuer: ISSUER });
    await acted(mixed.id, decodeJwt(access_token).task_id as string);
    await acted(mixed.id);
    expect(await observedCredentialPosture({ ctx: viewer, agentId: mixed.id, since })).toMatchObject({ posture: "mixed", tokens: 1, enforcementDecisions: 2, decisionsWithoutTaskToken: 1 });
    await noteStandingCredentialUse(database.db, since);
    expect(await findingOf(mixed.id)).toMatchObject({ status: "open" });
  });

  it("looks only at the window and leaves discovered agents to their own finding", async () => {
    const old = await makeAgent("old-legacy-bot", ["search"]);
    await acted(old.id, undefined, new Date(Date.now() - 3_600_000));
    const since = new Date(Date.now() - 60_000);
    await noteStandingCredentialUse(database.db, since);
    expect(await findingOf(old.id)).toBeUndefined();
    const shadow = await makeAgent("shadow-bot", ["search"]);
    await database.db.execute(sql`update agents set status = 'discovered' where id = ${shadow.id}`);
    await acted(shadow.id);
    await noteStandingCredentialUse(database.db, since);
    expect(await findingOf(shadow.id)).toBeUndefined();
  });
});

describe("framework evidence", () => {
  it("carries each agent's task tokens, their lifetime, delegation depth and revocations in the period", async () => {
    const domain = await makeDomainKeys("evidence.test");
    await registerDomain(domain);
    const lead = await makeAgent("evidence-lead", ["search", "read_file"], "spiffe://evidence.test/agent/lead");
    const helper = await makeAgent("evidence-helper", ["search"], "spiffe://evidence.test/agent/helper");
    const idle = await makeAgent("evidence-idle", ["search"]);
    const start = await periodStartingNow();
    const root = await exchangeToken({ form: rootForm(await mintSvid(domain, "spiffe://evidence.test/agent/lead"), { scope: "search read_file" }), issuer: ISSUER });
    await exchangeToken({ form: delegateForm(root.access_token, await mintSvid(domain, "spiffe://evidence.test/agent/helper"), { scope: "search" }), issuer: ISSUER });
    await endTask({ ctx: userContext("admin"), input: { taskId: decodeJwt(root.access_token).task_id as string } });
    const facts = await collectEvidenceFacts(database.db, { kind: "all" }, { start, end: new Date(Date.now() + 1_000) });
    expect(facts.identityByAgent.get(lead.id)).toMatchObject({ taskTokens: 1, tasks: 1, longestLifetimeSeconds: 300, delegatedTokens: 0, maxDelegationDepth: 0, revokedTokens: 1, widestScope: 2 });
    expect(facts.identityByAgent.get(helper.id)).toMatchObject({ taskTokens: 1, delegatedTokens: 1, maxDelegationDepth: 1, revokedTokens: 1, widestScope: 1 });
    expect(facts.identityByAgent.has(idle.id)).toBe(false);
    // Outside the period nothing counts.
    const before = await collectEvidenceFacts(database.db, { kind: "agent", agentId: lead.id }, { start: new Date(start.getTime() - 86_400_000), end: start });
    expect(before.identityByAgent.size).toBe(0);
  });

  it("feeds the NHI controls: short-lived credentials judged by the tokens issued, delegation depth by delegated tokens, unique identity by verified holders; unknown without data", async () => {
    const domain = await makeDomainKeys("controls.test");
    await registerDomain(domain);
    const lead = await makeAgent("controls-lead", ["search"], "spiffe://controls.test/agent/lead");
    const helper = await makeAgent("controls-helper", ["search"], "spiffe://controls.test/agent/helper");
    const start = await periodStartingNow();
    const root = await exchangeToken({ form: rootForm(await mintSvid(domain, "spiffe://controls.test/agent/lead"), { scope: "search" }), issuer: ISSUER });
    await exchangeToken({ form: delegateForm(root.access_token, await mintSvid(domain, "spiffe://controls.test/agent/helper"), { scope: "search" }), issuer: ISSUER });
    const period = { start, end: new Date(Date.now() + 1_000) };
    const control = (evidenceQuery: string) => ({ id: `ctl_${evidenceQuery}`, title: evidenceQuery, evidenceKind: "automated", evidenceQuery }) as unknown as ControlRow;
    const judge = async (evidenceQuery: string, scope: Parameters<typeof collectEvidenceFacts>[1] = { kind: "all" }, within = period) => evaluateControl(control(evidenceQuery), await collectEvidenceFacts(database.db, scope, within));

    // The lead declared no credential lifetime; the 300 s task token it was issued is the evidence.
    const shortLived = await judge("short_lived_credentials", { kind: "agent", agentId: lead.id });
    expect(shortLived).toMatchObject({ status: "pass", measures: { observedFromTaskTokens: 1, lifetimeUnknown: 0 } });
    const delegation = await judge("delegation_depth");
    expect(delegation).toMatchObject({ status: "pass", measures: { delegatedTaskTokens: 1, agentsWithTokensOverCap: 0 } });
    expect((await judge("unique_identity", { kind: "agent", agentId: helper.id })).status).toBe("pass");

    // Violations fail: tokens outliving the limit, a delegated token beyond the cap.
    await updateSettings({ ctx: userContext("admin"), input: { maxCredentialLifetimeSeconds: 120, maxDelegationDepth: 1 } });
    try {
      const tooLong = await judge("short_lived_credentials", { kind: "agent", agentId: lead.id });
      expect(tooLong).toMatchObject({ status: "fail", failingAgents: [{ agentId: lead.id, detail: "task tokens issued living up to 300 s" }] });
      const tooDeep = await judge("delegation_depth");
      expect(tooDeep).toMatchObject({ status: "fail", measures: { agentsWithTokensOverCap: 1, observedMaxDepth: 2 } });
      expect(tooDeep.failingAgents.map((agent) => agent.agentId)).toContain(helper.id);
    } finally {
      await updateSettings({ ctx: userContext("admin"), input: { maxCredentialLifetimeSeconds: 3600, maxDelegationDepth: 3 } });
    }

    // Without data: an agent with no tokens, no decisions and no declared lifetime is not evidence either way.
    const idle = await makeAgent("controls-idle", ["search"]);
    for (const query of ["short_lived_credentials", "delegation_depth", "unique_identity"]) expect((await judge(query, { kind: "agent", agentId: idle.id })).status, query).toBe("unknown");
  });
});
