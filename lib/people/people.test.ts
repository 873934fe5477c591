import { describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { agents, auditLog, findings, people } from "@/db/schema";
import { userContext } from "@/testing/context";
import { createAgent } from "../agents/create-agent";
import { createUser } from "../users/create-user";
import { deactivateUser } from "../users/update-user";
import { offboardPerson } from "./offboard-person";
import { createPerson, listPeople, updatePerson, upsertPersonByExternalId } from "./people";
import { ListPeopleQuery } from "./schemas";
import { readQuery } from "../http/query";
import { createTeam, deleteTeam, renameTeam } from "./teams";

const database = suiteDatabase();

const security = userContext("security");
const agentRow = async (id: string) => (await database.db.select().from(agents).where(eq(agents.id, id)))[0]!;

describe("people and teams", () => {
  it("creates, updates and lists people, audited, and refuses duplicates and other roles", async () => {
    const team = await createTeam({ ctx: security, input: { name: "Platform" } });
    const person = await createPerson({ ctx: security, input: { name: "Pat", email: "Pat@Example.test", teamId: team.id } });
    expect(person).toMatchObject({ email: "pat@example.test", teamId: team.id, active: true });
    const [audit] = await database.db.select().from(auditLog).where(and(eq(auditLog.action, "person.create"), eq(auditLog.entityId, person.id)));
    expect(audit).toBeDefined();
    await expect(createPerson({ ctx: security, input: { name: "Other", email: "pat@example.test" } })).rejects.toMatchObject({ code: "conflict", path: "email" });
    await expect(createPerson({ ctx: security, input: { name: "Bad", email: "not-an-email" } })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ["email"], message: "Enter a valid email address" })],
    });
    for (const role of ["risk", "viewer"] as const) {
      await expect(createPerson({ ctx: userContext(role), input: { name: "X", email: `x-${role}@example.test` } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(updatePerson({ ctx: userContext(role), input: { personId: person.id, changes: { name: "Y" } } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(offboardPerson({ ctx: userContext(role), input: { personId: person.id } })).rejects.toMatchObject({ code: "forbidden" });
    }
    const renamed = await updatePerson({ ctx: security, input: { personId: person.id, changes: { name: "Patricia" } } });
    expect(renamed.name).toBe("Patricia");
    expect((await listPeople({ ctx: userContext("viewer"), input: { q: "patri" } })).items.map((p) => p.id)).toEqual([person.id]);
    await expect(deleteTeam({ ctx: security, input: { teamId: team.id } })).rejects.toMatchObject({ code: "precondition_failed" });
    expect((await renameTeam({ ctx: security, input: { teamId: team.id, name: "Platform Eng" } })).name).toBe("Platform Eng");
  });

  it("upserts a person by external id idempotently", async () => {
    const first = await upsertPersonByExternalId({ ctx: security, input: { externalId: "hr-42", person: { name: "Quinn", email: "quinn@example.test" } } });
    const second = await upsertPersonByExternalId({ ctx: security, input: { externalId: "hr-42", person: { name: "Quinn", email: "quinn@example.test" } } });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, person: { id: first.person.id } });
  });
});

describe("offboarding", () => {
  it("moves agents to the backup owner, else the team queue, else leaves them visibly orphaned", async () => {
    const team = await createTeam({ ctx: security, input: { name: "Data" } });
    const leaver = await createPerson({ ctx: security, input: { name: "Lee Leaver", email: "lee@example.test", teamId: team.id } });
    const backup = await createPerson({ ctx: security, input: { name: "Bo Backup", email: "bo@example.test" } });
    const teamless = await createPerson({ ctx: security, input: { name: "Nia Noteam", email: "nia@example.test" } });
    const withBackup = await createAgent({ ctx: security, input: { name: "with-backup", ownerId: leaver.id, backupOwnerId: backup.id } });
    const teamQueued = await createAgent({ ctx: security, input: { name: "team-queued", ownerId: leaver.id } });
    const orphan = await createAgent({ ctx: security, input: { name: "orphan", ownerId: teamless.id } });
    const backedUpByLeaver = await createAgent({ ctx: security, input: { name: "backed-up-by-leaver", ownerId: backup.id, backupOwnerId: leaver.id } });

    expect(await offboardPerson({ ctx: security, input: { personId: leaver.id } })).toEqual({ personId: leaver.id, agentsMoved: 3 });
    expect(await agentRow(withBackup.id)).toMatchObject({ ownerId: backup.id, backupOwnerId: null, inTeamQueue: false });
    expect(await agentRow(teamQueued.id)).toMatchObject({ ownerId: null, teamId: team.id, inTeamQueue: true });
    expect(await agentRow(backedUpByLeaver.id)).toMatchObject({ ownerId: backup.id, backupOwnerId: null });
    const [queuedFinding] = await database.db.select().from(findings).where(and(eq(findings.agentId, teamQueued.id), eq(findings.kind, "orphaned")));
    expect(queuedFinding).toMatchObject({ status: "open", detail: "No owner: waiting in its team's queue" });
    const moves = await database.db.select().from(auditLog).where(and(eq(auditLog.action, "agent.offboard_reassign"), inArray(auditLog.entityId, [withBackup.id, teamQueued.id, backedUpByLeaver.id])));
    expect(moves.map((m) => (m.after as { outcome: string }).outcome).sort()).toEqual(["backup owner removed", "moved to backup owner bo@example.test", "moved to the team queue"]);

    await offboardPerson({ ctx: security, input: { personId: teamless.id } });
    expect(await agentRow(orphan.id)).toMatchObject({ ownerId: null, inTeamQueue: false });
    const [orphanFinding] = await database.db.select().from(findings).where(and(eq(findings.agentId, orphan.id), eq(findings.kind, "orphaned")));
    expect(orphanFinding).toMatchObject({ status: "open", detail: "No owner" });
  });

  it("offboards the people linked to a console user when an admin deactivates that user", async () => {
    const admin = userContext("admin");
    const user = await createUser({ ctx: admin, input: { email: "leaving@example.test", name: "Leaving", role: "viewer", password: "long enough password" } });
    const person = await createPerson({ ctx: admin, input: { name: "Leaving", email: "leaving@example.test", userId: user.id } });
    const agent = await createAgent({ ctx: admin, input: { name: "leaving-agent", ownerId: person.id } });
    await deactivateUser({ ctx: admin, input: { userId: user.id } });
    expect((await database.db.select().from(people).where(eq(people.id, person.id)))[0]!.active).toBe(false);
    expect(await agentRow(agent.id)).toMatchObject({ ownerId: null });
    const [audit] = await database.db.select().from(auditLog).where(and(eq(auditLog.action, "person.offboard"), eq(auditLog.entityId, person.id)));
    expect(audit).toBeDefined();
  });
});

describe("the directory list", () => {
  it("sorts on the server by name or email, either way, with the total for the pager; an unknown order is refused at the API", async () => {
    const ctx = userContext("admin");
    const tag = `ps${Date.now().toString(36)}`;
    const made: string[] = [];
    for (const [name, email] of [["Bo", "c"], ["Al", "b"], ["Cy", "a"]] as const) made.push((await createPerson({ ctx, input: { name: `${name} ${tag}`, email: `${email}-${tag}@example.test` } })).id);
    const [bo, al, cy] = made;
    const order = async (sort?: string) => {
      const page = await listPeople({ ctx, input: { q: tag, ...(sort ? { sort } : {}) } });
      expect(page.total).toBe(3);
      return page.items.map((person) => person.id);
    };
    expect(await order()).toEqual([al, bo, cy]);
    expect(await order("-name")).toEqual([cy, bo, al]);
    expect(await order("email")).toEqual([cy, al, bo]);
    expect(await order("-email")).toEqual([bo, al, cy]);
    expect(() => readQuery(new URLSearchParams({ sort: "team" }), ListPeopleQuery)).toThrow(/sort/);
  });
});
