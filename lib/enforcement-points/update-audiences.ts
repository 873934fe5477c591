import { getEnforcementPointOrThrow, listLiveTokens, updateEnforcementPointRow } from "@/db/enforcement-points";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { toEnforcementPointView } from "./enforcement-point-view";
import { UpdateAudiencesInput, type EnforcementPointView } from "./schemas";

/**
 * Sets the audiences (RFC 8707 resource URIs) this EP serves. The secret store releases a secret to
 * an EP only for a task token issued for one of them, so a token that reached the wrong EP cannot be
 * redeemed there. Audited.
 */
export async function updateAudiences({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<EnforcementPointView> {
  requirePermission(ctx.actor, "enforcement_points.manage");
  const { id, audiences } = UpdateAudiencesInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const row = await getEnforcementPointOrThrow(tx, id);
    const tokens = await listLiveTokens(tx, [id]);
    const updated = await updateEnforcementPointRow(tx, id, { audiences });
    const after = toEnforcementPointView(updated, tokens);
    await recordAudit(tx, ctx, { action: "enforcement_point.update_audiences", entityType: "enforcement_point", entityId: id, before: toEnforcementPointView(row, tokens), after });
    return after;
  });
}
