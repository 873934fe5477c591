import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { auditLog, enforcementPointTokens } from "@/db/schema";
import * as schema from "@/db/schema";
import { userContext } from "@/testing/context";
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { announceEnforcementPointTokensChanged, authenticateEnforcementPointToken, EP_TOKEN_CACHE_MS } from "./authenticate-enforcement-point-token";
import { listEnforcementPoints } from "./list-enforcement-points";
import { registerEnforcementPoint } from "./register-enforcement-point";
import { revokeEnforcementPointTokens } from "./revoke-enforcement-point-tokens";
import { rotateEnforcementPointToken } from "./rotate-enforcement-point-token";
import { setEnforcementPointEnabled } from "./set-enforcement-point-enabled";
import { updateAudiences } from "./update-audiences";
import { updateOpaMapping } from "./update-opa-mapping";
import { ListEnforcementPointsQuery } from "./schemas";
import { readQuery } from "../http/query";

const database = suiteDatabase();

const admin = userContext("admin");
const auditActions = async () => (await database.db.select().from(auditLog).orderBy(auditLog.seq)).map((row) => row.action);

describe("enforcement point registry", () => {
  it("registers an EP, shows its token once, and audits without the secret", async () => {
    const { enforcementPoint, token } = await registerEnforcementPoint({ ctx: admin, input: { name: "gw-1", kind: "mcp-gateway", environment: "prod" } });
    expect(token).toMatch(/^stw_ep_[A-Za-z0-9_-]{43}$/);
    expect(enforcementPoint).toMatchObject({ name: "gw-1", kind: "mcp-gateway", enabled: true, tokens: [{ prefix: token.slice(0, 13) }] });
    expect(await authenticateEnforcementPointToken(token)).toEqual({ type: "enforcement_point", enforcementPointId: enforcementPoint.id, name: "gw-1" });
    const ownAudit = await database.db.select().from(auditLog).where(eq(auditLog.entityId, enforcementPoint.id));
    expect(ownAudit.map((row) => row.action)).toEqual(["enforcement_point.register"]);
    const audit = JSON.stringify(await database.db.select().from(auditLog));
    expect(audit).not.toContain(token);
    expect(audit).not.toMatch(/token_?hash/i);
  });

  it("refuses a duplicate name, a bad kind and roles without enforcement_points.manage", async () => {
    await registerEnforcementPoint({ ctx: admin, input: { name: "gw-dup", kind: "mcp-gateway" } });
    await expect(registerEnforcementPoint({ ctx: admin, input: { name: "gw-dup", kind: "sidecar" } })).rejects.toMatchObject({ code: "conflict", path: "name", message: "An enforcement point named gw-dup already exists" });
    await expect(registerEnforcementPoint({ ctx: admin, input: { name: "x", kind: "toaster" } })).rejects.toMatchObject({ issues: [{ path: ["kind"] }] });
    for (const role of ["risk", "viewer"] as const) {
      await expect(registerEnforcementPoint({ ctx: userContext(role), input: { name: `by-${role}`, kind: "other" } })).rejects.toMatchObject({ code: "forbidden" });
    }
    const names = (await listEnforcementPoints({ ctx: userContext("viewer") })).map((ep) => ep.name);
    expect(names.filter((name) => name === "gw-dup")).toEqual(["gw-dup"]);
    expect(names.filter((name) => ["x", "by-risk", "by-viewer"].includes(name))).toEqual([]);
  });

  it("rotates with a stated grace period, then revokes every token at once", async () => {
    const { enforcementPoint, token: first } = await registerEnforcementPoint({ ctx: admin, input: { name: "gw-rot", kind: "api-gateway" } });
    const rotated = await rotateEnforcementPointToken({ ctx: admin, input: { id: enforcementPoint.id, graceHours: 2 } });
    expect(rotated.previousTokenExpiresAt.getTime()).toBeGreaterThan(Date.now() + 7_100_000);
    expect(await authenticateEnforcementPointToken(first)).not.toBeNull();
    expect(await authenticateEnforcementPointToken(rotated.token)).not.toBeNull();
    expect(rotated.enforcementPoint.tokens).toHaveLength(2);

    const immediate = await rotateEnforcementPointToken({ ctx: admin, input: { id: enforcementPoint.id, graceHours: 0 } });
    await database.db.execute(sql`select pg_sleep(0.01)`);
    expect(await authenticateEnforcementPointToken(first)).toBeNull();
    expect(await authenticateEnforcementPointToken(rotated.token)).toBeNull();
    expect(await authenticateEnforcementPointToken(immediate.token)).not.toBeNull();

    await expect(rotateEnforcementPointToken({ ctx: admin, input: { id: enforcementPoint.id, graceHours: 500 } })).rejects.toThrow(/at most 168 hours/);
    await expect(rotateEnforcementPointToken({ ctx: userContext("viewer"), input: { id: enforcementPoint.id } })).rejects.toMatchObject({ code: "forbidden" });

    const revoked = await revokeEnforcementPointTokens({ ctx: admin, input: { id: enforcementPoint.id } });
    expect(revoked.tokens).toEqual([]);
    expect(await authenticateEnforcementPointToken(immediate.token)).toBeNull();
    await expect(revokeEnforcementPointTokens({ ctx: admin, input: { id: "ep_missing" } })).rejects.toMatchObject({ code: "not_found" });
    expect((await auditActions()).slice(-3)).toEqual(["enforcement_point.rotate_token", "enforcement_point.rotate_token", "enforcement_point.revoke_tokens"]);
  });

  it("refuses a disabled EP with 403 and a clear message until it is enabled", async () => {
    const { enforcementPoint, token } = await registerEnforcementPoint({ ctx: admin, input: { name: "gw-off", kind: "sidecar" } });
    await setEnforcementPointEnabled({ ctx: admin, input: { id: enforcementPoint.id, enabled: false } });
    await expect(authenticateEnforcementPointToken(token)).rejects.toMatchObject({ code: "forbidden", message: "Enforcement point gw-off is disabled; an administrator must enable it before it can send decisions" });
    await setEnforcementPointEnabled({ ctx: admin, input: { id: enforcementPoint.id, enabled: true } });
    expect(await authenticateEnforcementPointToken(token)).not.toBeNull();
    await expect(setEnforcementPointEnabled({ ctx: userContext("risk"), input: { id: enforcementPoint.id, enabled: false } })).rejects.toMatchObject({ code: "forbidden" });
    expect((await auditActions()).slice(-2)).toEqual(["enforcement_point.disable", "enforcement_point.enable"]);
  });

  it("reuses a token check for at most EP_TOKEN_CACHE_MS when another process revokes it", async () => {
    const { enforcementPoint, token } = await registerEnforcementPoint({ ctx: admin, input: { name: "gw-cache", kind: "sidecar" } });
    const t0 = Date.now();
    expect(await authenticateEnforcementPointToken(token, t0)).toMatchObject({ enforcementPointId: enforcementPoint.id });
    // Another Steward process revokes the token: this process's cache is not told.
    await database.db.update(enforcementPointTokens).set({ revokedAt: new Date() }).where(eq(enforcementPointTokens.enforcementPointId, enforcementPoint.id));
    expect(await authenticateEnforcementPointToken(token, t0 + EP_TOKEN_CACHE_MS - 1)).toMatchObject({ enforcementPointId: enforcementPoint.id });
    expect(await authenticateEnforcementPointToken(token, t0 + EP_TOKEN_CACHE_MS)).toBeNull();
    expect(await authenticateEnforcementPointToken(token, t0)).toBeNull();
  });

  it.skipIf(process.env.STEWARD_TEST_DB !== "postgres")("drops a cached token check as soon as another process's revocation commits (NOTIFY)", async () => {
    const { enforcementPoint, token } = await registerEnforcementPoint({ ctx: admin, input: { name: "gw-notify", kind: "sidecar" } });
    const t0 = Date.now();
    expect(await authenticateEnforcementPointToken(token, t0)).toMatchObject({ enforcementPointId: enforcementPoint.id });
    // Another process: its own connection, the revocation and its announcement in one transaction.
    const other = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      await drizzle({ client: other, schema }).transaction(async (tx) => {
        await tx.update(enforcementPointTokens).set({ revokedAt: new Date() }).where(eq(enforcementPointTokens.enforcementPointId, enforcementPoint.id));
        await announceEnforcementPointTokensChanged(tx);
      });
    } finally {
      await other.end();
    }
    // Same clock as the cached check, so only the notification can have cleared it.
    const deadline = Date.now() + 2_000;
    let actor = await authenticateEnforcementPointToken(token, t0);
    while (actor && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      actor = await authenticateEnforcementPointToken(token, t0);
    }
    expect(actor).toBeNull();
  });

  it("stores an OPA mapping and names a bad path", async () => {
    const { enforcementPoint } = await registerEnforcementPoint({ ctx: admin, input: { name: "opa-1", kind: "policy-engine" } });
    const updated = await updateOpaMapping({ ctx: admin, input: { id: enforcementPoint.id, mapping: { preset: "allow_object", agent: "input.subject.id" } } });
    expect(updated.opaMapping).toMatchObject({ preset: "allow_object", agent: "input.subject.id", action: "" });
    await expect(updateOpaMapping({ ctx: admin, input: { id: enforcementPoint.id, mapping: { agent: "subject.id" } } })).rejects.toThrow(/dotted path starting with input or result/);
    await expect(updateOpaMapping({ ctx: userContext("viewer"), input: { id: enforcementPoint.id, mapping: {} } })).rejects.toMatchObject({ code: "forbidden" });
    expect((await auditActions()).at(-1)).toBe("enforcement_point.update_opa_mapping");
  });

  it("registers and changes the audiences an EP serves (a form's lines or a list), refusing what is not an absolute URI; audited", async () => {
    const { enforcementPoint } = await registerEnforcementPoint({ ctx: admin, input: { name: "aud-1", kind: "mcp-gateway", audiences: "https://gw.example/mcp\r\n\n https://gw.example/mcp \nhttps://gw2.example" } });
    expect(enforcementPoint.audiences).toEqual(["https://gw.example/mcp", "https://gw2.example"]);
    const updated = await updateAudiences({ ctx: userContext("security"), input: { id: enforcementPoint.id, audiences: ["https://gw3.example/mcp"] } });
    expect(updated.audiences).toEqual(["https://gw3.example/mcp"]);
    expect((await auditActions()).at(-1)).toBe("enforcement_point.update_audiences");
    await expect(updateAudiences({ ctx: admin, input: { id: enforcementPoint.id, audiences: ["gateway.internal/mcp"] } })).rejects.toThrow(/absolute URI/);
    await expect(updateAudiences({ ctx: admin, input: { id: enforcementPoint.id, audiences: Array.from({ length: 21 }, (_, i) => `https://gw${i}.example`) } })).rejects.toThrow(/At most 20/);
    await expect(updateAudiences({ ctx: userContext("viewer"), input: { id: enforcementPoint.id, audiences: [] } })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("lists in the asked order on the server (name, kind, status, last seen, each reversible), refusing an unknown order at the API", async () => {
    const tag = `sorted-${Date.now().toString(36)}`;
    const made: string[] = [];
    for (const [name, kind] of [["b", "sidecar"], ["C", "api-gateway"], ["a", "policy-engine"]] as const) {
      made.push((await registerEnforcementPoint({ ctx: admin, input: { name: `${tag}-${name}`, kind } })).enforcementPoint.id);
    }
    const [b, c, a] = made;
    await database.db.update(schema.enforcementPoints).set({ lastSeenAt: new Date(Date.now() - 60_000) }).where(eq(schema.enforcementPoints.id, b!));
    await database.db.update(schema.enforcementPoints).set({ lastSeenAt: new Date() }).where(eq(schema.enforcementPoints.id, a!));
    await setEnforcementPointEnabled({ ctx: admin, input: { id: a!, enabled: false } });
    const order = async (sort?: Parameters<typeof listEnforcementPoints>[0]["sort"]) => (await listEnforcementPoints({ ctx: admin, sort })).map((ep) => ep.id).filter((id) => made.includes(id));
    expect(await order()).toEqual([a, b, c]); // by name, case-insensitive
    expect(await order("-name")).toEqual([c, b, a]);
    expect(await order("-lastSeen")).toEqual([a, b, c]); // never seen last
    expect(await order("lastSeen")).toEqual([c, b, a]);
    expect((await order("status")).at(-1)).toBe(a); // enabled first
    expect(await order("kind")).toEqual([c, a, b]); // api-gateway, policy-engine, sidecar
    expect(() => readQuery(new URLSearchParams({ sort: "token" }), ListEnforcementPointsQuery)).toThrow(/sort/);
  });
});
