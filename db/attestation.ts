import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "./client";
import { executedRows } from "./rows";
import { agents, attestationCampaigns, attestations } from "./schema";

export type AttestationCampaignRow = typeof attestationCampaigns.$inferSelect;
export type AttestationInsert = typeof attestations.$inferInsert;

/** Rows per insert statement when a campaign asks a whole fleet. */
const CHUNK = 1000;

/** The agent's unanswered attestation request, if any. */
export async function getPendingAttestation(db: Executor, agentId: string): Promise<{ id: string } | undefined> {
  const [row] = await db
    .select({ id: attestations.id })
    .from(attestations)
    .where(and(eq(attestations.agentId, agentId), isNull(attestations.attestedAt)))
    .limit(1);
  return row;
}

/** Records the answer on a pending request. */
export async function answerAttestation(db: Executor, id: string, answer: Pick<AttestationInsert, "outcome" | "note" | "attestedAt" | "attestedBy">): Promise<void> {
  await db.update(attestations).set(answer).where(eq(attestations.id, id));
}

/** Inserts attestation rows, in chunks. */
export async function insertAttestations(db: Executor, rows: AttestationInsert[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    if (chunk.length) await db.insert(attestations).values(chunk);
  }
}

/** Drops every unanswered request (a newer campaign supersedes them). */
export async function deletePendingAttestations(db: Executor): Promise<void> {
  await db.delete(attestations).where(isNull(attestations.attestedAt));
}

export async function insertCampaign(db: Executor, row: typeof attestationCampaigns.$inferInsert): Promise<AttestationCampaignRow> {
  const [inserted] = await db.insert(attestationCampaigns).values(row).returning();
  return inserted!;
}

export async function getCampaign(db: Executor, id: string): Promise<AttestationCampaignRow | undefined> {
  const [row] = await db.select().from(attestationCampaigns).where(eq(attestationCampaigns.id, id));
  return row;
}

export async function closeCampaignRow(db: Executor, id: string): Promise<AttestationCampaignRow> {
  const [row] = await db.update(attestationCampaigns).set({ closedAt: new Date() }).where(eq(attestationCampaigns.id, id)).returning();
  return row!;
}

/** The newest campaigns first, at most `limit`. */
export function listCampaignRows(db: Executor, limit: number): Promise<AttestationCampaignRow[]> {
  return db.select().from(attestationCampaigns).orderBy(desc(attestationCampaigns.startedAt)).limit(limit);
}

/** Per campaign: requests asked (`total`) and answered (`attested`). */
export async function countCampaignAnswers(db: Executor, campaignIds: string[]): Promise<{ campaign_id: string; total: number; attested: number }[]> {
  if (!campaignIds.length) return [];
  return executedRows<{ campaign_id: string; total: number; attested: number }>(
    await db.execute(sql`
      select campaign_id, count(*)::int as total, count(attested_at)::int as attested
      from attestations where campaign_id in (${sql.join(campaignIds.map((id) => sql`${id}`), sql`, `)}) group by campaign_id`),
  );
}

/** Unanswered requests of one campaign with the agent's name, by agent name, at most `limit`. */
export function listPendingInCampaign(db: Executor, campaignId: string, limit: number) {
  return db
    .select({ agentId: attestations.agentId, agentName: agents.name, ownerId: attestations.ownerId })
    .from(attestations)
    .innerJoin(agents, eq(agents.id, attestations.agentId))
    .where(and(eq(attestations.campaignId, campaignId), isNull(attestations.attestedAt)))
    .orderBy(agents.name)
    .limit(limit);
}
