import { sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { listManualEvidence, type ManualEvidenceRow } from "@/db/frameworks";
import { verifyAuditChain, type ChainVerdict } from "../../audit/verify-chain";
import { getSettings, type Settings } from "../../settings/settings";
import type { ReportScope } from "../schemas";
import { queryRows } from "./query-rows";

/** Action names that destroy or revoke something; matched on a word boundary of the action name. */
export const DESTRUCTIVE_ACTION_PATTERN = "(^|[^a-z])(delete|drop|destroy|remove|truncate|purge|wipe|terminate|erase|rm)([^a-z]|$)";

export type Period = { start: Date; end: Date };

export type AgentFact = {
  id: string;
  name: string;
  status: string;
  environment: string | null;
  credentialKind: string | null;
  credentialMaxLifetimeSeconds: number | null;
  ownerActive: boolean;
  backupActive: boolean;
};

export type AgentDecisionFact = {
  agentId: string;
  total: number;
  allowed: number;
  errors: number;
  outOfScope: number;
  outOfScopeBlocked: number;
  destructive: number;
  destructiveGated: number;
  maxDepth: number;
  overDepthCap: number;
  unreported: number;
  crossEnvironment: number;
};

export type SharedIdentity = { identity: string; agents: number };

export type PolicyTag = { policyId: string; policyName: string; tag: string };

/** Everything the control evaluators need, gathered in a handful of set-based queries. */
export type EvidenceFacts = {
  scope: ReportScope;
  period: Period;
  collectedAt: Date;
  settings: Settings;
  agents: AgentFact[];
  decisionsByAgent: Map<string, AgentDecisionFact>;
  sharedIdentities: SharedIdentity[];
  oldestDecisionAt: Date | null;
  auditChain: ChainVerdict;
  manualEvidence: ManualEvidenceRow[];
  /** Tables other Steward areas add; absent ones make their controls "not yet measurable". */
  tables: { policies: boolean; policyTests: boolean; attestations: boolean };
  policyTags: PolicyTag[];
};

export function scopeCondition(scope: ReportScope): SQL {
  switch (scope.kind) {
    case "all":
      return sql`true`;
    case "team":
      return sql`a.team_id = ${scope.teamId}`;
    case "environment":
      return sql`a.environment = ${scope.environment}`;
    case "agent":
      return sql`a.id = ${scope.agentId}`;
  }
}

const toNumber = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

async function agentFacts(db: Executor, scope: ReportScope): Promise<AgentFact[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select a.id, a.name, a.status, a.environment, a.credential_kind, a.credential_max_lifetime_seconds,
               coalesce(o.active, false) as owner_active,
               coalesce(b.active and b.id <> a.owner_id, false) as backup_active
          from agents a
          left join people o on o.id = a.owner_id
          left join people b on b.id = a.backup_owner_id
         where ${scopeCondition(scope)}
         order by a.name, a.id`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    status: String(row.status),
    environment: (row.environment as string | null) ?? null,
    credentialKind: (row.credential_kind as string | null) ?? null,
    credentialMaxLifetimeSeconds: row.credential_max_lifetime_seconds === null ? null : Number(row.credential_max_lifetime_seconds),
    ownerActive: row.owner_active === true,
    backupActive: row.backup_active === true,
  }));
}

/**
 * One pass over the period's decisions, grouped by agent, action, outcome, enforcement point environment and
 * workload identity (an agent normally yields a few dozen groups); the declared-scope test, the destructive-name pattern and the joins then run
 * on the grouped rows (thousands) instead of on every decision (millions). The `time` bounds come
 * first so a day-partitioned decisions table is pruned to the period.
 */
async function decisionFacts(db: Executor, scope: ReportScope, period: Period, maxDepth: number): Promise<{ byAgent: Map<string, AgentDecisionFact>; shared: SharedIdentity[] }> {
  const depth = sql`case when jsonb_typeof(d.delegation) = 'array' then jsonb_array_length(d.delegation) else 0 end`;
  // The grouping is a hash aggregate over many groups: give it memory rather than spilling (transaction-local).
  await db.execute(sql`select set_config('work_mem', '256MB', true)`);
  const inScope = scope.kind === "all" ? sql`true` : sql`d.agent_id in (select a.id from agents a where ${scopeCondition(scope)})`;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`with grouped as (
          select d.agent_id, d.action_name, d.outcome, ep.environment as ep_environment, (ep.id is null or not ep.enabled) as unreported,
                 coalesce(d.client_id, d.spiffe_id) as identity,
                 count(*) as n, max(${depth}) as max_depth, count(*) filter (where ${depth} > ${maxDepth}) as over_cap
            from decisions d
            left join enforcement_points ep on ep.id = d.enforcement_point_id
           where d.time >= ${period.start.toISOString()}::timestamptz and d.time < ${period.end.toISOString()}::timestamptz
             and ${inScope}
           group by 1, 2, 3, 4, 5, 6
        ), flagged as (
          select g.*,
                 coalesce(not (a.declared_actions ? g.action_name), true) as out_of_scope,
                 g.action_name ~* ${DESTRUCTIVE_ACTION_PATTERN} as destructive,
                 coalesce(g.ep_environment <> '' and a.environment is not null and g.ep_environment <> a.environment, false) as cross_environment
            from grouped g
            left join agents a on a.id = g.agent_id
        ), shared as (
          select identity from flagged where identity is not null group by identity having count(distinct agent_id) > 1
        )
        select 'agent' as kind, agent_id, null as identity,
               sum(n) as total,
               sum(n) filter (where outcome = 'allow') as allowed,
               sum(n) filter (where outcome = 'error') as errors,
               sum(n) filter (where out_of_scope) as out_of_scope,
               sum(n) filter (where out_of_scope and outcome in ('deny', 'approval_required')) as out_of_scope_blocked,
               sum(n) filter (where destructive) as destructive,
               sum(n) filter (where destructive and outcome in ('deny', 'approval_required')) as destructive_gated,
               max(max_depth) as max_depth,
               sum(over_cap) as over_depth_cap,
               sum(n) filter (where unreported) as unreported,
               sum(n) filter (where cross_environment) as cross_environment
          from flagged group by agent_id
        union all
        select 'shared', null, f.identity, count(distinct f.agent_id), null, null, null, null, null, null, null, null, null, null
          from flagged f join shared s on s.identity = f.identity group by f.identity`,
  );
  const byAgent = new Map<string, AgentDecisionFact>();
  const shared: SharedIdentity[] = [];
  for (const row of rows) {
    if (row.kind === "shared") {
      shared.push({ identity: String(row.identity), agents: toNumber(row.total) });
      continue;
    }
    byAgent.set(String(row.agent_id), {
      agentId: String(row.agent_id),
      total: toNumber(row.total),
      allowed: toNumber(row.allowed),
      errors: toNumber(row.errors),
      outOfScope: toNumber(row.out_of_scope),
      outOfScopeBlocked: toNumber(row.out_of_scope_blocked),
      destructive: toNumber(row.destructive),
      destructiveGated: toNumber(row.destructive_gated),
      maxDepth: toNumber(row.max_depth),
      overDepthCap: toNumber(row.over_depth_cap),
      unreported: toNumber(row.unreported),
      crossEnvironment: toNumber(row.cross_environment),
    });
  }
  shared.sort((a, b) => b.agents - a.agents || a.identity.localeCompare(b.identity));
  return { byAgent, shared: shared.slice(0, 50) };
}

async function tableExists(db: Executor, name: string): Promise<boolean> {
  const [row] = await queryRows<{ present: boolean }>(db, sql`select to_regclass(${`public.${name}`}) is not null as present`);
  return row?.present === true;
}

/** Framework tags on policies, when the policy area's table carries a framework_tags column. */
async function policyTags(db: Executor): Promise<PolicyTag[]> {
  const [column] = await queryRows<{ present: boolean }>(
    db,
    sql`select exists (select 1 from information_schema.columns where table_schema = 'public' and table_name = 'policies' and column_name = 'framework_tags') as present`,
  );
  if (!column?.present) return [];
  const rows = await queryRows<{ id: string; name: string; tags: unknown }>(db, sql.raw(`select id, name, to_jsonb(framework_tags) as tags from policies`));
  return rows.flatMap((row) => {
    const tags = typeof row.tags === "string" ? (JSON.parse(row.tags) as unknown) : row.tags;
    return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string").map((tag) => ({ policyId: row.id, policyName: row.name, tag })) : [];
  });
}

export async function collectEvidenceFacts(db: Executor, scope: ReportScope, period: Period): Promise<EvidenceFacts> {
  const settings = await getSettings(db);
  const agents = await agentFacts(db, scope);
  const { byAgent: decisionsByAgent, shared } = await decisionFacts(db, scope, period, settings.maxDelegationDepth);
  const [oldest] = await queryRows<{ oldest: string | Date | null }>(db, sql`select min(time) as oldest from decisions`);
  return {
    scope,
    period,
    collectedAt: new Date(),
    settings,
    agents,
    decisionsByAgent,
    sharedIdentities: shared,
    oldestDecisionAt: oldest?.oldest ? new Date(oldest.oldest) : null,
    auditChain: await verifyAuditChain(db),
    manualEvidence: await listManualEvidence(db),
    tables: { policies: await tableExists(db, "policies"), policyTests: await tableExists(db, "policy_tests"), attestations: await tableExists(db, "attestations") },
    policyTags: await policyTags(db),
  };
}
