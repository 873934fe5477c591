import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/testing/database";
import { recordTestDecisions } from "@/testing/decisions";
import { agents, auditLog, findings } from "@/db/schema";
import { userContext } from "@/testing/context";
import { createAgent } from "../agents/create-agent";
import { refreshFindings } from "../findings/refresh-findings";
import { createPerson } from "../people/people";
import { createUser } from "../users/create-user";
import { attestAgent } from "./attest-agent";
import { listCampaigns, pendingInCampaign, startCampaign } from "./campaigns";
import { myAgents } from "./my-agents";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
// A campaign covers every live agent in the database, so each test gets a database of its own.
beforeEach(async () => {
  database = await openTestDatabase();
});
afterEach(async () => {
  await database?.close();
});

const DAY = 86_400_000;

describe("ownership attestation", () => {
  it("lets an owner confirm, narrow, transfer and retire only their own agents, with evidence", async () => {
    const admin = userContext("admin");
    const security = userContext("security");
    const ownerUser = await createUser({ ctx: admin, input: { email: "owen@example.test", name: "Owen", role: "viewer", password: "long enough password" } });
    const owner = await createPerson({ ctx: security, input: { name: "Owen", email: "owen@example.test" } });
    const other = await createPerson({ ctx: security, input: { name: "Opal", email: "opal@example.test" } });
    const mine = await createAgent({ ctx: security, input: { name: "mine", ownerId: owner.id, backupOwnerId: other.id, declaredActions: ["a", "b", "c"] } });
    const second = await createAgent({ ctx: security, input: { name: "mine-too", ownerId: owner.id } });
    const theirs = await createAgent({ ctx: security, input: { name: "theirs", ownerId: other.id } });
    await recordTestDecisions(database.db, [
      { agentId: mine.id, action: "a" },
      { agentId: mine.id, action: "z", outcome: "deny" },
    ]);
    const ownerCtx = { ...userContext("viewer", ownerUser.id), actor: { type: "user" as const, userId: ownerUser.id, email: "owen@example.test", role: "viewer" as const, via: "session" as const } };

    const view = await myAgents({ ctx: ownerCtx });
    expect(view.agents.map((a) => a.agent.name)).toEqual(["mine", "mine-too"]);
    expect(view.agents[0]).toMatchObject({ outOfScope: ["z"], unusedDeclared: ["b", "c"], denies: 1 });

    const campaign = await startCampaign({ ctx: security, input: { name: "Q4", dueInDays: 7 } });
    expect(campaign.agents).toBe(3);
    await expect(startCampaign({ ctx: ownerCtx, input: { name: "mine", dueInDays: 7 } })).rejects.toMatchObject({ code: "forbidden" });

    await expect(attestAgent({ ctx: ownerCtx, input: { agentId: theirs.id, outcome: "confirmed" } })).rejects.toMatchObject({ code: "forbidden", message: "You do not own theirs; only its owner or a security engineer may attest it" });
    await expect(attestAgent({ ctx: ownerCtx, input: { agentId: mine.id, outcome: "narrowed", keepActions: ["a", "q"] } })).rejects.toMatchObject({ path: "keepActions" });
    await expect(attestAgent({ ctx: ownerCtx, input: { agentId: mine.id, outcome: "transferred" } })).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ["newOwnerId"], message: "Choose who takes the agent over" })] });

    const narrowed = await attestAgent({ ctx: ownerCtx, input: { agentId: mine.id, outcome: "narrowed", keepActions: ["a"] } });
    expect(narrowed).toMatchObject({ declaredActions: ["a"] });
    expect(narrowed.lastAttestedAt).not.toBeNull();
    const [audit] = await database.db.select().from(auditLog).where(and(eq(auditLog.action, "agent.attest"), eq(auditLog.entityId, mine.id)));
    expect(audit).toMatchObject({ actorId: ownerUser.id, after: expect.objectContaining({ outcome: "narrowed", declaredActions: ["a"] }) });

    const transferred = await attestAgent({ ctx: ownerCtx, input: { agentId: second.id, outcome: "transferred", newOwnerId: other.id } });
    expect(transferred.ownerId).toBe(other.id);
    await expect(attestAgent({ ctx: ownerCtx, input: { agentId: second.id, outcome: "retired" } })).rejects.toMatchObject({ code: "forbidden" });
    const retired = await attestAgent({ ctx: security, input: { agentId: theirs.id, outcome: "retired" } });
    expect(retired.status).toBe("retired");

    const [progress] = await listCampaigns({ ctx: userContext("risk") });
    expect(progress).toMatchObject({ name: "Q4", total: 3, attested: 3, overdue: 0 });
    expect(await pendingInCampaign({ ctx: security, input: { campaignId: campaign.id } })).toEqual([]);
  });

  it("marks unanswered campaign requests overdue after the due date", async () => {
    const security = userContext("security");
    const owner = await createPerson({ ctx: security, input: { name: "Late", email: "late@example.test" } });
    const agent = await createAgent({ ctx: security, input: { name: "late-agent", ownerId: owner.id } });
    await startCampaign({ ctx: security, input: { name: "Overdue one", dueInDays: 1 } });
    await refreshFindings({ ctx: security, now: new Date(Date.now() + 2 * DAY) });
    const [finding] = await database.db.select().from(findings).where(and(eq(findings.agentId, agent.id), eq(findings.kind, "attestation_overdue")));
    expect(finding).toMatchObject({ status: "open", detail: "Attestation campaign passed its due date" });
    expect((await database.db.select().from(agents).where(eq(agents.id, agent.id)))[0]!.lastAttestedAt).toBeNull();
  });
});
