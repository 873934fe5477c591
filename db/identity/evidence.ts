import { and, gte, inArray, lt, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { taskTokens } from "../schema";

/**
 * Identity facts for framework evidence (lib/frameworks/evidence/facts.ts): per agent, the task
 * tokens Steward issued to it in a period — how many, in how many tasks, the longest lifetime
 * (seconds), how many were delegated to it (depth > 0) and the deepest delegation (hops), how many
 * were revoked before expiry, and the widest scope (entries). Agents without tokens are absent.
 */
export type AgentIdentityEvidence = {
  agentId: string;
  taskTokens: number;
  tasks: number;
  longestLifetimeSeconds: number;
  delegatedTokens: number;
  maxDelegationDepth: number;
  revokedTokens: number;
  widestScope: number;
};

const CHUNK = 1_000;

export async function identityEvidenceByAgent(db: Executor, agentIds: string[], period: { start: Date; end: Date }): Promise<Map<string, AgentIdentityEvidence>> {
  const out = new Map<string, AgentIdentityEvidence>();
  for (let i = 0; i < agentIds.length; i += CHUNK) {
    const rows = await db
      .select({
        agentId: taskTokens.agentId,
        taskTokens: sql<number>`count(*)::int`,
        tasks: sql<number>`count(distinct ${taskTokens.taskId})::int`,
        longestLifetimeSeconds: sql<number>`coalesce(max(extract(epoch from ${taskTokens.expiresAt} - ${taskTokens.issuedAt})), 0)::int`,
        delegatedTokens: sql<number>`(count(*) filter (where ${taskTokens.depth} > 0))::int`,
        maxDelegationDepth: sql<number>`coalesce(max(${taskTokens.depth}), 0)::int`,
        revokedTokens: sql<number>`(count(*) filter (where ${taskTokens.revokedAt} is not null and ${taskTokens.revokedAt} < ${taskTokens.expiresAt}))::int`,
        widestScope: sql<number>`coalesce(max(jsonb_array_length(${taskTokens.scope})), 0)::int`,
      })
      .from(taskTokens)
      .where(and(inArray(taskTokens.agentId, agentIds.slice(i, i + CHUNK)), gte(taskTokens.issuedAt, period.start), lt(taskTokens.issuedAt, period.end)))
      .groupBy(taskTokens.agentId);
    for (const row of rows) {
      out.set(row.agentId, {
        agentId: row.agentId,
        taskTokens: Number(row.taskTokens),
        tasks: Number(row.tasks),
        longestLifetimeSeconds: Number(row.longestLifetimeSeconds),
        delegatedTokens: Number(row.delegatedTokens),
        maxDelegationDepth: Number(row.maxDelegationDepth),
        revokedTokens: Number(row.revokedTokens),
        widestScope: Number(row.widestScope),
      });
    }
  }
  return out;
}
