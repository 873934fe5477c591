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
 * One pass over the period's decisions, grouped by agent. The `time` bounds come first so a
 * day-partitioned decisions table is pruned to the period.
 */
async function decisionFacts(db: Executor, scope: ReportScope, period: Period, maxDepth: number): Promise<Map<string, AgentDecisionFact>> {
  const depth = sql`case when jsonb_typeof(d.delegation) = 'array' then jsonb_array_length(d.delegation) else 0 end`;
  const outOfScope = sql`not (a.declared_actions ? d.action_name)`;
  const destructive = sql`d.action_name ~* ${DESTRUCTIVE_ACTION_PATTERN}`;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select d.agent_id,
               count(*) as total,
               count(*) filter (where d.outcome = 'allow') as allowed,
               count(*) filter (where d.outcome = 'error') as errors,
               count(*) filter (where ${outOfScope}) as out_of_scope,
               count(*) filter (where ${outOfScope} and d.outcome in ('deny', 'approval_required')) as out_of_scope_blocked,
               count(*) filter (where ${destructive}) as destructive,
               count(*) filter (where ${destructive} and d.outcome in ('deny', 'approval_required')) as destructive_gated,
               max(${depth}) as max_depth,
               count(*) filter (where ${depth} > ${maxDepth}) as over_depth_cap,
               count(*) filter (where ep.id is null or not ep.enabled) as unreported,
               count(*) filter (where ep.environment <> '' and a.environment is not null and ep.environment <> a.environment::text) as cross_environment
          from decisions d
          join agents a on a.id = d.agent_id
          left join enforcement_points ep on ep.id = d.enforcement_point_id
         where d.time >= ${period.start.toISOString()}::timestamptz and d.time < ${period.end.toISOString()}::timestamptz
           and ${scopeCondition(scope)}
         group by d.agent_id`,
  );
  return new Map(
    rows.map((row) => [
      String(row.agent_id),
      {
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
      },
    ]),
  );
}

async function sharedIdentities(db: Executor, scope: ReportScope, period: Period): Promise<SharedIdentity[]> {
  const rows = await queryRows<{ identity: string; agents: unknown }>(
    db,
    sql`select ident as identity, count(distinct agent_id) as agents
          from (select coalesce(d.client_id, d.spiffe_id) as ident, d.agent_id
                  from decisions d join agents a on a.id = d.agent_id
                 where d.time >= ${period.start.toISOString()}::timestamptz and d.time < ${period.end.toISOString()}::timestamptz
                   and coalesce(d.client_id, d.spiffe_id) is not null
                   and ${scopeCondition(scope)}
                 group by 1, 2) per_agent
         group by ident
        having count(*) > 1
         order by 2 desc, 1
         limit 50`,
  );
  return rows.map((row) => ({ identity: row.identity, agents: toNumber(row.agents) }));
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
  const decisionsByAgent = await decisionFacts(db, scope, period, settings.maxDelegationDepth);
  const shared = await sharedIdentities(db, scope, period);
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
