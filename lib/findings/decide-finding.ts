import type { Executor } from "@/db/client";
import { getFindingRow, updateFindingRow } from "@/db/findings";
import { recordAudit } from "../audit/record-audit";
import { actorLabel } from "../auth/actor";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { AcceptFindingInput, ResolveFindingInput } from "./schemas";

async function getFindingOrThrow(db: Executor, id: string) {
  const row = await getFindingRow(db, id);
  if (!row) throw new StewardError("not_found", `Finding ${id} does not exist`);
  return row;
}

/** Marks it fixed; the next refresh re-opens it if the condition still holds. */
export async function resolveFinding({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "findings.manage");
  const { findingId } = ResolveFindingInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getFindingOrThrow(tx, findingId);
    const after = await updateFindingRow(tx, findingId, { status: "resolved", resolvedAt: new Date(), decidedBy: actorLabel(ctx.actor) });
    await recordAudit(tx, ctx, { action: "finding.resolve", entityType: "finding", entityId: findingId, before, after });
    return after;
  });
}

/** Accepted risk: hidden from open counts until it expires, then the next refresh re-opens it. */
export async function acceptFinding({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "findings.manage");
  const { findingId, justification, expiresAt } = AcceptFindingInput.parse(input);
  if (expiresAt.getTime() <= Date.now()) throw new StewardError("invalid_input", "The expiry must be in the future", { path: "expiresAt" });
  if (expiresAt.getTime() > Date.now() + 366 * 86_400_000) throw new StewardError("invalid_input", "Accept a finding for at most a year", { path: "expiresAt" });
  return withTransaction(ctx, async (tx) => {
    const before = await getFindingOrThrow(tx, findingId);
    const after = await updateFindingRow(tx, findingId, { status: "accepted", justification, acceptedUntil: expiresAt, resolvedAt: null, decidedBy: actorLabel(ctx.actor) });
    await recordAudit(tx, ctx, { action: "finding.accept", entityType: "finding", entityId: findingId, before, after });
    return after;
  });
}
