import { and, eq, like, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { pgBoolean } from "../rows";
import { agentIdentities, agents, usedAssertions } from "../schema";

/**
 * Queries behind lib/identity/client-auth.ts: single-use credentials (used_assertions) and the
 * agents a presented SPIFFE ID or client id belongs to.
 */
export type AgentStatusRow = { id: string; status: string };

/** Deletes used-credential entries expired more than a minute ago. */
export async function purgeUsedAssertions(db: Executor): Promise<void> {
  await db.delete(usedAssertions).where(sql`${usedAssertions.expiresAt} < now() - interval '1 minute'`);
}

/** Records a credential use; false when (issuer, jti) was already recorded (a concurrent insert waits on the key). */
export async function insertUsedAssertion(db: Executor, use: { issuer: string; jti: string; expiresAt: Date }): Promise<boolean> {
  const inserted = await db.insert(usedAssertions).values(use).onConflictDoNothing().returning({ jti: usedAssertions.jti });
  return inserted.length === 1;
}

export async function isAssertionUsed(db: Executor, issuer: string, jti: string): Promise<boolean> {
  const [seen] = await db.select({ jti: usedAssertions.jti }).from(usedAssertions).where(and(eq(usedAssertions.issuer, issuer), eq(usedAssertions.jti, jti)));
  return !!seen;
}

/** The agent registered with that identity (kind `spiffe_id` or `client_id`), or null. */
export async function agentByIdentity(db: Executor, kind: "spiffe_id" | "client_id", value: string): Promise<AgentStatusRow | null> {
  const [row] = await db
    .select({ id: agents.id, status: agents.status })
    .from(agentIdentities)
    .innerJoin(agents, eq(agents.id, agentIdentities.agentId))
    .where(and(eq(agentIdentities.kind, kind), eq(agentIdentities.value, value)));
  return row ?? null;
}

export async function agentStatusById(db: Executor, agentId: string): Promise<AgentStatusRow | null> {
  const [row] = await db.select({ id: agents.id, status: agents.status }).from(agents).where(eq(agents.id, agentId));
  return row ?? null;
}

/** Serialises the creation of discovered agents from SPIFFE IDs (transaction-scoped). */
export async function lockDiscoveredAgentCreation(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${DISCOVERED_AGENT_LOCK_KEY})`);
}
const DISCOVERED_AGENT_LOCK_KEY = 7_363_010;

/** SPIFFE IDs registered on agents that end with `path` (the same workload path, any trust domain). */
export async function spiffeIdsEndingWith(db: Executor, path: string): Promise<{ agentId: string; value: string }[]> {
  const rows = await db
    .select({ agentId: agentIdentities.agentId, value: agentIdentities.value })
    .from(agentIdentities)
    .where(and(eq(agentIdentities.kind, "spiffe_id"), like(agentIdentities.value, `spiffe://%${path.replace(/[\\%_]/g, (c) => `\\${c}`)}`)));
  return rows.filter((row) => row.value.endsWith(path));
}

export type ExchangingAgent = AgentStatusRow & { declaredActions: string[]; updatedAt: Date };

/**
 * In one query: the agent registered with that identity — with what issuance needs (declared
 * scope, last change) — and whether the credential use `(issuer, jti)` is already recorded.
 * `agent` is null for an identity no agent holds.
 */
export async function agentAndReplayByIdentity(db: Executor, kind: "spiffe_id" | "client_id", value: string, use: { issuer: string; jti: string }): Promise<{ agent: ExchangingAgent | null; used: boolean }> {
  const rows = await db
    .select({
      id: agents.id,
      status: agents.status,
      declaredActions: agents.declaredActions,
      updatedAt: agents.updatedAt,
      used: sql<boolean>`exists (select 1 from ${usedAssertions} where ${usedAssertions.issuer} = ${use.issuer} and ${usedAssertions.jti} = ${use.jti})`,
    })
    .from(agentIdentities)
    .innerJoin(agents, eq(agents.id, agentIdentities.agentId))
    .where(and(eq(agentIdentities.kind, kind), eq(agentIdentities.value, value)));
  const [row] = rows;
  if (!row) return { agent: null, used: await isAssertionUsed(db, use.issuer, use.jti) };
  const { used, ...agent } = row;
  return { agent, used: pgBoolean(used) };
}
