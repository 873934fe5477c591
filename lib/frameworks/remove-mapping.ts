import { deleteMapping, findMapping } from "@/db/frameworks";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { MappingRemovalQuery } from "./schemas";

/** Removes a mapping, with the reason recorded in the audit trail; a removed shipped default stays removed across restarts. */
export async function removeMapping({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<void> {
  requirePermission(ctx.actor, "frameworks.manage");
  const { rationale, ...key } = MappingRemovalQuery.parse(input);
  await withTransaction(ctx, async (tx) => {
    const existing = await findMapping(tx, key);
    if (!existing) throw new StewardError("not_found", `Control ${key.controlId} is not mapped to ${key.itemId} in ${key.frameworkId}`);
    await deleteMapping(tx, existing);
    await recordAudit(tx, ctx, { action: "control_mapping.delete", entityType: "control_mapping", entityId: `${key.controlId}→${key.frameworkId}/${key.itemId}`, before: existing, after: { removed: true, rationale } });
  });
}
