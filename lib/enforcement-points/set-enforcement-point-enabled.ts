import { z } from "zod";
import { getEnforcementPointOrThrow, listLiveTokens, updateEnforcementPointRow } from "@/db/enforcement-points";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { announceEnforcementPointTokensChanged, forgetEnforcementPointTokens } from "./authenticate-enforcement-point-token";
import { toEnforcementPointView } from "./enforcement-point-view";
import { EnforcementPointIdInput, type EnforcementPointView } from "./schemas";

const SetEnabledInput = EnforcementPointIdInput.extend({ enabled: z.boolean() });

/** A disabled EP keeps its tokens but every ingest gets 403 until it is enabled again. */
export async function setEnforcementPointEnabled({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<EnforcementPointView> {
  requirePermission(ctx.actor, "enforcement_points.manage");
  const { id, enabled } = SetEnabledInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const row = await getEnforcementPointOrThrow(tx, id);
    const tokens = await listLiveTokens(tx, [id]);
    if (row.enabled === enabled) return toEnforcementPointView(row, tokens);
    const updated = await updateEnforcementPointRow(tx, id, { enabled });
    const after = toEnforcementPointView(updated, tokens);
    await announceEnforcementPointTokensChanged(tx);
    await recordAudit(tx, ctx, { action: enabled ? "enforcement_point.enable" : "enforcement_point.disable", entityType: "enforcement_point", entityId: id, before: toEnforcementPointView(row, tokens), after });
    return after;
  }).finally(forgetEnforcementPointTokens); // this process sees the change at once, not after EP_TOKEN_CACHE_MS
}
