import { getEnforcementPointByName, insertEnforcementPoint, insertEnforcementPointToken } from "@/db/enforcement-points";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { issueSecretToken } from "../auth/secret-token";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { toEnforcementPointView } from "./enforcement-point-view";
import { RegisterEnforcementPointInput, type EnforcementPointView } from "./schemas";

/** Registers an EP and issues its first ingest token. The plaintext is returned once; only its hash is stored. */
export async function registerEnforcementPoint({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ enforcementPoint: EnforcementPointView; token: string }> {
  requirePermission(ctx.actor, "enforcement_points.manage");
  const data = RegisterEnforcementPointInput.parse(input);
  const secret = issueSecretToken("ep");
  return withTransaction(ctx, async (tx) => {
    if (await getEnforcementPointByName(tx, data.name)) {
      throw new StewardError("conflict", `An enforcement point named ${data.name} already exists`, { path: "name" });
    }
    const row = await insertEnforcementPoint(tx, { id: newId("ep"), ...data });
    const token = await insertEnforcementPointToken(tx, { id: newId("ept"), enforcementPointId: row.id, prefix: secret.prefix, tokenHash: secret.hash });
    const view = toEnforcementPointView(row, [token]);
    await recordAudit(tx, ctx, { action: "enforcement_point.register", entityType: "enforcement_point", entityId: view.id, after: view });
    return { enforcementPoint: view, token: secret.plaintext };
  });
}
