import { findMapping, getControlOrThrow, getFrameworkItemOrThrow, insertMapping, type MappingRow } from "@/db/frameworks";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { MappingInput } from "./schemas";

export async function addMapping({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<MappingRow> {
  requirePermission(ctx.actor, "frameworks.manage");
  const parsed = MappingInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    await getControlOrThrow(tx, parsed.controlId);
    await getFrameworkItemOrThrow(tx, parsed.frameworkId, parsed.itemId);
    if (await findMapping(tx, parsed)) {
      throw new StewardError("conflict", `Control ${parsed.controlId} is already mapped to ${parsed.itemId}`, { path: "controlId" });
    }
    const mapping = await insertMapping(tx, { ...parsed, origin: "custom" });
    await recordAudit(tx, ctx, { action: "control_mapping.create", entityType: "control_mapping", entityId: `${parsed.controlId}→${parsed.frameworkId}/${parsed.itemId}`, after: mapping });
    return mapping;
  });
}
