import type { Tx } from "@/db/client";
import { getAgentOrThrow, updateAgentRow, type AgentInsert, type AgentRow } from "@/db/agents";
import { answerAttestation, getPendingAttestation, insertAttestations } from "@/db/attestation";
import { getPersonOrThrow, peopleForUser } from "@/db/people";
import { recordAudit } from "../audit/record-audit";
import type { Actor } from "../auth/actor";
import { hasPermission, requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { refreshFindingsForAgents } from "../findings/refresh-findings";
import { newId } from "../ids";
import { AttestAgentInput } from "./schemas";

/** Engineers may attest any agent; everyone else only agents owned by a person record that is them. */
export async function assertMayAttest(tx: Tx, actor: Actor, agent: AgentRow) {
  if (hasPermission(actor, "agents.write")) return;
  if (actor.type !== "user") throw new StewardError("forbidden", "Only people attest agents");
  const mine = await peopleForUser(tx, actor);
  if (!agent.ownerId || !mine.some((person) => person.id === agent.ownerId)) {
    throw new StewardError("forbidden", `You do not own ${agent.name}; only its owner or a security engineer may attest it`);
  }
}

/** One step for the owner: confirm, narrow the declared scope, transfer to someone else, or retire. */
export async function attestAgent({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "agents.attest");
  const data = AttestAgentInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getAgentOrThrow(tx, data.agentId);
    await assertMayAttest(tx, ctx.actor, before);
    if (before.status === "retired") throw new StewardError("precondition_failed", `${before.name} is retired`);
    const now = new Date();
    const change: Partial<AgentInsert> = { lastAttestedAt: now, updatedAt: now };
    if (data.outcome === "narrowed") {
      const declared = new Set(before.declaredActions);
      const extra = data.keepActions!.filter((action) => !declared.has(action));
      if (extra.length) throw new StewardError("invalid_input", `Narrowing can only keep declared actions; ${extra.join(", ")} is not declared`, { path: "keepActions" });
      change.declaredActions = before.declaredActions.filter((action) => data.keepActions!.includes(action));
    } else if (data.outcome === "transferred") {
      const next = await getPersonOrThrow(tx, data.newOwnerId!, "newOwnerId");
      if (!next.active) throw new StewardError("precondition_failed", `${next.name} is deactivated`, { path: "newOwnerId" });
      if (next.id === before.ownerId) throw new StewardError("invalid_input", "Choose someone other than the current owner", { path: "newOwnerId" });
      Object.assign(change, { ownerId: next.id, inTeamQueue: false, backupOwnerId: before.backupOwnerId === next.id ? null : before.backupOwnerId });
    } else if (data.outcome === "retired") {
      change.status = "retired";
    }
    const after = await updateAgentRow(tx, before.id, change);
    const pending = await getPendingAttestation(tx, before.id);
    const record = { outcome: data.outcome, note: data.note, attestedAt: now, attestedBy: ctx.actor.type === "user" ? ctx.actor.email : "system" };
    if (pending) await answerAttestation(tx, pending.id, record);
    else await insertAttestations(tx, [{ id: newId("att"), agentId: before.id, ownerId: before.ownerId, ...record }]);
    await refreshFindingsForAgents(tx, [before.id]);
    await recordAudit(tx, ctx, {
      action: "agent.attest",
      entityType: "agent",
      entityId: before.id,
      before: { ownerId: before.ownerId, status: before.status, declaredActions: before.declaredActions, lastAttestedAt: before.lastAttestedAt },
      after: { outcome: data.outcome, note: data.note, ownerId: after.ownerId, status: after.status, declaredActions: after.declaredActions, lastAttestedAt: after.lastAttestedAt },
    });
    return after;
  });
}
