import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { openTestDatabase } from "@/testing/database";
import { setDatabaseForTests } from "@/db/client";
import { auditLog, users } from "@/db/schema";
import { authenticatePersonalToken, createApiToken, revokeApiToken } from "../api-tokens/api-tokens";
import { verifyAuditChain } from "../audit/verify-chain";
import { userContext } from "@/testing/context";
import { createUser } from "./create-user";
import { listUsers, ListUsersQuery } from "./list-users";
import { readQuery } from "../http/query";
import { bootstrapAdminFromConfig, isSetupNeeded, setupFirstAdmin } from "./first-admin";
import { announceSetupCode, currentSetupCode, requireSetupCode, setupPageUrl } from "./setup-code";
import { signInWithPassword } from "./sign-in";
import { deactivateUser, updateUserRole } from "./update-user";

// The shared database has its first administrator from the start; the setup test and the audit-trail
// test each get an empty database of their own, so the suite passes in any order.
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let adminId = "";
const ADMIN_PASSWORD = "correct horse battery";
beforeAll(async () => {
  database = await openTestDatabase();
  adminId = (await setupFirstAdmin({ input: { email: "Admin@Example.test", name: "Ada", password: ADMIN_PASSWORD }, ip: "127.0.0.1", setupCode: currentSetupCode() })).id;
});
afterAll(async () => {
  await database?.close();
});

function withOwnDatabase() {
  let outer: typeof database | undefined;
  beforeAll(async () => {
    outer = database;
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
    database = outer!;
    setDatabaseForTests(database);
  });
}

const limits = { perAccount: 3, perIp: 10, windowMinutes: 15 };

describe("first-run setup", () => {
  withOwnDatabase();

  it("allows the one-time setup only while there is no user", async () => {
    expect(await isSetupNeeded()).toBe(true);
    // Whoever reaches the port first cannot take the console: the code from the server's log is required.
    const lines: string[] = [];
    expect(await announceSetupCode((line) => lines.push(line))).toBe(true);
    expect(lines.join("\n")).toContain(currentSetupCode());
    // The full URL, so it can be opened as printed (not a bare "/setup").
    expect(lines.join("\n")).toMatch(/Open https?:\/\/[^\s/]+\/setup and enter/);
    expect(setupPageUrl({ HOST: "127.0.0.1", PORT: "4321" }, undefined)).toBe("http://127.0.0.1:4321/setup");
    expect(setupPageUrl({}, undefined)).toBe("http://127.0.0.1:3000/setup");
    expect(setupPageUrl({ HOST: "0.0.0.0", PORT: "8080" }, undefined)).toBe("http://localhost:8080/setup");
    expect(setupPageUrl({ __NEXT_PRIVATE_ORIGIN: "http://10.0.0.5:3100", PORT: "3100" }, undefined)).toBe("http://10.0.0.5:3100/setup");
    expect(setupPageUrl({ PORT: "3100" }, "https://steward.example.com")).toBe("https://steward.example.com/setup");
    for (const wrong of [undefined, "", "AAAA-AAAA-AAAA-AAAA", currentSetupCode().slice(0, -1), `${currentSetupCode()}X`]) {
      await expect(setupFirstAdmin({ input: { email: "thief@example.test", name: "Thief", password: ADMIN_PASSWORD }, ip: null, setupCode: wrong })).rejects.toThrow(/not the setup code/);
    }
    expect(await isSetupNeeded()).toBe(true);
    // Typed in lower case with spaces for dashes, it still matches.
    expect(() => requireSetupCode(currentSetupCode().toLowerCase().replace(/-/g, " "))).not.toThrow();
    const admin = await setupFirstAdmin({ input: { email: "Admin@Example.test", name: "Ada", password: ADMIN_PASSWORD }, ip: "127.0.0.1", setupCode: currentSetupCode() });
    expect(admin).toMatchObject({ email: "admin@example.test", role: "admin", active: true });
    expect(admin).not.toHaveProperty("passwordHash");
    expect(await isSetupNeeded()).toBe(false);
    await expect(setupFirstAdmin({ input: { email: "other@example.test", name: "Eve", password: "correct horse battery" }, ip: null, setupCode: currentSetupCode() })).rejects.toThrow(
      /Setup is already complete/,
    );
    await bootstrapAdminFromConfig({ email: "boot@example.test", password: "another long password" });
    expect(await database.db.select().from(users).where(eq(users.email, "boot@example.test"))).toHaveLength(0);
  });
});

describe("people, sign-in and tokens", () => {
  it("refuses passwords shorter than 12 characters, naming the field", async () => {
    const ctx = userContext("admin", adminId);
    await expect(createUser({ ctx, input: { email: "short@example.test", name: "S", role: "viewer", password: "elevenchars" } })).rejects.toThrow(
      /at least 12 characters/,
    );
  });

  it("signs in with the right password, refuses a wrong one, and rate-limits per account", async () => {
    await database.db.execute(sql`delete from sign_in_failures`);
    const ok = await signInWithPassword({ email: "admin@example.test", password: "correct horse battery", ip: "10.0.0.1", limits });
    expect(ok.ok).toBe(true);
    for (let i = 0; i < 3; i++) {
      expect(await signInWithPassword({ email: "admin@example.test", password: "wrong password!!", ip: `10.0.0.${i}`, limits })).toEqual({ ok: false, reason: "invalid_credentials" });
    }
    // Past the limit even the right password is refused until the window passes.
    expect(await signInWithPassword({ email: "admin@example.test", password: "correct horse battery", ip: "10.0.0.9", limits })).toMatchObject({ ok: false, reason: "rate_limited" });
    await database.db.execute(sql`delete from sign_in_failures`);
  });

  it("rate-limits per source address across accounts", async () => {
    await database.db.execute(sql`delete from sign_in_failures`);
    const perIp = { ...limits, perAccount: 100, perIp: 2 };
    await signInWithPassword({ email: "a@example.test", password: "nope nope nope", ip: "192.0.2.7", limits: perIp });
    await signInWithPassword({ email: "b@example.test", password: "nope nope nope", ip: "192.0.2.7", limits: perIp });
    expect(await signInWithPassword({ email: "admin@example.test", password: "correct horse battery", ip: "192.0.2.7", limits: perIp })).toMatchObject({ reason: "rate_limited" });
    expect((await signInWithPassword({ email: "admin@example.test", password: "correct horse battery", ip: "192.0.2.8", limits: perIp })).ok).toBe(true);
  });

  it("refuses people management to every role but admin", async () => {
    for (const role of ["security", "risk", "viewer"] as const) {
      await expect(createUser({ ctx: userContext(role), input: { email: `x-${role}@example.test`, name: "X", role: "viewer", password: "long enough password" } })).rejects.toMatchObject({ code: "forbidden" });
    }
  });

  it("revokes a deactivated person's tokens at once and keeps the last admin", async () => {
    const ctx = userContext("admin", adminId);
    const viewer = await createUser({ ctx, input: { email: "vic@example.test", name: "Vic", role: "viewer", password: "long enough password" } });
    const viewerCtx = { ...userContext("viewer", viewer.id) };
    const { plaintext, token } = await createApiToken({ ctx: viewerCtx, input: { name: "ci", expiresInDays: 30 } });
    expect(plaintext).toMatch(/^stw_pat_[A-Za-z0-9_-]{43}$/);
    expect(token.prefix).toBe(plaintext.slice(0, 14));
    expect(await authenticatePersonalToken(plaintext)).toMatchObject({ type: "user", userId: viewer.id, role: "viewer", via: "token" });

    await deactivateUser({ ctx, input: { userId: viewer.id } });
    expect(await authenticatePersonalToken(plaintext)).toBeNull();

    await expect(updateUserRole({ ctx, input: { userId: adminId, role: "viewer" } })).rejects.toThrow(/last active administrator/);
  });

  it("refuses a revoked or expired token", async () => {
    const ctx = userContext("admin", adminId);
    const { plaintext, token } = await createApiToken({ ctx, input: { name: "short-lived", expiresInDays: 1 } });
    expect(await authenticatePersonalToken(plaintext)).not.toBeNull();
    await revokeApiToken({ ctx, input: { tokenId: token.id } });
    expect(await authenticatePersonalToken(plaintext)).toBeNull();

    const second = await createApiToken({ ctx, input: { name: "expiring", expiresInDays: 1 } });
    await database.db.execute(sql`update api_tokens set expires_at = now() - interval '1 second' where id = ${second.token.id}`);
    expect(await authenticatePersonalToken(second.plaintext)).toBeNull();
    expect(await authenticatePersonalToken("stw_pat_" + "A".repeat(43))).toBeNull();
  });
});

describe("the audit trail of people and tokens", () => {
  withOwnDatabase();

  it("audits every change without secrets, and names the row someone altered", async () => {
    // The changes this test audits, made here: setup, a user, tokens, a deactivation, a revocation.
    const ownAdminId = (await setupFirstAdmin({ input: { email: "admin@example.test", name: "Ada", password: ADMIN_PASSWORD }, ip: "127.0.0.1", setupCode: currentSetupCode() })).id;
    const ctx = userContext("admin", ownAdminId);
    const viewer = await createUser({ ctx, input: { email: "vic@example.test", name: "Vic", role: "viewer", password: "long enough password" } });
    await createApiToken({ ctx: userContext("viewer", viewer.id), input: { name: "ci", expiresInDays: 30 } });
    await deactivateUser({ ctx, input: { userId: viewer.id } });
    const { token } = await createApiToken({ ctx, input: { name: "short-lived", expiresInDays: 1 } });
    await revokeApiToken({ ctx, input: { tokenId: token.id } });
    await createApiToken({ ctx, input: { name: "expiring", expiresInDays: 1 } });

    const rows = await database.db.select().from(auditLog).orderBy(auditLog.seq);
    expect(rows.map((row) => row.action)).toEqual(["user.setup", "user.create", "api_token.create", "user.deactivate", "api_token.create", "api_token.revoke", "api_token.create"]);
    expect(JSON.stringify(rows)).not.toMatch(/scrypt\$|token_?hash|stw_pat_[A-Za-z0-9_-]{43}/i);
    expect(rows[3]).toMatchObject({ actorId: ownAdminId, via: "session", ip: "127.0.0.1", entityType: "user" });
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: true, checked: rows.length });

    const target = rows[3]!;
    await database.db.execute(sql`update audit_log set after = jsonb_set(after, '{role}', '"admin"') where seq = ${target.seq}`);
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: false, brokenAt: { seq: target.seq, id: target.id } });
  });
});

describe("the console users list", () => {
  withOwnDatabase();

  it("sorts on the server by name, email, role, status or last sign-in, and refuses an unknown order at the API", async () => {
    const ctx = userContext("admin");
    const tag = `us${Date.now().toString(36)}`;
    const made: string[] = [];
    for (const [name, role] of [["Bea", "viewer"], ["ada", "security"], ["Cy", "admin"]] as const) {
      made.push((await createUser({ ctx, input: { email: `${name.toLowerCase()}-${tag}@example.test`, name: `${name} ${tag}`, role, password: "long enough password" } })).id);
    }
    const [bea, ada, cy] = made;
    await database.db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, cy!));
    const order = async (sort?: Parameters<typeof listUsers>[0]["sort"]) => (await listUsers({ ctx, sort })).map((user) => user.id).filter((id) => made.includes(id));
    expect(await order()).toEqual([ada, bea, cy]); // by email
    expect(await order("-name")).toEqual([cy, bea, ada]); // case-insensitive
    expect(await order("role")).toEqual([cy, ada, bea]); // admin, security, viewer
    expect((await order("-lastSignIn"))[0]).toBe(cy);
    expect(() => readQuery(new URLSearchParams({ sort: "password" }), ListUsersQuery)).toThrow(/sort/);
  });
});
