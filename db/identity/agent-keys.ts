import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "../client";
import { agentKeys } from "../schema";

/** Queries behind lib/identity/agent-keys.ts: public keys registered on agents for private_key_jwt. */
export type AgentKeyRow = typeof agentKeys.$inferSelect;

/** The id of the agent's key with that kid (revoked or not), or null. */
export async function findAgentKeyId(db: Executor, agentId: string, kid: string): Promise<string | null> {
  const [row] = await db.select({ id: agentKeys.id }).from(agentKeys).where(and(eq(agentKeys.agentId, agentId), eq(agentKeys.kid, kid)));
  return row?.id ?? null;
}

export async function insertAgentKeyRow(db: Executor, values: typeof agentKeys.$inferInsert): Promise<AgentKeyRow> {
  const [row] = await db.insert(agentKeys).values(values).returning();
  return row!;
}

/** Marks the agent's unrevoked key revoked at `at`; null when there is no such unrevoked key. */
export async function revokeAgentKeyRow(db: Executor, agentId: string, keyId: string, at: Date): Promise<AgentKeyRow | null> {
  const [row] = await db
    .update(agentKeys)
    .set({ revokedAt: at })
    .where(and(eq(agentKeys.id, keyId), eq(agentKeys.agentId, agentId), isNull(agentKeys.revokedAt)))
    .returning();
  return row ?? null;
}

/** Every key of the agent, oldest first. */
export const listAgentKeyRows = (db: Executor, agentId: string): Promise<AgentKeyRow[]> => db.select().from(agentKeys).where(eq(agentKeys.agentId, agentId)).orderBy(agentKeys.createdAt);

/** The agent's unrevoked key with that kid, or null. */
export async function activeAgentKey(db: Executor, agentId: string, kid: string): Promise<AgentKeyRow | null> {
  const [row] = await db.select().from(agentKeys).where(and(eq(agentKeys.agentId, agentId), eq(agentKeys.kid, kid), isNull(agentKeys.revokedAt)));
  return row ?? null;
}
