import { sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { listManualEvidence, policiesThatDetermined, type ManualEvidenceRow } from "@/db/frameworks";
import { getLatestVersion } from "@/db/policies";
import { verifyAuditChain, type ChainVerdict } from "../../audit/verify-chain";
import type { PolicySetContent } from "../../policies/content";
import { getSettings, type Settings } from "../../settings/settings";
import type { ReportScope } from "../schemas";
import { queryRows } from "@/db/rows";
import { DESTRUCTIVE_VERBS } from "../../decisions/destructive-action";
import { dayRuns, delegationDepth, rolledUpEvidenceDays, utcMidnight } from "@/db/activity";

/**
 * Legacy fallback for decisions recorded before ingest judged them (their `destructive` is null): the
 * action name with camelCase split into words, matched case-insensitively on a word boundary against
 * the verbs ingest uses (lib/decisions/destructive-action.ts).
 */
export const DESTRUCTIVE_ACTION_PATTERN = `(^|[^a-z0-9])(${DESTRUCTIVE_VERBS.join("|")})([^a-z0-9]|$)`;

const CAMEL_BOUNDARY = "([a-z0-9])([A-Z])";
const CAMEL_SPLIT = "\\1_\\2";

export type Period = { start: Date; end: Date };

export type AgentFact = {
  id: string;
  name: string;
  status: string;
  environment: string | null;
  credentialKind: string | null;
  credentialMaxLifetimeSeconds: number | null;
  ownerId: string | null;
  ownerActive: boolean;
  backupActive: boolean;
  /** The agent's most recent recorded attestation (any outcome), from the inventory's attestations. */
  lastAttestedAt: Date | null;
  /** An unanswered request of an open campaign whose due date has passed. */
  overdueCampaign: { name: string; dueAt: Date } | null;
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
  /** Decisions whose agent and enforcement point both had an environment (isolation is judgeable). */
  environmentKnown: number;
  /** Decisions that presented a workload identity (client id or SPIFFE id). */
  withIdentity: number;
  /** Decisions made through a delegation chain (more than one acting agent). */
  delegated: number;
  /** Allowed decisions while the agent was retired or suspended (judged at ingest). */
  allowedWhileOffboarded: number;
};

export type SharedIdentity = { identity: string; agents: number };

export type PolicyTag = { policyId: string; policyName: string; tag: string };

/** The policy set in force: the latest published version, with what its tests pin down. */
export type PublishedPolicies = {
  revision: number;
  publishedAt: Date;
  policyIds: string[];
  tests: { name: string; expectedPolicies: string[] | null }[];
};

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
  /** Null until the first policy version is published. */
  publishedPolicies: PublishedPolicies | null;
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

async function agentFacts(db: Executor, scope: ReportScope, now: Date): Promise<AgentFact[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select a.id, a.name, a.status, a.environment, a.credential_kind, a.credential_max_lifetime_seconds, a.owner_id,
               coalesce(o.active, false) as owner_active,
               coalesce(b.active and b.id <> a.owner_id, false) as backup_active,
               attested.last_attested_at, overdue.name as overdue_campaign, overdue.due_at as overdue_due_at
          from agents a
          left join people o on o.id = a.owner_id
          left join people b on b.id = a.backup_owner_id
          left join lateral (
            select max(t.attested_at) as last_attested_at from attestations t where t.agent_id = a.id
          ) attested on true
          left join lateral (
            select c.name, c.due_at
              from attestations p join attestation_campaigns c on c.id = p.campaign_id
             where p.agent_id = a.id and p.attested_at is null and c.closed_at is null and c.due_at < ${now.toISOString()}::timestamptz
             order by c.due_at limit 1
          ) overdue on true
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
    ownerId: (row.owner_id as string | null) ?? null,
    ownerActive: row.owner_active === true,
    backupActive: row.backup_active === true,
    lastAttestedAt: row.last_attested_at ? new Date(row.last_attested_at as string | Date) : null,
    overdueCampaign: row.overdue_campaign === null || row.overdue_campaign === undefined ? null : { name: String(row.overdue_campaign), dueAt: new Date(row.overdue_due_at as string | Date) },
  }));
}

/**
 * The period's decisions grouped by agent, action, outcome, enforcement point, workload identity and
 * delegation depth (an agent normally yields a few dozen groups): whole closed days come from the
 * daily rollup (`decision_evidence_daily`, see `rolledUpEvidenceDays`), the rest of the period — its
 * partial first day, the open days, and any day with late decisions not yet rolled up — from the
 * decisions themselves, whose `time` ranges prune the day partitions. The declared-scope test, the
 * destructive-name pattern and the joins with agents and enforcement points (their state now) then
 * run on the grouped rows (thousands) instead of on every decision (millions).
 */
async function decisionFacts(
  db: Executor,
  scope: ReportScope,
  period: Period,
  maxDepth: number,
  rolledUpDays: string[],
): Promise<{ byAgent: Map<string, AgentDecisionFact>; shared: SharedIdentity[] }> {
  // The grouping is a hash aggregate over many groups: give it memory rather than spilling (transaction-local).
  await db.execute(sql`select set_config('work_mem', '256MB', true)`);
  const inScope = (column: SQL) => (scope.kind === "all" ? sql`true` : sql`${column} in (select a.id from agents a where ${scopeCondition(scope)})`);
  const rolledUp = dayRuns(rolledUpDays);
  const live: { start: SQL; end: SQL }[] = [];
  let cursor: SQL = sql`${period.start.toISOString()}::timestamptz`;
  for (const run of rolledUp) {
    live.push({ start: cursor, end: utcMidnight(run.from) });
    cursor = utcMidnight(run.to);
  }
  live.push({ start: cursor, end: sql`${period.end.toISOString()}::timestamptz` });
  const sources: SQL[] = [];
  sources.push(sql`
      select d.agent_id, d.action_name, d.outcome, d.enforcement_point_id, coalesce(d.client_id, d.spiffe_id), ${delegationDepth(sql`d.delegation`)},
             d.in_declared_scope, d.destructive, d.cross_environment, d.agent_offboarded, 1
        from decisions d
       where (${sql.join(live.map((range) => sql`(d.time >= ${range.start} and d.time < ${range.end})`), sql` or `)}) and ${inScope(sql`d.agent_id`)}`);
  if (rolledUp.length) {
    sources.push(sql`
      select r.agent_id, r.action_name, r.outcome, r.enforcement_point_id, r.identity, r.depth, r.in_declared_scope, r.destructive, r.cross_environment, r.agent_offboarded, r.decisions as n
        from decision_evidence_daily r
       where (${sql.join(rolledUp.map((run) => sql`(r.day >= ${run.from}::date and r.day < ${run.to}::date)`), sql` or `)}) and ${inScope(sql`r.agent_id`)}`);
  }
  // Facts recorded at ingest decide; only decisions recorded before ingest judged them (null) are
  // judged against the agents and enforcement points as they are now.
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`with grouped as (
          select agent_id, action_name, outcome, enforcement_point_id, identity, depth, in_scope, destructive, cross_env, offboarded, sum(n) as n
            from (${sql.join(sources, sql` union all `)}) as u (agent_id, action_name, outcome, enforcement_point_id, identity, depth, in_scope, destructive, cross_env, offboarded, n)
           group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
        ), flagged as (
          select g.agent_id, g.outcome, g.identity, g.n, g.depth,
                 (ep.id is null or not ep.enabled) as unreported,
                 not coalesce(g.in_scope, a.declared_actions ? g.action_name, false) as out_of_scope,
                 coalesce(g.destructive, regexp_replace(g.action_name, ${CAMEL_BOUNDARY}, ${CAMEL_SPLIT}, 'g') ~* ${DESTRUCTIVE_ACTION_PATTERN}) as destructive,
                 coalesce(g.cross_env, case when ep.environment <> '' and a.environment is not null then ep.environment <> a.environment end) as cross_environment,
                 coalesce(g.offboarded, a.status in ('retired', 'suspended'), false) as offboarded
            from grouped g
            left join enforcement_points ep on ep.id = g.enforcement_point_id
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
               max(depth) as max_depth,
               sum(n) filter (where depth > ${maxDepth}) as over_depth_cap,
               sum(n) filter (where unreported) as unreported,
               sum(n) filter (where cross_environment) as cross_environment,
               sum(n) filter (where cross_environment is not null) as environment_known,
               sum(n) filter (where identity is not null) as with_identity,
               sum(n) filter (where depth > 1) as delegated,
               sum(n) filter (where offboarded and outcome = 'allow') as allowed_while_offboarded
          from flagged group by agent_id
        union all
        select 'shared', null, f.identity, count(distinct f.agent_id), null, null, null, null, null, null, null, null, null, null, null, null, null, null
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
      environmentKnown: toNumber(row.environment_known),
      withIdentity: toNumber(row.with_identity),
      delegated: toNumber(row.delegated),
      allowedWhileOffboarded: toNumber(row.allowed_while_offboarded),
    });
  }
  shared.sort((a, b) => b.agents - a.agents || a.identity.localeCompare(b.identity));
  return { byAgent, shared: shared.slice(0, 50) };
}

/**
 * Framework tags that count: those of the policies in the published version in force (drafts count
 * for nothing — an unpublished `when { false }` draft evidences nothing), and only for policies that
 * determined at least one decision in the period (a policy that never matched is not shown to work).
 * A policy has no name, so its description (or id) labels it.
 */
async function policyTags(db: Executor, published: PublishedPolicies | null, content: PolicySetContent | null, period: Period): Promise<PolicyTag[]> {
  if (!published || !content) return [];
  const tagged = content.policies.filter((policy) => (policy.frameworkTags ?? []).length > 0);
  const matched = new Set(await policiesThatDetermined(db, tagged.map((policy) => policy.id), period));
  return tagged
    .filter((policy) => matched.has(policy.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .flatMap((policy) => policy.frameworkTags.map((tag) => ({ policyId: policy.id, policyName: policy.description.trim() || policy.id, tag })));
}

async function publishedPolicies(db: Executor): Promise<{ published: PublishedPolicies; content: PolicySetContent } | null> {
  const latest = await getLatestVersion(db);
  if (!latest) return null;
  const content = latest.content as PolicySetContent;
  return {
    content,
    published: {
      revision: latest.revision,
      publishedAt: latest.createdAt,
      policyIds: content.policies.map((policy) => policy.id),
      tests: content.tests.map((test) => ({ name: test.name, expectedPolicies: test.expectedPolicies })),
    },
  };
}

export async function collectEvidenceFacts(db: Executor, scope: ReportScope, period: Period): Promise<EvidenceFacts> {
  const collectedAt = new Date();
  const settings = await getSettings(db);
  const agents = await agentFacts(db, scope, collectedAt);
  const [oldest] = await queryRows<{ oldest: string | Date | null }>(db, sql`select min(time) as oldest from decisions`);
  const oldestDecisionAt = oldest?.oldest ? new Date(oldest.oldest) : null;
  const rolledUpDays = await rolledUpEvidenceDays(db, period, oldestDecisionAt, collectedAt);
  const policySet = await publishedPolicies(db);
  const { byAgent: decisionsByAgent, shared } = await decisionFacts(db, scope, period, settings.maxDelegationDepth, rolledUpDays);
  return {
    scope,
    period,
    collectedAt,
    settings,
    agents,
    decisionsByAgent,
    sharedIdentities: shared,
    oldestDecisionAt,
    auditChain: await verifyAuditChain(db),
    manualEvidence: await listManualEvidence(db),
    publishedPolicies: policySet?.published ?? null,
    policyTags: await policyTags(db, policySet?.published ?? null, policySet?.content ?? null, period),
  };
}
