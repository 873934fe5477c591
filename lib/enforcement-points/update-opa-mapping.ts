import { getEnforcementPointOrThrow, listLiveTokens, updateEnforcementPointRow } from "@/db/enforcement-points";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { toEnforcementPointView } from "./enforcement-point-view";
import { UpdateOpaMappingInput, type EnforcementPointView } from "./schemas";

/** Sets where this EP's OPA decision-log events carry the agent, action, resource and verdict. */
export async function updateOpaMapping({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<EnforcementPointView> {
  requirePermission(ctx.actor, "enforcement_points.manage");
  const { id, mapping } = UpdateOpaMappingInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const row = await getEnforcementPointOrThrow(tx, id);
    const tokens = await listLiveTokens(tx, [id]);
    const updated = await updateEnforcementPointRow(tx, id, { opaMapping: mapping });
    const after = toEnforcementPointView(updated, tokens);
    await recordAudit(tx, ctx, { action: "enforcement_point.update_opa_mapping", entityType: "enforcement_point", entityId: id, before: toEnforcementPointView(row, tokens), after });
    return after;
  });
}
