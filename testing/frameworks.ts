import type { Executor } from "@/db/client";
import { insertTestDecisionRows } from "@/testing/decisions";
import { beforeAll } from "vitest";
import { openedLater, openTestDatabase, suiteDatabase, type TestDatabase } from "@/testing/database";
import { agents, decisions, enforcementPoints, people, teams } from "@/db/schema";
import { loadShippedFrameworks } from "@/lib/frameworks/load-catalogs";

type DecisionSeed = Partial<typeof decisions.$inferInsert> & { agentId: string; actionName: string; outcome: (typeof decisions.$inferInsert)["outcome"] };

/**
 * Test data with known answers: four agents in two teams, two enforcement points, and decisions
 * that pass some controls and fail others. Returned ids let tests assert exact numbers.
 */
export async function seedEvidenceScenario(db: Executor, now = new Date()) {
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000);
  await db.insert(teams).values([
    { id: "team_pay", name: "Payments" },
    { id: "team_ops", name: "Operations" },
  ]);
  await db.insert(people).values([
    { id: "per_ada", name: "Ada", email: "ada@example.test", teamId: "team_pay" },
    { id: "per_bob", name: "Bob", email: "bob@example.test", teamId: "team_pay" },
    { id: "per_gone", name: "Gone", email: "gone@example.test", active: false },
  ]);
  await db.insert(enforcementPoints).values([
    { id: "ep_prod", name: "prod-gateway", kind: "mcp-gateway", environment: "prod" },
    { id: "ep_dev", name: "dev-gateway", kind: "mcp-gateway", environment: "dev" },
  ]);
  // Registered before the period (reports judge the inventory as it stood at the period's end).
  const registered = at(60 * 24 * 45);
  const rows: (typeof agents.$inferInsert)[] = [
    // Fully compliant: owner + backup, short-lived token, acts only in prod.
    { id: "agt_good", name: "invoice-bot", status: "active", environment: "prod", teamId: "team_pay", ownerId: "per_ada", backupOwnerId: "per_bob", declaredActions: ["invoice.read", "invoice.delete"], credentialKind: "task_token", credentialMaxLifetimeSeconds: 900 },
    // Owner left the company, static key, long-lived, seen through the dev gateway.
    { id: "agt_bad", name: "legacy-sync", status: "active", environment: "prod", teamId: "team_ops", ownerId: "per_gone", declaredActions: ["crm.read"], credentialKind: "static_api_key", credentialMaxLifetimeSeconds: 86_400 },
    // Retired, yet still allowed once.
    { id: "agt_retired", name: "old-reporter", status: "retired", environment: "prod", teamId: "team_ops", ownerId: "per_ada", backupOwnerId: "per_bob", declaredActions: ["report.read"], credentialKind: "oauth_client", credentialMaxLifetimeSeconds: 3600 },
    // Discovered at runtime, nothing known about it.
    { id: "agt_shadow", name: "unknown-agent", status: "discovered", teamId: null },
  ];
  await db.insert(agents).values(rows.map((agent) => ({ ...agent, createdAt: registered })));
  const decisionSeeds: DecisionSeed[] = [
    { agentId: "agt_good", actionName: "invoice.read", outcome: "allow" },
    { agentId: "agt_good", actionName: "invoice.read", outcome: "allow", delegation: ["agt_a", "agt_b", "agt_good"] },
    { agentId: "agt_good", actionName: "invoice.delete", outcome: "approval_required" },
    { agentId: "agt_good", actionName: "payments.refund", outcome: "deny" },
    { agentId: "agt_bad", actionName: "crm.read", outcome: "allow", enforcementPointId: "ep_dev", clientId: "shared-client" },
    { agentId: "agt_bad", actionName: "crm.delete_contact", outcome: "allow", clientId: "shared-client" },
    { agentId: "agt_bad", actionName: "crm.export", outcome: "allow", delegation: ["agt_x", "agt_y", "agt_z", "agt_bad"] },
    { agentId: "agt_bad", actionName: "crm.read", outcome: "error" },
    { agentId: "agt_retired", actionName: "report.read", outcome: "allow", clientId: "shared-client" },
    { agentId: "agt_shadow", actionName: "s3.get_object", outcome: "deny" },
  ];
  await insertTestDecisionRows(
    db,
    decisionSeeds.map((row, index) => ({
      enforcementPointId: "ep_prod",
      decisionId: `dec_${index}`,
      time: at(60 + index),
      agentRef: row.agentId,
      resourceType: "tool",
      resourceId: row.actionName,
      contentHash: `hash_${index}`,
      ...row,
    })),
  );
  // Outside the period: must not count.
  await insertTestDecisionRows(db, [{ enforcementPointId: "ep_prod", decisionId: "dec_old", time: at(60 * 24 * 40), agentId: "agt_good", agentRef: "agt_good", actionName: "invoice.delete", outcome: "allow", resourceType: "tool", resourceId: "x", contentHash: "old" }]);
  return { period: { start: at(60 * 24 * 30), end: now } };
}

/** suiteDatabase with the shipped catalogs loaded and the evidence scenario seeded, and the scenario's period: `const { database, period } = suiteEvidenceDatabase();`. */
export function suiteEvidenceDatabase(): { database: TestDatabase; period: { start: Date; end: Date } } {
  const database = suiteDatabase();
  let period: { start: Date; end: Date } | undefined;
  beforeAll(async () => {
    await loadShippedFrameworks(database.db);
    ({ period } = await seedEvidenceScenario(database.db));
  });
  return { database, period: openedLater(() => period, "The evidence scenario") };
}

/** A fresh test database with the shipped catalogs loaded and the evidence scenario seeded. */
export async function openEvidenceTestDatabase() {
  const database = await openTestDatabase();
  await loadShippedFrameworks(database.db);
  const { period } = await seedEvidenceScenario(database.db);
  return { database, period };
}
