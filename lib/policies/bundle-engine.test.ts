import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { agents } from "@/db/schema";
import type { Actor } from "../auth/actor";
import { userContext } from "@/testing/context";
import { PolicyBundle } from "./bundle";
import { engineFromBundle } from "./bundle-engine";
import { savePolicy } from "./draft";
import { publishDraft } from "./publish";
import { forgetPublishedEngine, getPublishedEngine } from "./published-engine";
import type { AuthzenRequest } from "./request-mapping";
import { getPolicyBundle, waitForPolicyBundle } from "./versions";

const database = suiteDatabase();
beforeAll(async () => {
  forgetPublishedEngine();
  // Every test starts from a published version and this inventory (tests may run in any order).
  await database.db.insert(agents).values([
    { id: "agt_bundle_active", name: "active one", status: "active", environment: "prod", declaredActions: ["crm.read"], externalId: "bundle-ext" },
    { id: "agt_bundle_suspended", name: "suspended one", status: "suspended", environment: "prod", declaredActions: ["crm.read"] },
  ]);
  await savePolicy({ ctx: author, input: { description: "active in scope", source: `permit (principal is Steward::Agent, action, resource)\nwhen { principal.status == "active" && principal.declaredActions.contains(context.actionName) };` } });
  await publishDraft({ ctx: author, input: { message: "bundle" } });
});
afterAll(async () => {
  forgetPublishedEngine();
});

const author = userContext("security");
const epContext = { actor: { type: "enforcement_point", enforcementPointId: "ep_bundle", name: "gateway" } as Actor, requestId: "req_bundle", ip: null };
const root = path.resolve(__dirname, "../..");

/** Every module a file imports, transitively (relative and `@/` specifiers; packages are leaves). */
function importGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)[^"';]*?from\s+["']([^"']+)["']/g)) {
      const specifier = match[1]!;
      const base = specifier.startsWith("@/") ? path.join(root, specifier.slice(2)) : specifier.startsWith(".") ? path.resolve(path.dirname(file), specifier) : null;
      if (!base) continue;
      const resolved = [`${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")].find((candidate) => existsSync(candidate));
      if (resolved) visit(resolved);
      else seen.add(`unresolved:${specifier}`);
    }
  };
  visit(entry);
  return seen;
}

describe("pure engine", () => {
  it("engine.ts and engineFromBundle import nothing from db/ (transitively)", () => {
    for (const entry of ["lib/policies/engine.ts", "lib/policies/bundle-engine.ts"]) {
      const graph = [...importGraph(path.join(root, entry))].map((file) => path.relative(root, file));
      expect(graph.length).toBeGreaterThan(4);
      expect(graph.filter((file) => file.startsWith("db/") || file.includes("unresolved:@/db")), entry).toEqual([]);
      expect(graph.filter((file) => file.startsWith("unresolved:")), entry).toEqual([]);
    }
  });

  it("a bundle carries the inventory and builds an engine that decides as the console does", async () => {
    const bundle = await getPolicyBundle({ ctx: epContext });
    expect(bundle).not.toBeNull();
    // What travels over HTTP is JSON: round-trip it, and check it against the published zod schema.
    const wire = JSON.parse(JSON.stringify(bundle));
    expect(PolicyBundle.safeParse(wire).success).toBe(true);
    expect(wire.inventory.agents.map((agent: { id: string }) => agent.id)).toEqual(expect.arrayContaining(["agt_bundle_active", "agt_bundle_suspended"]));
    const edge = engineFromBundle(wire);
    const console_ = (await getPublishedEngine(database.db))!;
    const requests: AuthzenRequest[] = [];
    for (const subject of ["agt_bundle_active", "agt_bundle_suspended", "bundle-ext", "ghost-1"]) {
      for (const action of ["crm.read", "crm.delete"]) requests.push({ subject: { type: "agent", id: subject }, action: { name: action }, resource: { type: "tool", id: action } });
    }
    const at = new Date("2026-11-30T10:00:00Z");
    const decisions = requests.map((request) => console_.evaluate(request, at).decision);
    expect(requests.map((request) => edge.evaluate(request, at).decision)).toEqual(decisions);
    // Both outcomes occur, so agreement is not trivially "all deny".
    expect(decisions).toContain("allow");
    expect(decisions).toContain("deny");
  });

  it("changes its ETag when the inventory changes, not only on publish", async () => {
    const before = (await getPolicyBundle({ ctx: epContext }))!;
    expect((await getPolicyBundle({ ctx: epContext }))!.etag).toBe(before.etag);
    await database.db.insert(agents).values({ id: `agt_bundle_new_${Date.now()}`, name: "new", status: "active" });
    const after = (await getPolicyBundle({ ctx: epContext }))!;
    expect(after.etag).not.toBe(before.etag);
    expect(after.revision).toBe(before.revision);
  });

  it("long-poll holds while nothing changes, then returns the same ETag", async () => {
    const current = (await getPolicyBundle({ ctx: epContext }))!;
    const started = Date.now();
    const held = await waitForPolicyBundle({ ctx: epContext, ifNoneMatch: current.etag, waitSeconds: 1.2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_150);
    expect(held!.etag).toBe(current.etag);
  });

  it("long-poll returns as soon as a publish lands", async () => {
    const current = (await getPolicyBundle({ ctx: epContext }))!;
    const started = Date.now();
    const waiting = waitForPolicyBundle({ ctx: epContext, ifNoneMatch: current.etag, waitSeconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await savePolicy({ ctx: author, input: { description: `another ${Date.now()}`, source: `forbid (principal, action, resource) when { context.hour < 0 };` } });
    await publishDraft({ ctx: author, input: { message: "wake" } });
    const changed = await waiting;
    expect(changed!.etag).not.toBe(current.etag);
    expect(Number(changed!.revision)).toBe(Number(current.revision) + 1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("long-poll returns when another process changes the inventory (database re-read)", async () => {
    const current = (await getPolicyBundle({ ctx: epContext }))!;
    const waiting = waitForPolicyBundle({ ctx: epContext, ifNoneMatch: current.etag, waitSeconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // A direct insert does not wake this process: only the periodic re-read can see it.
    await database.db.insert(agents).values({ id: `agt_bundle_other_${Date.now()}`, name: "other", status: "active" });
    const started = Date.now();
    const changed = await waiting;
    expect(changed!.etag).not.toBe(current.etag);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
