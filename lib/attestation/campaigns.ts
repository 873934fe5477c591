import { and, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { executedRows } from "@/db/rows";
import { agents, attestationCampaigns, attestations } from "@/db/schema";
import { recordAudit } from "../audit/record-audit";
import { actorLabel } from "../auth/actor";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { CampaignIdInput, StartCampaignInput } from "./schemas";

/** Asks the owner of every owned, live agent to attest it by the due date. */
export async function startCampaign({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "findings.manage");
  const { name, dueInDays } = StartCampaignInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const [campaign] = await tx
      .insert(attestationCampaigns)
      .values({ id: newId("atc"), name, startedBy: actorLabel(ctx.actor), dueAt: new Date(Date.now() + dueInDays * 86_400_000) })
      .returning();
    // A newer campaign supersedes older pending requests for the same agent.
    await tx.delete(attestations).where(isNull(attestations.attestedAt));
    const scope = await tx
      .select({ id: agents.id, ownerId: agents.ownerId })
      .from(agents)
      .where(and(isNotNull(agents.ownerId), inArray(agents.status, ["active", "suspended"])));
    for (let i = 0; i < scope.length; i += 1000) {
      const chunk = scope.slice(i, i + 1000);
      if (chunk.length) await tx.insert(attestations).values(chunk.map((agent) => ({ id: newId("att"), campaignId: campaign!.id, agentId: agent.id, ownerId: agent.ownerId })));
    }
    await recordAudit(tx, ctx, { action: "attestation_campaign.start", entityType: "attestation_campaign", entityId: campaign!.id, after: { ...campaign, agents: scope.length } });
    return { ...campaign!, agents: scope.length };
  });
}

export async function closeCampaign({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "findings.manage");
  const { campaignId } = CampaignIdInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const [before] = await tx.select().from(attestationCampaigns).where(eq(attestationCampaigns.id, campaignId));
    if (!before) throw new StewardError("not_found", `Campaign ${campaignId} does not exist`);
    if (before.closedAt) return before;
    const [after] = await tx.update(attestationCampaigns).set({ closedAt: new Date() }).where(eq(attestationCampaigns.id, campaignId)).returning();
    await recordAudit(tx, ctx, { action: "attestation_campaign.close", entityType: "attestation_campaign", entityId: campaignId, before, after });
    return after!;
  });
}

export type CampaignProgress = { id: string; name: string; startedBy: string; startedAt: Date; dueAt: Date; closedAt: Date | null; total: number; attested: number; overdue: number };

/** Progress per campaign: how many answered, and how many are past due without an answer. */
export async function listCampaigns({ ctx }: { ctx: Ctx }): Promise<CampaignProgress[]> {
  requirePermission(ctx.actor, "agents.read");
  const db = ctx.tx ?? (await getDb());
  const campaigns = await db.select().from(attestationCampaigns).orderBy(desc(attestationCampaigns.startedAt)).limit(50);
  if (!campaigns.length) return [];
  const counts = executedRows<{ campaign_id: string; total: number; attested: number }>(
    await db.execute(sql`
      select campaign_id, count(*)::int as total, count(attested_at)::int as attested
      from attestations where campaign_id in (${sql.join(campaigns.map((c) => sql`${c.id}`), sql`, `)}) group by campaign_id`),
  );
  const now = Date.now();
  return campaigns.map((campaign) => {
    const row = counts.find((c) => c.campaign_id === campaign.id);
    const total = Number(row?.total ?? 0);
    const attested = Number(row?.attested ?? 0);
    return { ...campaign, total, attested, overdue: !campaign.closedAt && campaign.dueAt.getTime() < now ? total - attested : 0 };
  });
}

/** Who still has to answer in a campaign, for following up. */
export async function pendingInCampaign({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "agents.read");
  const { campaignId } = CampaignIdInput.parse(input);
  const db = ctx.tx ?? (await getDb());
  return db
    .select({ agentId: attestations.agentId, agentName: agents.name, ownerId: attestations.ownerId })
    .from(attestations)
    .innerJoin(agents, eq(agents.id, attestations.agentId))
    .where(and(eq(attestations.campaignId, campaignId), isNull(attestations.attestedAt)))
    .orderBy(agents.name)
    .limit(500);
}
