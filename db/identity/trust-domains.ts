import { eq } from "drizzle-orm";
import type { Executor } from "../client";
import { agentIdentities, agents, trustDomains } from "../schema";

/** Queries behind lib/identity/trust-domains.ts: registered SPIFFE trust domains and their bundles. */
export type TrustDomainRow = typeof trustDomains.$inferSelect;

export const listTrustDomainRows = (db: Executor): Promise<TrustDomainRow[]> => db.select().from(trustDomains).orderBy(trustDomains.name);

export async function getTrustDomainRowByName(db: Executor, name: string): Promise<TrustDomainRow | null> {
  const [row] = await db.select().from(trustDomains).where(eq(trustDomains.name, name));
  return row ?? null;
}

export async function insertTrustDomainRow(db: Executor, values: typeof trustDomains.$inferInsert): Promise<TrustDomainRow> {
  const [row] = await db.insert(trustDomains).values(values).returning();
  return row!;
}

export async function deleteTrustDomainRow(db: Executor, id: string): Promise<TrustDomainRow | null> {
  const [row] = await db.delete(trustDomains).where(eq(trustDomains.id, id)).returning();
  return row ?? null;
}

/** Updates a domain; the row afterwards, or null when it no longer exists. */
export async function updateTrustDomainRow(db: Executor, id: string, patch: Partial<typeof trustDomains.$inferInsert>): Promise<TrustDomainRow | null> {
  const [row] = await db.update(trustDomains).set(patch).where(eq(trustDomains.id, id)).returning();
  return row ?? null;
}

/** Every SPIFFE ID registered on an agent, with the agent's id and status (what an MCP gateway needs to map a JWT-SVID to its agent). */
export async function spiffeIdentityRows(db: Executor): Promise<{ spiffeId: string; agentId: string; status: string }[]> {
  return db
    .select({ spiffeId: agentIdentities.value, agentId: agents.id, status: agents.status })
    .from(agentIdentities)
    .innerJoin(agents, eq(agents.id, agentIdentities.agentId))
    .where(eq(agentIdentities.kind, "spiffe_id"))
    .orderBy(agentIdentities.value);
}
