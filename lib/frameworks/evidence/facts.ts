import type { Executor } from "@/db/client";
import {
  agentFacts,
  decisionFacts,
  listManualEvidence,
  oldestDecisionTime,
  policiesThatDetermined,
  type AgentDecisionFact,
  type AgentFact,
  type ManualEvidenceRow,
  type Period,
  type SharedIdentity,
} from "@/db/frameworks";
import { getLatestVersion } from "@/db/policies";
import { verifyAuditChain, type ChainVerdict } from "../../audit/verify-chain";
import type { PolicySetContent } from "../../policies/content";
import { getSettings, type Settings } from "../../settings/settings";
import type { ReportScope } from "../schemas";
import { rolledUpEvidenceDays } from "@/db/activity";
import { identityEvidenceByAgent, type AgentIdentityEvidence } from "@/db/identity/evidence";

export { DESTRUCTIVE_ACTION_PATTERN, type AgentDecisionFact, type AgentFact, type Period, type SharedIdentity } from "@/db/frameworks";

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
  /** Task tokens Steward issued to each in-scope agent in the period (short-lived, task-scoped credentials and delegation); agents without any are absent. */
  identityByAgent: Map<string, AgentIdentityEvidence>;
};

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
  const agents = await agentFacts(db, scope, period, collectedAt);
  const oldestDecisionAt = await oldestDecisionTime(db);
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
    identityByAgent: await identityEvidenceByAgent(db, agents.map((agent) => agent.id), period),
  };
}
