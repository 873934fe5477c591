import { and, desc, eq, gt, inArray, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { agents, decisions, secretReleases, taskTokens, tasks } from "@/db/schema";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { notFound } from "../errors";

/** Read models of the Tasks pages and `GET /api/v1/tasks`. */
export const ListTasksQuery = z.object({
  status: z.enum(["live", "ended", "all"]).catch("all").default("all"),
  agentId: z.string().max(100).optional().catch(undefined),
  limit: z.coerce.number().int().min(1).max(200).catch(50).default(50),
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
  const rows = await db
    .select({ task: tasks, agentName: agents.name, tokens: sql<number>`(select count(*)::int from task_tokens t where t.task_id = ${tasks.id})` })
    .from(tasks)
    .leftJoin(agents, eq(agents.id, tasks.rootAgentId))
    .where(
      and(
        q.status === "live" ? and(eq(tasks.status, "live"), gt(tasks.tokensExpireAt, now)) : q.status === "ended" ? or(eq(tasks.status, "ended"), lt(tasks.tokensExpireAt, now)) : undefined,
        q.agentId ? or(eq(tasks.rootAgentId, q.agentId), inArray(tasks.id, db.select({ id: taskTokens.taskId }).from(taskTokens).where(eq(taskTokens.agentId, q.agentId)))) : undefined,
      ),
    )
    .orderBy(desc(tasks.createdAt))
    .limit(q.limit);
  return rows.map(({ task, agentName, tokens }) => ({
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
    tokens: Number(tokens),
  }));
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

/** One task: its tokens as the delegation tree (each hop with its scope), releases and decisions. */
export async function getTask({ ctx, taskId, now = new Date() }: { ctx: Ctx; taskId: string; now?: Date }) {
  requirePermission(ctx.actor, "identity.read");
  const db = ctx.tx ?? (await getDb());
  const [summary] = (await listTasksById(db, taskId, now)) ?? [];
  if (!summary) throw notFound("Task", taskId);
  const tokenRows = await db.select({ token: taskTokens, agentName: agents.name }).from(taskTokens).leftJoin(agents, eq(agents.id, taskTokens.agentId)).where(eq(taskTokens.taskId, taskId)).orderBy(taskTokens.issuedAt);
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
  const releases = await db.select().from(secretReleases).where(eq(secretReleases.taskId, taskId)).orderBy(desc(secretReleases.at)).limit(200);
  const decisionRows = await db
    .select({ time: decisions.time, agentId: decisions.agentId, actionName: decisions.actionName, actionKind: decisions.actionKind, outcome: decisions.outcome, reasons: decisions.reasons, enforcementPointId: decisions.enforcementPointId, decisionId: decisions.decisionId })
    .from(decisions)
    .where(and(eq(decisions.taskId, taskId), gt(decisions.time, new Date(summary.createdAt.getTime() - 60_000))))
    .orderBy(desc(decisions.time))
    .limit(200);
  return { task: summary, tree: roots, tokens: [...views.values()], releases, decisions: decisionRows };
}

async function listTasksById(db: Awaited<ReturnType<typeof getDb>>, taskId: string, now: Date): Promise<TaskSummary[]> {
  const rows = await db.select({ task: tasks, agentName: agents.name }).from(tasks).leftJoin(agents, eq(agents.id, tasks.rootAgentId)).where(eq(tasks.id, taskId));
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(taskTokens).where(eq(taskTokens.taskId, taskId));
  return rows.map(({ task, agentName }) => ({
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
    tokens: Number(count?.n ?? 0),
  }));
}

/**
 * What the agent was *observed* to hold: task tokens issued to it (count, longest lifetime, last
 * issue), the identities it presented and how, and its registered keys' count.
 */
export async function observedCredentialPosture({ ctx, agentId, since }: { ctx: Ctx; agentId: string; since: Date }) {
  requirePermission(ctx.actor, "agents.read");
  const db = ctx.tx ?? (await getDb());
  const [stats] = await db
    .select({
      tokens: sql<number>`count(*)::int`,
      longestSeconds: sql<number | null>`max(extract(epoch from ${taskTokens.expiresAt} - ${taskTokens.issuedAt}))::int`,
      lastIssuedAt: sql<string | null>`max(${taskTokens.issuedAt})`,
      widest: sql<number | null>`max(jsonb_array_length(${taskTokens.scope}))::int`,
    })
    .from(taskTokens)
    .where(and(eq(taskTokens.agentId, agentId), gt(taskTokens.issuedAt, since)));
  const identities = await db
    .select({ identity: taskTokens.presentedIdentity, authMethod: taskTokens.authMethod, trustDomain: taskTokens.trustDomain, last: sql<string>`max(${taskTokens.issuedAt})` })
    .from(taskTokens)
    .where(and(eq(taskTokens.agentId, agentId), gt(taskTokens.issuedAt, since)))
    .groupBy(taskTokens.presentedIdentity, taskTokens.authMethod, taskTokens.trustDomain);
  const releases = await db.select().from(secretReleases).where(eq(secretReleases.agentId, agentId)).orderBy(desc(secretReleases.at)).limit(20);
  // Enforcement decisions (not token issuance) in the window: acting without any task token means a standing credential.
  const [acted] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(decisions)
    .where(and(eq(decisions.agentId, agentId), gt(decisions.time, since), sql`coalesce(${decisions.actionKind}, '') <> 'token_issuance'`));
  const tokens = Number(stats?.tokens ?? 0);
  const enforcementDecisions = Number(acted?.n ?? 0);
  return {
    /** task_tokens: it held Steward task tokens; standing: it acted (decisions) without any; none_observed: neither. */
    posture: tokens > 0 ? ("task_tokens" as const) : enforcementDecisions > 0 ? ("standing" as const) : ("none_observed" as const),
    enforcementDecisions,
    tokens,
    longestLifetimeSeconds: stats?.longestSeconds === null || stats?.longestSeconds === undefined ? null : Number(stats.longestSeconds),
    widestScope: stats?.widest === null || stats?.widest === undefined ? null : Number(stats.widest),
    lastIssuedAt: stats?.lastIssuedAt ? new Date(stats.lastIssuedAt) : null,
    identities: identities.map((row) => ({ ...row, last: new Date(row.last) })),
    releases,
  };
}
