import { getFrameworkItemOrThrow, setItemApplicability as storeApplicability } from "@/db/frameworks";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { ApplicabilityInput } from "./schemas";

/** Marks an item not applicable (a justification is required) or applicable again (null). */
export async function setItemApplicability({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "frameworks.manage");
  const parsed = ApplicabilityInput.parse(input);
  if (parsed.notApplicableReason !== null && parsed.notApplicableReason.length < 10) {
    throw new StewardError("invalid_input", "Justify why the item does not apply (at least 10 characters)", { path: "notApplicableReason" });
  }
  return withTransaction(ctx, async (tx) => {
    const before = await getFrameworkItemOrThrow(tx, parsed.frameworkId, parsed.itemId);
    await storeApplicability(tx, parsed.frameworkId, parsed.itemId, parsed.notApplicableReason);
    const after = await getFrameworkItemOrThrow(tx, parsed.frameworkId, parsed.itemId);
    await recordAudit(tx, ctx, { action: "framework_item.set_applicability", entityType: "framework_item", entityId: `${parsed.frameworkId}/${parsed.itemId}`, before, after });
    return after;
  });
}
