import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { apiTokens, auditLog, signInFailures, users } from "@/db/schema";
import { countActiveAdmins } from "@/db/users";
import { createApiToken } from "../api-tokens/api-tokens";
import { systemContext, type Actor, type RequestContext } from "../auth/actor";
import type { Role } from "../auth/permissions";
import { newId } from "../ids";
import { insertUser } from "./create-user";
import { hashPassword } from "../auth/password";
import { changeOwnPassword, resetUserPassword } from "./passwords";
import { currentSessionVersion, endSessionsAtSignOut } from "./session-version";
import { signInWithPassword, type SignInLimits } from "./sign-in";
import { upsertSsoUser } from "./sso";
import { deactivateUser, reactivateUser, updateUserRole } from "./update-user";
import { patchUser } from "./update-user-status";

const database = suiteDatabase();

const limits: SignInLimits = { perAccount: 5, perIp: 1000, windowMinutes: 15 };
const PASSWORD = "a long enough password";

/** Each test makes its own people, so the suite passes in any order. */
async function person(role: Role, options: { password?: string; provider?: "local" | "oidc" } = {}) {
  const email = `${role}-${randomBytes(5).toString("hex")}@example.test`;
  const view = await database.db.transaction((tx) =>
    insertUser(
      tx,
      systemContext("test"),
      { email, name: email, role, passwordHash: options.provider === "oidc" ? null : options.password === undefined ? null : options.password, authProvider: options.provider ?? "local" },
      "user.create",
    ),
  );
  if (options.password !== undefined && options.provider !== "oidc") {
    await database.db.update(users).set({ passwordHash: await hashPassword(options.password) }).where(eq(users.id, view.id));
  }
  return view;
}

function ctxFor(user: { id: string; email: string }, role: Role, via: "session" | "token"): RequestContext & { actor: Actor } {
  return { actor: { type: "user", userId: user.id, email: user.email, role, via, ...(via === "token" ? { tokenId: newId("tok") } : {}) }, requestId: newId("req"), ip: "198.51.100.1" };
}

const epCtx: RequestContext & { actor: Actor } = { actor: { type: "enforcement_point", enforcementPointId: "ep_1", name: "gw" }, requestId: "req_ep", ip: null };

describe("item 5: no token mints tokens, changes a password or a role — by any path that reaches the verb", () => {
  it("creating a personal token needs a browser session", async () => {
    const admin = await person("admin");
    for (const ctx of [ctxFor(admin, "admin", "token"), epCtx, systemContext("job")]) {
      await expect(createApiToken({ ctx, input: { name: "minted", expiresInDays: 1 } })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await database.db.select().from(apiTokens).where(eq(apiTokens.userId, admin.id))).toHaveLength(0);
    await expect(createApiToken({ ctx: ctxFor(admin, "admin", "session"), input: { name: "ok", expiresInDays: 1 } })).resolves.toMatchObject({ token: { name: "ok" } });
  });

  it("changing one's own password needs a browser session", async () => {
    const viewer = await person("viewer", { password: PASSWORD });
    await expect(
      changeOwnPassword({ ctx: ctxFor(viewer, "viewer", "token"), input: { currentPassword: PASSWORD, newPassword: "another long password", confirmPassword: "another long password" }, limits }),
    ).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/signed-in browser session/) });
    expect((await signInWithPassword({ email: viewer.email, password: PASSWORD, ip: null, limits })).ok).toBe(true);
  });

  it("resetting someone's password and changing a role need a browser session, also through the API's PATCH", async () => {
    const admin = await person("admin");
    const target = await person("viewer", { password: PASSWORD });
    const token = ctxFor(admin, "admin", "token");
    await expect(resetUserPassword({ ctx: token, input: { userId: target.id } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(updateUserRole({ ctx: token, input: { userId: target.id, role: "admin" } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(patchUser({ ctx: token, userId: target.id, input: { role: "admin" } })).rejects.toMatchObject({ code: "forbidden" });
    const [row] = await database.db.select().from(users).where(eq(users.id, target.id));
    expect(row).toMatchObject({ role: "viewer", mustChangePassword: false });
  });
});

describe("item 9: a per-user session version, bumped at sign-out, deactivation, role change and password change", () => {
  it("bumps at sign-out and audits it", async () => {
    const viewer = await person("viewer");
    const before = await currentSessionVersion(viewer.id);
    await endSessionsAtSignOut(systemContext("sign-out"), viewer.id);
    expect(await currentSessionVersion(viewer.id)).toBe(before! + 1);
    const rows = await database.db.select().from(auditLog).where(and(eq(auditLog.entityId, viewer.id), eq(auditLog.action, "user.sign_out")));
    expect(rows).toHaveLength(1);
  });

  it("bumps at deactivation, and reactivation does not revive the old sessions", async () => {
    const admin = await person("admin");
    const viewer = await person("viewer");
    const before = (await currentSessionVersion(viewer.id))!;
    await deactivateUser({ ctx: ctxFor(admin, "admin", "session"), input: { userId: viewer.id } });
    await reactivateUser({ ctx: ctxFor(admin, "admin", "session"), input: { userId: viewer.id } });
    expect(await currentSessionVersion(viewer.id)).toBe(before + 1);
  });

  it("bumps at a role change (console or single sign-on), not at a no-op", async () => {
    const admin = await person("admin");
    const viewer = await person("viewer");
    const v0 = (await currentSessionVersion(viewer.id))!;
    await updateUserRole({ ctx: ctxFor(admin, "admin", "session"), input: { userId: viewer.id, role: "viewer" } });
    expect(await currentSessionVersion(viewer.id)).toBe(v0);
    await updateUserRole({ ctx: ctxFor(admin, "admin", "session"), input: { userId: viewer.id, role: "risk" } });
    expect(await currentSessionVersion(viewer.id)).toBe(v0 + 1);
    await upsertSsoUser({ email: viewer.email, name: "V", roleClaim: "security", defaultRole: "viewer", ip: null });
    expect(await currentSessionVersion(viewer.id)).toBe(v0 + 2);
  });
});

describe("item 8: passwords can be changed and reset, and both end the person's other sessions", () => {
  it("changes one's own password with the current one, which ends other sessions", async () => {
    const risk = await person("risk", { password: PASSWORD });
    const ctx = ctxFor(risk, "risk", "session");
    const v0 = (await currentSessionVersion(risk.id))!;
    await expect(changeOwnPassword({ ctx, input: { currentPassword: "not the password", newPassword: "brand new password!", confirmPassword: "brand new password!" }, limits })).rejects.toMatchObject({
      code: "invalid_input",
      path: "currentPassword",
    });
    await expect(changeOwnPassword({ ctx, input: { currentPassword: PASSWORD, newPassword: "brand new password!", confirmPassword: "different password!" }, limits })).rejects.toThrow(/differ/);
    await expect(changeOwnPassword({ ctx, input: { currentPassword: PASSWORD, newPassword: "short", confirmPassword: "short" }, limits })).rejects.toThrow(/at least 12/);
    expect(await currentSessionVersion(risk.id)).toBe(v0);

    const { sessionVersion } = await changeOwnPassword({ ctx, input: { currentPassword: PASSWORD, newPassword: "brand new password!", confirmPassword: "brand new password!" }, limits });
    expect(sessionVersion).toBe(v0 + 1);
    expect(await currentSessionVersion(risk.id)).toBe(v0 + 1);
    expect(await signInWithPassword({ email: risk.email, password: PASSWORD, ip: null, limits })).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(await signInWithPassword({ email: risk.email, password: "brand new password!", ip: null, limits })).toMatchObject({ ok: true, user: { sessionVersion: v0 + 1 } });
    const audit = await database.db.select().from(auditLog).where(and(eq(auditLog.entityId, risk.id), eq(auditLog.action, "user.change_password")));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toMatch(/brand new|scrypt\$/);
  });

  it("guessing through the change form counts against the sign-in limit", async () => {
    const viewer = await person("viewer", { password: PASSWORD });
    const ctx = ctxFor(viewer, "viewer", "session");
    const wrong = { currentPassword: "wrong guess here", newPassword: "brand new password!", confirmPassword: "brand new password!" };
    for (let i = 0; i < limits.perAccount; i++) await expect(changeOwnPassword({ ctx, input: wrong, limits })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(changeOwnPassword({ ctx, input: { ...wrong, currentPassword: PASSWORD }, limits })).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("an admin's reset sets a one-time temporary password, forces a change, and ends sessions", async () => {
    const admin = await person("admin");
    const target = await person("security", { password: PASSWORD });
    const v0 = (await currentSessionVersion(target.id))!;
    const { temporaryPassword, user } = await resetUserPassword({ ctx: ctxFor(admin, "admin", "session"), input: { userId: target.id } });
    expect(user.id).toBe(target.id);
    expect(temporaryPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(await currentSessionVersion(target.id)).toBe(v0 + 1);
    expect(await signInWithPassword({ email: target.email, password: PASSWORD, ip: null, limits })).toEqual({ ok: false, reason: "invalid_credentials" });
    const signedIn = await signInWithPassword({ email: target.email, password: temporaryPassword, ip: null, limits });
    expect(signedIn).toMatchObject({ ok: true, user: { mustChangePassword: true } });
    const audit = await database.db.select().from(auditLog).where(and(eq(auditLog.entityId, target.id), eq(auditLog.action, "user.reset_password")));
    expect(JSON.stringify(audit)).not.toContain(temporaryPassword);

    // Choosing a new password clears the forced change.
    await changeOwnPassword({ ctx: ctxFor(target, "security", "session"), input: { currentPassword: temporaryPassword, newPassword: "my own new password", confirmPassword: "my own new password" }, limits });
    const [row] = await database.db.select().from(users).where(eq(users.id, target.id));
    expect(row!.mustChangePassword).toBe(false);
  });

  it("refuses to reset one's own password, a single-sign-on account's, or as a non-admin", async () => {
    const admin = await person("admin");
    const sso = await person("viewer", { provider: "oidc" });
    await expect(resetUserPassword({ ctx: ctxFor(admin, "admin", "session"), input: { userId: admin.id } })).rejects.toMatchObject({ code: "precondition_failed" });
    await expect(resetUserPassword({ ctx: ctxFor(admin, "admin", "session"), input: { userId: sso.id } })).rejects.toMatchObject({ code: "precondition_failed" });
    const security = await person("security");
    await expect(resetUserPassword({ ctx: ctxFor(security, "security", "session"), input: { userId: sso.id } })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("item 6: sign-in limits are atomic", () => {
  async function burst(email: string, passwords: string[]) {
    // Distinct addresses, so only the per-account limit is in play.
    return Promise.all(passwords.map((password, i) => signInWithPassword({ email, password, ip: `203.0.113.${i % 250}`, limits })));
  }

  it("100 parallel wrong attempts: exactly the limit are checked, the rest refused unchecked", async () => {
    const viewer = await person("viewer", { password: PASSWORD });
    const results = await burst(viewer.email, Array.from({ length: 100 }, (_, i) => `wrong password ${i}`));
    expect(results.filter((result) => !result.ok && result.reason === "invalid_credentials")).toHaveLength(limits.perAccount);
    expect(results.filter((result) => !result.ok && result.reason === "rate_limited")).toHaveLength(100 - limits.perAccount);
    const rows = await database.db.select().from(signInFailures).where(eq(signInFailures.email, viewer.email));
    expect(rows.filter((row) => row.checked)).toHaveLength(limits.perAccount);
    expect(rows).toHaveLength(100);
  });

  it.each([0, 49, 99])("99 wrong and the right one at position %i: at most the limit checked, and a success clears nothing", async (position) => {
    const viewer = await person("viewer", { password: PASSWORD });
    const passwords = Array.from({ length: 100 }, (_, i) => (i === position ? PASSWORD : `wrong password ${i}`));
    const results = await burst(viewer.email, passwords);
    const checked = results.filter((result) => result.ok || result.reason === "invalid_credentials");
    expect(checked.length).toBeLessThanOrEqual(limits.perAccount);
    expect(results.filter((result) => result.ok).length).toBeLessThanOrEqual(1);
    // The window is still closed afterwards, even for the right password.
    expect(await signInWithPassword({ email: viewer.email, password: PASSWORD, ip: "192.0.2.200", limits })).toMatchObject({ ok: false, reason: "rate_limited" });
  });

  it("refused attempts do not count against the source address (hammering one account does not lock out the address)", async () => {
    const viewer = await person("viewer", { password: PASSWORD });
    const other = await person("viewer", { password: PASSWORD });
    const ip = "198.51.100.77";
    const tight = { ...limits, perIp: limits.perAccount + 1 };
    for (let i = 0; i < 20; i++) await signInWithPassword({ email: viewer.email, password: `wrong password ${i}`, ip, limits: tight });
    expect((await signInWithPassword({ email: other.email, password: PASSWORD, ip, limits: tight })).ok).toBe(true);
  });

  it("a person who signs in right the first time is never counted", async () => {
    const viewer = await person("viewer", { password: PASSWORD });
    for (let i = 0; i < limits.perAccount + 3; i++) expect((await signInWithPassword({ email: viewer.email, password: PASSWORD, ip: null, limits })).ok).toBe(true);
    expect(await database.db.select().from(signInFailures).where(eq(signInFailures.email, viewer.email))).toHaveLength(0);
  });

  it("the sixth attempt in the window is refused however it arrives (sequentially too), unknown accounts alike", async () => {
    const email = `nobody-${randomBytes(4).toString("hex")}@example.test`;
    for (let i = 0; i < limits.perAccount; i++) expect(await signInWithPassword({ email, password: "x".repeat(12), ip: null, limits })).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(await signInWithPassword({ email: email.toUpperCase(), password: "x".repeat(12), ip: null, limits })).toMatchObject({ reason: "rate_limited" });
  });
});

describe("item 18: the last two admins demoting each other at once leaves one", () => {
  it("serialises the count: exactly one demotion succeeds", async () => {
    // Only these two are active admins: deactivate every other admin first (test isolation).
    await database.db.update(users).set({ active: false }).where(eq(users.role, "admin"));
    const a = await person("admin");
    const b = await person("admin");
    expect(await countActiveAdmins(database.db)).toBe(2);
    const results = await Promise.allSettled([
      updateUserRole({ ctx: ctxFor(a, "admin", "session"), input: { userId: b.id, role: "viewer" } }),
      updateUserRole({ ctx: ctxFor(b, "admin", "session"), input: { userId: a.id, role: "viewer" } }),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((result) => result.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: "precondition_failed", message: expect.stringMatching(/last active administrator/) });
    expect(await countActiveAdmins(database.db)).toBe(1);
  });

  it("also when one demotes and the other deactivates at once", async () => {
    await database.db.update(users).set({ active: false }).where(eq(users.role, "admin"));
    const a = await person("admin");
    const b = await person("admin");
    await Promise.allSettled([
      deactivateUser({ ctx: ctxFor(a, "admin", "session"), input: { userId: b.id } }),
      updateUserRole({ ctx: ctxFor(b, "admin", "session"), input: { userId: a.id, role: "security" } }),
    ]);
    expect(await countActiveAdmins(database.db)).toBe(1);
  });
});
