import { getEnforcementPointOrThrow, listLiveTokens, revokeEnforcementPointTokenRows } from "@/db/enforcement-points";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { announceEnforcementPointTokensChanged, forgetEnforcementPointTokens } from "./authenticate-enforcement-point-token";
import { toEnforcementPointView } from "./enforcement-point-view";
import { EnforcementPointIdInput, type EnforcementPointView } from "./schemas";

/** Ends every token of the EP immediately (no grace). Rotating afterwards issues a fresh one. */
export async function revokeEnforcementPointTokens({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<EnforcementPointView> {
  requirePermission(ctx.actor, "enforcement_points.manage");
  const { id } = EnforcementPointIdInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const row = await getEnforcementPointOrThrow(tx, id);
    const before = toEnforcementPointView(row, await listLiveTokens(tx, [id]));
    await revokeEnforcementPointTokenRows(tx, id);
    const after = toEnforcementPointView(row, []);
    await announceEnforcementPointTokensChanged(tx);
    await recordAudit(tx, ctx, { action: "enforcement_point.revoke_tokens", entityType: "enforcement_point", entityId: id, before, after });
    return after;
  }).finally(forgetEnforcementPointTokens); // this process sees the change at once, not after EP_TOKEN_CACHE_MS
}
