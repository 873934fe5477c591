import { getDb } from "@/db/client";
import { listOwnedLiveAgentOwners } from "@/db/agents";
import { closeCampaignRow, countCampaignAnswers, deletePendingAttestations, getCampaign, insertAttestations, insertCampaign, listCampaignRows, listPendingInCampaign } from "@/db/attestation";
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
    const campaign = await insertCampaign(tx, { id: newId("atc"), name, startedBy: actorLabel(ctx.actor), dueAt: new Date(Date.now() + dueInDays * 86_400_000) });
    // A newer campaign supersedes older pending requests for the same agent.
    await deletePendingAttestations(tx);
    const scope = await listOwnedLiveAgentOwners(tx);
    await insertAttestations(tx, scope.map((agent) => ({ id: newId("att"), campaignId: campaign.id, agentId: agent.id, ownerId: agent.ownerId })));
    await recordAudit(tx, ctx, { action: "attestation_campaign.start", entityType: "attestation_campaign", entityId: campaign.id, after: { ...campaign, agents: scope.length } });
    return { ...campaign, agents: scope.length };
  });
}

export async function closeCampaign({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "findings.manage");
  const { campaignId } = CampaignIdInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getCampaign(tx, campaignId);
    if (!before) throw new StewardError("not_found", `Campaign ${campaignId} does not exist`);
    if (before.closedAt) return before;
    const after = await closeCampaignRow(tx, campaignId);
    await recordAudit(tx, ctx, { action: "attestation_campaign.close", entityType: "attestation_campaign", entityId: campaignId, before, after });
    return after;
  });
}

export type CampaignProgress = { id: string; name: string; startedBy: string; startedAt: Date; dueAt: Date; closedAt: Date | null; total: number; attested: number; overdue: number };

/** Progress per campaign: how many answered, and how many are past due without an answer. */
export async function listCampaigns({ ctx }: { ctx: Ctx }): Promise<CampaignProgress[]> {
  requirePermission(ctx.actor, "agents.read");
  const db = ctx.tx ?? (await getDb());
  const campaigns = await listCampaignRows(db, 50);
  if (!campaigns.length) return [];
  const counts = await countCampaignAnswers(db, campaigns.map((c) => c.id));
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
  return listPendingInCampaign(db, campaignId, 500);
}
