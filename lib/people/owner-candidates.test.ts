import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { userContext } from "@/testing/context";
import { createUser } from "../users/create-user";
import { listOwnerCandidates } from "./owner-candidates";
import { createPerson } from "./people";

suiteDatabase();

describe("owner candidates: one people model", () => {
  it("lists directory people and console users not yet in the directory, each marked, by name; a console user added as a person is listed once", async () => {
    const admin = userContext("admin");
    const security = userContext("security");
    const suffix = Date.now().toString(36);
    const user = await createUser({ ctx: admin, input: { email: `cora-${suffix}@example.test`, name: `Cora Console ${suffix}`, role: "viewer", password: "correct horse battery staple" } });
    const person = await createPerson({ ctx: security, input: { name: `Dina Directory ${suffix}`, email: `dina-${suffix}@example.test` } });

    const before = (await listOwnerCandidates({ ctx: security })).filter((candidate) => candidate.name.endsWith(suffix));
    expect(before).toEqual([
      { kind: "user", id: user.id, name: `Cora Console ${suffix}`, email: `cora-${suffix}@example.test` },
      { kind: "person", id: person.id, name: `Dina Directory ${suffix}`, email: `dina-${suffix}@example.test`, consoleUser: false },
    ]);

    // What the owner picker does when a console user is chosen: add them as a person linked to their sign-in.
    const added = await createPerson({ ctx: security, input: { name: user.name, email: user.email, userId: user.id } });
    const after = (await listOwnerCandidates({ ctx: security })).filter((candidate) => candidate.name.endsWith(suffix));
    expect(after).toEqual([
      { kind: "person", id: added.id, name: `Cora Console ${suffix}`, email: `cora-${suffix}@example.test`, consoleUser: true },
      { kind: "person", id: person.id, name: `Dina Directory ${suffix}`, email: `dina-${suffix}@example.test`, consoleUser: false },
    ]);
  });

  it("is refused to roles that may not assign owners", async () => {
    await expect(listOwnerCandidates({ ctx: userContext("viewer") })).rejects.toMatchObject({ code: "forbidden" });
  });
});
