import { lockManualEvidence, markManualEvidenceReviewed } from "@/db/frameworks";
import { actorLabel, type Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { ReviewManualEvidenceInput } from "./schemas";

/**
 * The identity an attestation or review is made under: the person (a user's API token acts as that
 * user, so it is the same person), else the enforcement point or system reason. Compared to keep the
 * reviewer distinct from the attester.
 */
export function evidenceActorId(actor: Actor): string {
  switch (actor.type) {
    case "user":
      return `user:${actor.userId}`;
    case "enforcement_point":
      return `ep:${actor.enforcementPointId}`;
    case "system":
      return `system:${actor.reason}`;
  }
}

/**
 * Four eyes on manual evidence: a person other than the attester confirms it (pending → reviewed); only
 * reviewed evidence counts toward a control. Errors: `not_found` (no such evidence), `conflict` (already
 * reviewed), `forbidden` (the attester reviewing their own evidence, or a non-person actor). Audited as
 * `manual_evidence.review` in the same transaction.
 */
export async function reviewManualEvidence({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "frameworks.manage");
  const { evidenceId } = ReviewManualEvidenceInput.parse(input);
  if (ctx.actor.type !== "user") throw new StewardError("forbidden", "Manual evidence is reviewed by a person");
  const reviewer = { id: evidenceActorId(ctx.actor), label: actorLabel(ctx.actor) };
  return withTransaction(ctx, async (tx) => {
    const existing = await lockManualEvidence(tx, evidenceId);
    if (!existing) throw new StewardError("not_found", `No manual evidence ${evidenceId}`, { path: "evidenceId" });
    if (existing.reviewStatus === "reviewed") throw new StewardError("conflict", `Evidence ${evidenceId} was already reviewed by ${existing.reviewedBy}`);
    // Rows from before reviews carry only the attester's label: compare that too, never fail open.
    const sameIdentity = existing.attestedById ? existing.attestedById === reviewer.id : existing.attestedBy === reviewer.label;
    if (sameIdentity) throw new StewardError("forbidden", "The attester cannot review their own evidence: ask another engineer");
    const row = await markManualEvidenceReviewed(tx, evidenceId, reviewer, new Date());
    const { fileContentBase64: _before, ...before } = existing;
    const { fileContentBase64: _after, ...after } = row;
    await recordAudit(tx, ctx, { action: "manual_evidence.review", entityType: "manual_evidence", entityId: row.id, before, after });
    return after;
  });
}
