import { z } from "zod";
import { getDb } from "@/db/client";
import { entityNames } from "@/db/entity-names";
import { listSecretReleaseRows } from "@/db/identity/secrets";
import type { TaskRow } from "@/db/identity/task-tokens";
import { agentPresentedIdentities, agentTokenStats, countEnforcementDecisions, getTaskWithCount, listTaskDecisions, listTaskRows, listTaskTokenRows } from "@/db/identity/task-views";
import { releaseKindLabel } from "./release-kind";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { notFound } from "../errors";
import { sortParam } from "../http/query";

/** Read models of the Tasks pages and `GET /api/v1/tasks`. */
export const ListTasksQuery = z.object({
  status: z.enum(["live", "ended", "all"]).catch("all").default("all"),
  agentId: z.string().max(100).optional().catch(undefined),
  limit: z.coerce.number().int().min(1).max(200).catch(50).default(50),
  /** purpose, agent (root agent's name), tokens, created (default newest first), expires; `-` reverses. */
  sort: sortParam(["purpose", "agent", "tokens", "created", "expires"], "-created"),
});

export type TaskSummary = {
  id: string;
  purpose: string;
  initiatorType: "agent" | "person";
  initiator: string;
  rootAgentId: string;
  rootAgentName: string | null;
  /** live: not ended and some token still unexpired; idle: not ended but every token expired. */
  state: "live" | "idle" | "ended";
  createdAt: Date;
  endedAt: Date | null;
  endedBy: string | null;
  tokensExpireAt: Date;
  tokens: number;
};

export async function listTasks({ ctx, query, now = new Date() }: { ctx: Ctx; query: unknown; now?: Date }): Promise<TaskSummary[]> {
  requirePermission(ctx.actor, "identity.read");
  const q = ListTasksQuery.parse(query ?? {});
  const db = ctx.tx ?? (await getDb());
  const rows = await listTaskRows(db, { status: q.status, agentId: q.agentId, limit: q.limit, sort: q.sort }, now);
  return rows.map((row) => taskSummary(row, now));
}

function taskSummary({ task, agentName, tokens }: { task: TaskRow; agentName: string | null; tokens: number }, now: Date): TaskSummary {
  return {
    id: task.id,
    purpose: task.purpose,
    initiatorType: task.initiatorType,
    initiator: task.initiator,
    rootAgentId: task.rootAgentId,
    rootAgentName: agentName,
    state: task.status === "ended" ? "ended" : task.tokensExpireAt > now ? "live" : "idle",
    createdAt: task.createdAt,
    endedAt: task.endedAt,
    endedBy: task.endedBy,
    tokensExpireAt: task.tokensExpireAt,
    tokens,
  };
}

export type TaskTokenView = {
  jti: string;
  agentId: string;
  agentName: string | null;
  parentJti: string | null;
  depth: number;
  scope: string[];
  audience: string;
  authMethod: string;
  presentedIdentity: string;
  issuedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
  /** As of the read: revoked, expired or live. */
  state: "live" | "expired" | "revoked";
  children: TaskTokenView[];
};

/** A release with `released`: what it was (a static secret, or a downstream token and its grant), as the pages show it. */
const withReleaseLabel = <T extends Parameters<typeof releaseKindLabel>[0]>(row: T) => ({ ...row, released: releaseKindLabel(row) });

/** One task: its tokens as the delegation tree (each hop with its scope), releases and decisions. */
export async function getTask({ ctx, taskId, now = new Date() }: { ctx: Ctx; taskId: string; now?: Date }) {
  requirePermission(ctx.actor, "identity.read");
  const db = ctx.tx ?? (await getDb());
  const found = await getTaskWithCount(db, taskId);
  if (!found) throw notFound("Task", taskId);
  const summary = taskSummary(found, now);
  const tokenRows = await listTaskTokenRows(db, taskId);
  const views = new Map<string, TaskTokenView>();
  for (const { token, agentName } of tokenRows) {
    views.set(token.jti, {
      jti: token.jti,
      agentId: token.agentId,
      agentName,
      parentJti: token.parentJti,
      depth: token.depth,
      scope: token.scope,
      audience: token.audience,
      authMethod: token.authMethod,
      presentedIdentity: token.presentedIdentity,
      issuedAt: token.issuedAt,
      expiresAt: token.expiresAt,
      revokedAt: token.revokedAt,
      revokedReason: token.revokedReason,
      state: token.revokedAt ? "revoked" : token.expiresAt <= now ? "expired" : "live",
      children: [],
    });
  }
  const roots: TaskTokenView[] = [];
  for (const view of views.values()) {
    const parent = view.parentJti ? views.get(view.parentJti) : undefined;
    if (parent) parent.children.push(view);
    else roots.push(view);
  }
  const releases = (await listSecretReleaseRows(db, { taskId }, 200)).map(withReleaseLabel);
  const decisionRows = await listTaskDecisions(db, taskId, new Date(summary.createdAt.getTime() - 60_000), 200);
  const names = await entityNames(db, {
    agent: [...decisionRows.map((row) => row.agentId), ...(summary.endedBy ? [summary.endedBy] : [])],
    enforcement_point: decisionRows.map((row) => row.enforcementPointId),
    policy: decisionRows.flatMap((row) => row.reasons),
  });
  const decisions = decisionRows.map((row) => ({
    ...row,
    agentName: names.agent.get(row.agentId) ?? null,
    enforcementPointName: names.enforcement_point.get(row.enforcementPointId) ?? null,
    /** Each reason as recorded, with the policy's description when it names a policy. */
    namedReasons: row.reasons.map((reason) => ({ reason, policyName: names.policy.get(reason) ?? null })),
  }));
  // Who ended it: an agent by name when it was one (a person's label is already a name).
  const endedByName = summary.endedBy ? (names.agent.get(summary.endedBy) ?? null) : null;
  return { task: { ...summary, endedByName }, tree: roots, tokens: [...views.values()], releases, decisions };
}

/**
 * What the agent was *observed* to hold: task tokens issued to it (count, longest lifetime, last
 * issue), the identities it presented and how, and its registered keys' count.
 */
export async function observedCredentialPosture({ ctx, agentId, since }: { ctx: Ctx; agentId: string; since: Date }) {
  requirePermission(ctx.actor, "agents.read");
  const db = ctx.tx ?? (await getDb());
  const stats = await agentTokenStats(db, agentId, since);
  const identities = await agentPresentedIdentities(db, agentId, since);
  const releases = (await listSecretReleaseRows(db, { agentId }, 20)).map(withReleaseLabel);
  // Enforcement decisions (not token issuance) in the window: acting without a task token means a standing credential.
  const acted = await countEnforcementDecisions(db, agentId, since);
  const enforcementDecisions = acted.all;
  const decisionsWithoutTaskToken = acted.withoutTaskToken;
  const tokens = stats.tokens;
  return {
    /**
     * task_tokens: it held Steward task tokens and every decision about it carried one; mixed: it
     * held task tokens but also acted without one; standing: it acted without any task token;
     * none_observed: neither tokens nor decisions.
     */
    posture: tokens > 0 ? (decisionsWithoutTaskToken > 0 ? ("mixed" as const) : ("task_tokens" as const)) : enforcementDecisions > 0 ? ("standing" as const) : ("none_observed" as const),
    decisionsWithoutTaskToken,
    enforcementDecisions,
    tokens,
    longestLifetimeSeconds: stats.longestSeconds,
    widestScope: stats.widest,
    lastIssuedAt: stats.lastIssuedAt,
    identities,
    releases,
  };
}
