import { capEnforcementPointTokenExpiry, getEnforcementPointOrThrow, insertEnforcementPointToken, listLiveTokens } from "@/db/enforcement-points";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { issueSecretToken } from "../auth/secret-token";
import { withTransaction, type Ctx } from "../context";
import { announceEnforcementPointTokensChanged, forgetEnforcementPointTokens } from "./authenticate-enforcement-point-token";
import { newId } from "../ids";
import { toEnforcementPointView } from "./enforcement-point-view";
import { RotateTokenInput, type EnforcementPointView } from "./schemas";

/**
 * Issues a new token; every older live token keeps working until now + graceHours (the returned
 * `previousTokenExpiresAt`), so an EP can be reconfigured without dropping decisions.
 */
export async function rotateEnforcementPointToken({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ enforcementPoint: EnforcementPointView; token: string; previousTokenExpiresAt: Date }> {
  requirePermission(ctx.actor, "enforcement_points.manage");
  const { id, graceHours } = RotateTokenInput.parse(input);
  const secret = issueSecretToken("ep");
  return withTransaction(ctx, async (tx) => {
    const row = await getEnforcementPointOrThrow(tx, id);
    const before = toEnforcementPointView(row, await listLiveTokens(tx, [id]));
    const previousTokenExpiresAt = new Date(Date.now() + graceHours * 3_600_000);
    // Never extends a token that already expires sooner.
    await capEnforcementPointTokenExpiry(tx, id, previousTokenExpiresAt);
    await insertEnforcementPointToken(tx, { id: newId("ept"), enforcementPointId: id, prefix: secret.prefix, tokenHash: secret.hash });
    const after = toEnforcementPointView(row, await listLiveTokens(tx, [id]));
    await announceEnforcementPointTokensChanged(tx);
    await recordAudit(tx, ctx, { action: "enforcement_point.rotate_token", entityType: "enforcement_point", entityId: id, before, after: { ...after, graceHours, previousTokenExpiresAt } });
    return { enforcementPoint: after, token: secret.plaintext, previousTokenExpiresAt };
  }).finally(forgetEnforcementPointTokens); // this process sees the change at once, not after EP_TOKEN_CACHE_MS
}
