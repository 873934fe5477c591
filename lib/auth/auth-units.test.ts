import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getConfig, resetConfigForTests } from "../config";
import { roleFromClaim } from "../users/sso";
import { can, PERMISSIONS, ROLES } from "./permissions";
import { hasPermission, requirePermission } from "./require-permission";
import { hashPassword, verifyPassword } from "./password";
import { hashSecretToken, issueSecretToken, secretTokenKind } from "./secret-token";

describe("permissions", () => {
  it("lets viewers and risk officers change nothing that governs agents", () => {
    // Own tokens, report exports, attesting one's own agents and deciding access requests for them (the verbs
    // check ownership) are open to them by design.
    const personal = new Set(["tokens.manage_own", "reports.export", "agents.attest", "approvals.decide"]);
    const changes = Object.keys(PERMISSIONS).filter((permission) => !permission.endsWith(".read") && !personal.has(permission)) as (keyof typeof PERMISSIONS)[];
    for (const permission of changes) {
      expect(can("viewer", permission), permission).toBe(false);
      expect(can("risk", permission), permission).toBe(false);
    }
    expect(can("risk", "reports.export")).toBe(true);
    expect(can("viewer", "reports.export")).toBe(false);
  });

  it("gives admins every console permission", () => {
    for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) expect(can("admin", permission)).toBe(true);
  });

  it("keeps enforcement points to ingest and bundle pulls, and people away from them", () => {
    const ep = { type: "enforcement_point", enforcementPointId: "ep_1", name: "gw" } as const;
    expect(hasPermission(ep, "decisions.ingest")).toBe(true);
    expect(hasPermission(ep, "policies.bundle")).toBe(true);
    expect(hasPermission(ep, "gateway.sync")).toBe(true);
    expect(hasPermission(ep, "agents.read")).toBe(false);
    expect(hasPermission(ep, "mcp_servers.manage")).toBe(false);
    for (const role of ROLES) expect(hasPermission({ type: "user", userId: "u", email: "e", role, via: "token" }, "decisions.ingest")).toBe(false);
    for (const role of ROLES) expect(hasPermission({ type: "user", userId: "u", email: "e", role, via: "token" }, "gateway.sync")).toBe(false);
    expect(hasPermission(null, "console.read")).toBe(false);
  });

  it("says why in terms of what the actor holds: a role for people, a token's grant for enforcement points", () => {
    const refusal = (run: () => void) => {
      try {
        run();
      } catch (error) {
        return (error as Error).message;
      }
      return "allowed";
    };
    const ep = { type: "enforcement_point", enforcementPointId: "ep_1", name: "gw" } as const;
    const viewer = { type: "user", userId: "u", email: "e", role: "viewer", via: "token" } as const;
    expect(refusal(() => requirePermission(ep, "agents.read"))).toBe(`This enforcement point's token does not grant the permission "agents.read"`);
    expect(refusal(() => requirePermission(viewer, "agents.write"))).toBe(`Your role lacks the permission "agents.write"`);
    expect(refusal(() => requirePermission(viewer, "decisions.ingest"))).toBe(`The permission "decisions.ingest" is granted only to enforcement point tokens, not to people`);
    expect(refusal(() => requirePermission(null, "agents.read"))).toBe("Sign in or present a valid bearer token");
  });
});

describe("secrets", () => {
  it("issues 256-bit tokens with a visible prefix and stores only a hash", () => {
    const a = issueSecretToken("pat");
    const b = issueSecretToken("pat");
    expect(a.plaintext).not.toBe(b.plaintext);
    expect(Buffer.from(a.plaintext.slice("stw_pat_".length), "base64url")).toHaveLength(32);
    expect(a.plaintext.startsWith(a.prefix)).toBe(true);
    expect(a.hash).toBe(hashSecretToken(a.plaintext));
    expect(a.hash).not.toContain(a.plaintext.slice(8));
    expect(secretTokenKind(a.plaintext)).toBe("pat");
    expect(secretTokenKind(issueSecretToken("ep").plaintext)).toBe("ep");
    expect(secretTokenKind("stw_pat_short")).toBeNull();
  });

  it("hashes passwords with scrypt and a fresh salt", async () => {
    const first = await hashPassword("a long enough password");
    const second = await hashPassword("a long enough password");
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword("a long enough password", first)).toBe(true);
    expect(await verifyPassword("a long enough passworD", first)).toBe(false);
    expect(await verifyPassword("anything at all here", null)).toBe(false);
  });
});

describe("single sign-on role claim", () => {
  it("takes the first valid role from a string or a list, else nothing", () => {
    expect(roleFromClaim("security")).toBe("security");
    expect(roleFromClaim(["employees", "risk", "admin"])).toBe("risk");
    expect(roleFromClaim("employees, viewer")).toBe("viewer");
    expect(roleFromClaim("superuser")).toBeUndefined();
    expect(roleFromClaim(undefined)).toBeUndefined();
  });
});

describe("configuration", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetConfigForTests();
  });

  it("generates AUTH_SECRET once, keeps it in the data folder readable only by its owner", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "steward-config-"));
    process.env = { ...saved, STEWARD_DATA_DIR: dir, AUTH_SECRET: "" };
    const first = getConfig().authSecret;
    resetConfigForTests();
    expect(getConfig().authSecret).toBe(first);
    expect(first.length).toBeGreaterThanOrEqual(48);
    expect(readFileSync(path.join(dir, "auth-secret"), "utf8").trim()).toBe(first);
    expect(statSync(path.join(dir, "auth-secret")).mode & 0o077).toBe(0);
    expect(getConfig().pgliteDir).toBe(path.join(dir, "pglite"));
  });

  it("names the variable that is wrong", () => {
    process.env = { ...saved, STEWARD_DATA_DIR: os.tmpdir(), STEWARD_ADMIN_EMAIL: "root@example.test", STEWARD_ADMIN_PASSWORD: "short" };
    expect(() => getConfig()).toThrow(/STEWARD_ADMIN_PASSWORD: STEWARD_ADMIN_PASSWORD must be at least 12 characters/);
    resetConfigForTests();
    process.env = { ...saved, STEWARD_DATA_DIR: os.tmpdir(), STEWARD_OIDC_ISSUER: "https://idp.example.test" };
    expect(() => getConfig()).toThrow(/STEWARD_OIDC_CLIENT_ID/);
  });
});
