import type { ControlRow } from "@/db/frameworks";
import type { EvidenceQuery } from "../control-library";
import type { AgentDecisionFact, AgentFact, EvidenceFacts } from "./facts";

export const CONTROL_STATUSES = ["pass", "partial", "fail", "unknown"] as const;
export type ControlStatus = (typeof CONTROL_STATUSES)[number];

export type AgentEvidence = { agentId: string; agentName: string; detail: string };

export type ControlResult = {
  controlId: string;
  title: string;
  evidenceKind: "automated" | "manual";
  status: ControlStatus;
  /** One sentence with the numbers behind the status. */
  summary: string;
  /** The numbers, named, for tables and exports. */
  measures: Record<string, number | string | null>;
  /** Agents that fail the control (first 25), for drill-down. */
  failingAgents: AgentEvidence[];
  failingAgentCount: number;
  /** Recent decisions showing the violation (failing or partial decision-based controls), for tracing. */
  sampleDecisions?: { enforcementPointId: string; decisionId: string; time: string; agentId: string; href: string }[];
  /** How the status is decided: thresholds, or that any violation fails. Printed in every report. */
  rule: string;
  /** The data the control needs; without it the status is `unknown`. */
  dataRequired: string;
  period: { start: string; end: string };
  collectedAt: string;
};

/** pass when every subject complies; partial from 80 %; fail below. No subjects → not measurable. */
export function ratioStatus(compliant: number, total: number): ControlStatus {
  if (total === 0) return "unknown";
  if (compliant === total) return "pass";
  return compliant / total >= 0.8 ? "partial" : "fail";
}

const percent = (part: number, whole: number) => (whole === 0 ? "n/a" : `${((100 * part) / whole).toFixed(1)}%`);
const MAX_LISTED_AGENTS = 25;
const DAY_MS = 86_400_000;
const day = (date: Date) => date.toISOString().slice(0, 10);
const liveAgents = (facts: EvidenceFacts) => facts.agents.filter((agent) => agent.status !== "retired");

type Outcome = Omit<ControlResult, "controlId" | "title" | "evidenceKind" | "period" | "collectedAt" | "failingAgentCount" | "rule" | "dataRequired">;

/** Any violation fails: for controls where no share of violations is acceptable. */
export function zeroToleranceStatus(violations: number, subjects: number): ControlStatus {
  if (subjects === 0) return "unknown";
  return violations === 0 ? "pass" : "fail";
}

export const RATIO_RULE = "pass when every subject complies; partial when at least 80 % comply; fail below; unknown without subjects";
export const ZERO_TOLERANCE_RULE = "pass when there is no violation; fail on any violation; unknown without the data";

function failing(agents: AgentFact[], detail: (agent: AgentFact) => string): AgentEvidence[] {
  return agents.map((agent) => ({ agentId: agent.id, agentName: agent.name, detail: detail(agent) }));
}

/** An agent's decision counts before any decision is counted (every measure zero). */
export function emptyDecisionFact(agentId: string): AgentDecisionFact {
  return {
    agentId,
    total: 0,
    allowed: 0,
    errors: 0,
    outOfScope: 0,
    outOfScopeBlocked: 0,
    destructive: 0,
    destructiveGated: 0,
    maxDepth: 0,
    overDepthCap: 0,
    unreported: 0,
    crossEnvironment: 0,
    environmentKnown: 0,
    withIdentity: 0,
    delegated: 0,
    allowedWhileOffboarded: 0,
  };
}

function decisionTotals(facts: EvidenceFacts): AgentDecisionFact {
  const total = emptyDecisionFact("*");
  for (const fact of facts.decisionsByAgent.values()) {
    for (const key of Object.keys(total) as (keyof AgentDecisionFact)[]) {
      if (key === "agentId") continue;
      total[key] = key === "maxDepth" ? Math.max(total.maxDepth, fact.maxDepth) : total[key] + fact[key];
    }
  }
  return total;
}

/** Agents whose decisions show `predicate`, with the agent's name resolved, by name then id (as agents are listed). */
function agentsWhere(facts: EvidenceFacts, predicate: (fact: AgentDecisionFact) => boolean, detail: (fact: AgentDecisionFact) => string): AgentEvidence[] {
  const names = new Map(facts.agents.map((agent) => [agent.id, agent.name]));
  return [...facts.decisionsByAgent.values()]
    .filter(predicate)
    .map((fact) => ({ agentId: fact.agentId, agentName: names.get(fact.agentId) ?? fact.agentId, detail: detail(fact) }))
    .sort((a, b) => (a.agentName < b.agentName ? -1 : a.agentName > b.agentName ? 1 : a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
}

const EVALUATORS: Record<EvidenceQuery, (facts: EvidenceFacts) => Outcome> = {
  owner_and_backup(facts) {
    const agents = liveAgents(facts);
    const bad = agents.filter((agent) => !agent.ownerActive || !agent.backupActive);
    return {
      status: ratioStatus(agents.length - bad.length, agents.length),
      summary: `${agents.length - bad.length} of ${agents.length} agents have an active owner and backup (${bad.filter((a) => !a.ownerActive).length} unowned).`,
      measures: { agents: agents.length, compliant: agents.length - bad.length, unowned: bad.filter((a) => !a.ownerActive).length, withoutBackup: bad.filter((a) => !a.backupActive).length },
      failingAgents: failing(bad, (agent) => (!agent.ownerActive ? "no active owner" : "no active backup owner")),
    };
  },
  inventory_triaged(facts) {
    const discovered = facts.agents.filter((agent) => agent.status === "discovered");
    return {
      status: ratioStatus(facts.agents.length - discovered.length, facts.agents.length),
      summary: `${discovered.length} of ${facts.agents.length} agents are discovered and not yet registered.`,
      measures: { agents: facts.agents.length, discovered: discovered.length },
      failingAgents: failing(discovered, () => "discovered at runtime, not triaged"),
    };
  },
  enforcement_coverage(facts) {
    const active = facts.agents.filter((agent) => agent.status === "active");
    const silent = active.filter((agent) => !facts.decisionsByAgent.get(agent.id)?.total);
    const totals = decisionTotals(facts);
    const status = totals.unreported > 0 && silent.length === 0 ? "partial" : ratioStatus(active.length - silent.length, active.length);
    return {
      status,
      summary: `${active.length - silent.length} of ${active.length} active agents had decisions reported in the period; ${totals.unreported} of ${totals.total} decisions came from an unknown or disabled enforcement point.`,
      measures: { activeAgents: active.length, reportingAgents: active.length - silent.length, decisions: totals.total, decisionsFromUnknownOrDisabledPoints: totals.unreported },
      failingAgents: failing(silent, () => "no decision reported in the period"),
    };
  },
  no_static_secrets(facts) {
    const agents = liveAgents(facts);
    const staticSecret = agents.filter((agent) => agent.credentialKind === "static_api_key" || agent.credentialKind === "shared_secret");
    const unknown = agents.filter((agent) => agent.credentialKind === null);
    // Every kind unknown is no evidence at all: unknown, never partial.
    const status = agents.length === 0 || unknown.length === agents.length ? "unknown" : staticSecret.length > 0 ? (staticSecret.length / agents.length <= 0.2 ? "partial" : "fail") : unknown.length > 0 ? "partial" : "pass";
    return {
      status,
      summary: `${staticSecret.length} of ${agents.length} agents hold a static secret; ${unknown.length} have no recorded credential kind.`,
      measures: { agents: agents.length, staticSecrets: staticSecret.length, credentialKindUnknown: unknown.length },
      failingAgents: [...failing(staticSecret, (agent) => `holds a ${agent.credentialKind}`), ...failing(unknown, () => "credential kind not recorded")],
    };
  },
  short_lived_credentials(facts) {
    const limit = facts.settings.maxCredentialLifetimeSeconds;
    const agents = liveAgents(facts);
    // What Steward observed wins over what the inventory declares: an agent that held task tokens in
    // the period is judged by the longest-lived one it was issued (and fails if that exceeded the limit).
    const lifetimeOf = (agent: AgentFact) => facts.identityByAgent.get(agent.id)?.longestLifetimeSeconds ?? agent.credentialMaxLifetimeSeconds;
    const observed = agents.filter((agent) => facts.identityByAgent.has(agent.id));
    const tooLong = agents.filter((agent) => {
      const lifetime = lifetimeOf(agent);
      return lifetime === null || lifetime > limit;
    });
    const unknownLifetime = tooLong.filter((agent) => lifetimeOf(agent) === null);
    return {
      // Nothing observed and nothing declared is no evidence: unknown, never fail.
      status: agents.length > 0 && unknownLifetime.length === agents.length ? "unknown" : ratioStatus(agents.length - tooLong.length, agents.length),
      summary: `${agents.length - tooLong.length} of ${agents.length} agents use credentials living at most ${limit} s (${observed.length} judged by the task tokens Steward issued them in the period).`,
      measures: { agents: agents.length, compliant: agents.length - tooLong.length, maxLifetimeSeconds: limit, lifetimeUnknown: unknownLifetime.length, observedFromTaskTokens: observed.length },
      failingAgents: failing(tooLong, (agent) => {
        const seen = facts.identityByAgent.get(agent.id);
        if (seen) return `task tokens issued living up to ${seen.longestLifetimeSeconds} s`;
        return agent.credentialMaxLifetimeSeconds === null ? "credential lifetime not recorded" : `credentials live ${agent.credentialMaxLifetimeSeconds} s`;
      }),
    };
  },
  delegation_depth(facts) {
    const totals = decisionTotals(facts);
    const cap = facts.settings.maxDelegationDepth;
    // Delegated task tokens are evidence too: a token at depth d was issued to a chain of d + 1 agents.
    const tokens = [...facts.identityByAgent.values()];
    const delegatedTokens = tokens.reduce((sum, agent) => sum + agent.delegatedTokens, 0);
    const tokenChain = Math.max(0, ...tokens.filter((agent) => agent.delegatedTokens > 0).map((agent) => agent.maxDelegationDepth + 1));
    const overCapHolders = new Set(tokens.filter((agent) => agent.maxDelegationDepth + 1 > cap).map((agent) => agent.agentId));
    const deepest = Math.max(totals.maxDepth, tokenChain);
    // The cap is only tested by delegation chains: no chain in the period is no evidence.
    const evidence = totals.delegated + delegatedTokens;
    const status = evidence === 0 ? "unknown" : zeroToleranceStatus(totals.overDepthCap + overCapHolders.size, evidence);
    const names = new Map(facts.agents.map((agent) => [agent.id, agent.name]));
    const byDecisions = agentsWhere(facts, (fact) => fact.overDepthCap > 0, (fact) => `${fact.overDepthCap} decisions deeper than ${cap} (max ${fact.maxDepth})`);
    const byTokens = tokens
      .filter((agent) => overCapHolders.has(agent.agentId) && !byDecisions.some((item) => item.agentId === agent.agentId))
      .map((agent) => ({ agentId: agent.agentId, agentName: names.get(agent.agentId) ?? agent.agentId, detail: `held a task token delegated through ${agent.maxDelegationDepth + 1} agents (cap ${cap})` }));
    return {
      status,
      summary:
        evidence === 0
          ? `Not measurable: no decision in the period was made through a delegation chain and no delegated task token was issued (${totals.total} decisions; cap ${cap}).`
          : `Deepest delegation chain observed: ${deepest} agents (cap ${cap}); ${totals.overDepthCap} of ${totals.delegated} delegated decisions exceeded the cap; ${delegatedTokens} delegated task tokens issued, ${overCapHolders.size} agents held one beyond the cap.`,
      measures: { decisions: totals.total, delegatedDecisions: totals.delegated, observedMaxDepth: deepest, cap, decisionsOverCap: totals.overDepthCap, delegatedTaskTokens: delegatedTokens, agentsWithTokensOverCap: overCapHolders.size },
      failingAgents: [...byDecisions, ...byTokens],
    };
  },
  destructive_approval(facts) {
    const totals = decisionTotals(facts);
    return {
      status: zeroToleranceStatus(totals.destructive - totals.destructiveGated, totals.destructive),
      summary: `${totals.destructiveGated} of ${totals.destructive} destructive-action decisions required approval or were denied (${percent(totals.destructiveGated, totals.destructive)}).`,
      measures: { destructiveDecisions: totals.destructive, gated: totals.destructiveGated, allowedWithoutApproval: totals.destructive - totals.destructiveGated },
      failingAgents: agentsWhere(facts, (fact) => fact.destructive > fact.destructiveGated, (fact) => `${fact.destructive - fact.destructiveGated} destructive actions allowed without approval`),
    };
  },
  out_of_scope_denied(facts) {
    const totals = decisionTotals(facts);
    const status = zeroToleranceStatus(totals.outOfScope - totals.outOfScopeBlocked, totals.total);
    return {
      status,
      summary: `${totals.outOfScope} of ${totals.total} tool calls were outside the agent's declared scope (${percent(totals.outOfScope, totals.total)}); ${totals.outOfScopeBlocked} of them were denied or held for approval (${percent(totals.outOfScopeBlocked, totals.outOfScope)}).`,
      measures: {
        decisions: totals.total,
        outOfScope: totals.outOfScope,
        outOfScopeRate: totals.total ? totals.outOfScope / totals.total : null,
        outOfScopeBlocked: totals.outOfScopeBlocked,
        blockedRate: totals.outOfScope ? totals.outOfScopeBlocked / totals.outOfScope : null,
      },
      failingAgents: agentsWhere(facts, (fact) => fact.outOfScope > fact.outOfScopeBlocked, (fact) => `${fact.outOfScope - fact.outOfScopeBlocked} out-of-scope calls allowed`),
    };
  },
  retired_agents_silent(facts) {
    // Judged at the time: an allowed decision counts only when the agent was retired or suspended when
    // the decision was recorded (agents retired later keep their earlier calls).
    const totals = decisionTotals(facts);
    const acting = agentsWhere(facts, (fact) => fact.allowedWhileOffboarded > 0, (fact) => `${fact.allowedWhileOffboarded} calls allowed while retired or suspended`);
    return {
      status: zeroToleranceStatus(acting.length, totals.total),
      summary: `${acting.length} agents received allow decisions while retired or suspended (${totals.allowedWhileOffboarded} decisions of ${totals.total} in the period).`,
      measures: { decisions: totals.total, agentsAllowedWhileOffboarded: acting.length, decisionsAllowedWhileOffboarded: totals.allowedWhileOffboarded },
      failingAgents: acting,
    };
  },
  decision_retention(facts) {
    const kept = facts.settings.decisionRetentionDays;
    const required = facts.settings.requiredDecisionRetentionDays;
    const oldestAgeDays = facts.oldestDecisionAt ? Math.floor((facts.collectedAt.getTime() - facts.oldestDecisionAt.getTime()) / 86_400_000) : null;
    return {
      status: kept >= required ? "pass" : "fail",
      summary: `Decisions are kept ${kept} days (required ${required}); the oldest stored decision is ${oldestAgeDays ?? "—"} days old.`,
      measures: { retentionDays: kept, requiredDays: required, oldestDecisionAgeDays: oldestAgeDays },
      failingAgents: [],
    };
  },
  audit_chain_intact(facts) {
    const chain = facts.auditChain;
    return {
      status: chain.intact ? "pass" : "fail",
      summary: chain.intact ? `All ${chain.checked} audit entries verify.` : `The audit chain breaks at entry ${chain.brokenAt.id} (${chain.brokenAt.reason}).`,
      measures: { entriesChecked: chain.checked, brokenAt: chain.intact ? null : chain.brokenAt.id },
      failingAgents: [],
    };
  },
  policies_tested(facts): Outcome {
    const published = facts.publishedPolicies;
    if (!published) {
      return { status: "unknown", summary: "Not measurable: no policy published yet.", measures: { publishedRevision: null }, failingAgents: [] };
    }
    // Publishing refuses a set whose tests fail, so every test in a published version passed at publish time.
    const named = new Set(published.tests.flatMap((test) => test.expectedPolicies ?? []));
    const untested = published.policyIds.filter((id) => !named.has(id));
    const total = published.policyIds.length;
    const status: ControlStatus = total === 0 ? "unknown" : published.tests.length === 0 ? "fail" : untested.length === 0 ? "pass" : "partial";
    const shownUntested = untested.slice(0, 10).join(", ") + (untested.length > 10 ? ", …" : "");
    return {
      status,
      summary:
        total === 0
          ? `Revision ${published.revision} publishes no policies.`
          : `Revision ${published.revision} (published ${day(published.publishedAt)}) carries ${published.tests.length} test${published.tests.length === 1 ? "" : "s"}, all passing at publish; ${total - untested.length} of ${total} policies are named by a test's expected determining policies${untested.length ? ` (untested: ${shownUntested})` : ""}.`,
      measures: {
        publishedRevision: published.revision,
        publishedAt: published.publishedAt.toISOString(),
        policies: total,
        tests: published.tests.length,
        policiesNamedByTests: total - untested.length,
        untestedPolicies: untested.length ? shownUntested : null,
      },
      failingAgents: [],
    };
  },
  ownership_attested(facts) {
    const interval = facts.settings.attestationIntervalDays;
    const since = facts.collectedAt.getTime() - interval * DAY_MS;
    // Owned, live agents: the ones attestation campaigns ask about (unowned agents fail the owner control instead).
    const owned = facts.agents.filter((agent) => agent.ownerId !== null && (agent.status === "active" || agent.status === "suspended"));
    const lapse = (agent: AgentFact): "never" | "lapsed" | "campaign" | null =>
      !agent.lastAttestedAt ? "never" : agent.lastAttestedAt.getTime() < since ? "lapsed" : agent.overdueCampaign ? "campaign" : null;
    const bad = owned.filter((agent) => lapse(agent) !== null);
    const count = (kind: "never" | "lapsed" | "campaign") => bad.filter((agent) => lapse(agent) === kind).length;
    const detail = (agent: AgentFact) => {
      const attestedAt = agent.lastAttestedAt;
      if (!attestedAt) return "never attested";
      if (attestedAt.getTime() < since) return `last attested ${day(attestedAt)} (${Math.floor((facts.collectedAt.getTime() - attestedAt.getTime()) / DAY_MS)} days ago)`;
      return `campaign "${agent.overdueCampaign!.name}" was due ${day(agent.overdueCampaign!.dueAt)} and is unanswered`;
    };
    return {
      status: ratioStatus(owned.length - bad.length, owned.length),
      summary: `${owned.length - bad.length} of ${owned.length} owned agents were attested within the last ${interval} days (${count("never")} never attested, ${count("lapsed")} lapsed, ${count("campaign")} with an overdue campaign request).`,
      measures: {
        ownedAgents: owned.length,
        attestedWithinInterval: owned.length - bad.length,
        neverAttested: count("never"),
        lapsed: count("lapsed"),
        overdueCampaignRequests: count("campaign"),
        attestationIntervalDays: interval,
      },
      failingAgents: failing(bad, detail),
    };
  },
  enforcement_errors(facts) {
    const totals = decisionTotals(facts);
    const status = totals.total === 0 ? "unknown" : totals.errors / totals.total < 0.01 ? "pass" : totals.errors / totals.total < 0.05 ? "partial" : "fail";
    return {
      status,
      summary: `${totals.errors} of ${totals.total} decisions ended in error (${percent(totals.errors, totals.total)}).`,
      measures: { decisions: totals.total, errors: totals.errors, errorRate: totals.total ? totals.errors / totals.total : null },
      failingAgents: agentsWhere(facts, (fact) => fact.total > 0 && fact.errors / fact.total >= 0.01, (fact) => `${fact.errors} of ${fact.total} decisions errored`),
    };
  },
  environment_isolation(facts) {
    const totals = decisionTotals(facts);
    // Judgeable only where both the agent and the enforcement point had an environment.
    const seen = [...facts.decisionsByAgent.values()].filter((fact) => fact.environmentKnown > 0).length;
    const crossing = agentsWhere(facts, (fact) => fact.crossEnvironment > 0, (fact) => `${fact.crossEnvironment} decisions from another environment's enforcement point`);
    return {
      status: zeroToleranceStatus(totals.crossEnvironment, totals.environmentKnown),
      summary:
        totals.environmentKnown === 0
          ? `Not measurable: none of the period's ${totals.total} decisions came from an agent and an enforcement point that both have an environment.`
          : `${crossing.length} of ${seen} agents with a known environment acted through an enforcement point of another environment (${totals.crossEnvironment} of ${totals.environmentKnown} judgeable decisions).`,
      measures: { agentsSeen: seen, agentsCrossingEnvironments: crossing.length, crossEnvironmentDecisions: totals.crossEnvironment, decisionsWithKnownEnvironments: totals.environmentKnown },
      failingAgents: crossing,
    };
  },
  unique_identity(facts) {
    const totals = decisionTotals(facts);
    // Task tokens are issued only to a verified workload identity (JWT-SVID or client assertion) of one agent.
    const tokenHolders = [...facts.identityByAgent.values()].filter((agent) => agent.taskTokens > 0).length;
    return {
      // No workload identity presented is no evidence that identities are unique.
      status: zeroToleranceStatus(facts.sharedIdentities.length, totals.withIdentity + tokenHolders),
      summary:
        totals.withIdentity + tokenHolders === 0
          ? `Not measurable: none of the period's ${totals.total} decisions presented a workload identity (client id or SPIFFE id) and no task token was issued.`
          : `${facts.sharedIdentities.length} workload identities appeared for more than one agent in the period (${totals.withIdentity} decisions presented one; ${tokenHolders} agents were issued task tokens for their verified identity).`,
      measures: { decisionsWithIdentity: totals.withIdentity, agentsWithTaskTokens: tokenHolders, sharedIdentities: facts.sharedIdentities.length, examples: facts.sharedIdentities.slice(0, 5).map((s) => `${s.identity} (${s.agents} agents)`).join(", ") || null },
      failingAgents: [],
    };
  },
};

/** The rule and the data each automated control needs, as printed in reports (docs/frameworks.md). */
const METHOD: Record<EvidenceQuery, { rule: string; dataRequired: string }> = {
  owner_and_backup: { rule: RATIO_RULE, dataRequired: "agents in scope that are not retired" },
  inventory_triaged: { rule: RATIO_RULE, dataRequired: "agents in scope" },
  enforcement_coverage: { rule: `${RATIO_RULE}; partial when decisions came from an unknown or disabled enforcement point`, dataRequired: "active agents in scope" },
  no_static_secrets: { rule: "fail when more than 20 % of agents hold a static secret, partial when some do or some credential kinds are unrecorded, pass otherwise", dataRequired: "agents with a recorded credential kind (all unrecorded → unknown)" },
  short_lived_credentials: { rule: `${RATIO_RULE}; an agent issued task tokens in the period is judged by the longest-lived one, others by their declared credential lifetime`, dataRequired: "agents in scope that are not retired, with task tokens issued or a declared credential lifetime" },
  delegation_depth: { rule: ZERO_TOLERANCE_RULE, dataRequired: "decisions made through a delegation chain, or delegated task tokens issued" },
  destructive_approval: { rule: ZERO_TOLERANCE_RULE, dataRequired: "destructive-action decisions (judged at ingest)" },
  out_of_scope_denied: { rule: ZERO_TOLERANCE_RULE, dataRequired: "decisions in the period (declared scope judged at ingest)" },
  retired_agents_silent: { rule: ZERO_TOLERANCE_RULE, dataRequired: "decisions in the period (agent status judged at ingest)" },
  decision_retention: { rule: "pass when the retention setting reaches the required retention, fail otherwise", dataRequired: "the settings snapshot" },
  audit_chain_intact: { rule: "pass when every audit entry verifies, fail on the first break", dataRequired: "the audit trail" },
  policies_tested: { rule: "pass when every published policy is named by a test, partial when some are, fail without tests", dataRequired: "a published policy version" },
  ownership_attested: { rule: RATIO_RULE, dataRequired: "owned agents that are active or suspended" },
  enforcement_errors: { rule: "pass below 1 % errors, partial below 5 %, fail from 5 %", dataRequired: "decisions in the period" },
  environment_isolation: { rule: ZERO_TOLERANCE_RULE, dataRequired: "decisions whose agent and enforcement point both had an environment" },
  unique_identity: { rule: ZERO_TOLERANCE_RULE, dataRequired: "decisions that presented a workload identity, or task tokens issued for one" },
};
const MANUAL_METHOD = {
  rule: "pass while reviewed evidence (attested by one person, reviewed by another) is valid at the end of the period; fail when it expired; unknown without reviewed evidence (evidence awaiting review counts for nothing)",
  dataRequired: "a reviewed attestation covering the period",
};

/** "1 hour", "1 day", "365 days", "90 seconds": the largest whole unit. */
export function describeSeconds(seconds: number): string {
  const units: [number, string][] = [[86_400, "day"], [3_600, "hour"], [60, "minute"], [1, "second"]];
  const [size, name] = units.find(([size]) => seconds >= size && seconds % size === 0) ?? [1, "second"];
  const count = seconds / size;
  return `${count} ${name}${count === 1 ? "" : "s"}`;
}

/**
 * A control's title with the thresholds of the settings it was evaluated with, so a report never states
 * a stricter rule than the one checked (a one-year lifetime does not read "at most one hour").
 */
export function controlTitle(control: Pick<ControlRow, "title" | "evidenceQuery">, settings: EvidenceFacts["settings"]): string {
  switch (control.evidenceQuery as EvidenceQuery | null) {
    case "short_lived_credentials":
      return `Agent credentials live at most ${describeSeconds(settings.maxCredentialLifetimeSeconds)}`;
    case "delegation_depth":
      return `Delegation depth is capped at ${settings.maxDelegationDepth} acting agents`;
    case "decision_retention":
      return `Decisions are retained at least ${settings.requiredDecisionRetentionDays} days`;
    case "ownership_attested":
      return `Owners attested their agents within ${settings.attestationIntervalDays} days`;
    default:
      return control.title;
  }
}

/**
 * Manual evidence counts only for a period it covers: attested by the period's end and still valid
 * then. Validity is the named expiry, capped at `manualEvidenceMaxValidityDays` after attestation
 * (an expiry in 2099 counts for a year by default).
 */
export function manualEvidenceValidUntil(row: { attestedAt: Date; expiresAt: Date }, maxValidityDays: number): Date {
  return new Date(Math.min(row.expiresAt.getTime(), row.attestedAt.getTime() + maxValidityDays * DAY_MS));
}

function manualOutcome(control: ControlRow, facts: EvidenceFacts): Outcome {
  const periodEnd = facts.period.end.getTime();
  const maxDays = facts.settings.manualEvidenceMaxValidityDays;
  const attested = facts.manualEvidence.filter((row) => row.controlId === control.id && row.attestedAt.getTime() <= periodEnd);
  // Four eyes: evidence nobody else has reviewed counts for nothing.
  const evidence = attested.filter((row) => row.reviewStatus === "reviewed");
  const awaitingReview = attested.length - evidence.length;
  const current = evidence.find((row) => manualEvidenceValidUntil(row, maxDays).getTime() >= periodEnd);
  if (current) {
    const validUntil = manualEvidenceValidUntil(current, maxDays);
    return {
      status: "pass",
      summary: `Attested by ${current.attestedBy} on ${current.attestedAt.toISOString().slice(0, 10)}, reviewed by ${current.reviewedBy}${current.reviewedAt ? ` on ${current.reviewedAt.toISOString().slice(0, 10)}` : ""}, valid until ${validUntil.toISOString().slice(0, 10)}: ${current.attestation}`,
      measures: {
        evidence: current.kind === "link" ? (current.url ?? "") : (current.fileName ?? ""),
        evidenceId: current.id,
        fileSha256: current.fileSha256,
        attestedBy: current.attestedBy,
        reviewedBy: current.reviewedBy,
        expiresAt: validUntil.toISOString(),
      },
      failingAgents: [],
    };
  }
  if (evidence.length) {
    return {
      status: "fail",
      summary: `Manual evidence expired on ${manualEvidenceValidUntil(evidence[0]!, maxDays).toISOString().slice(0, 10)}, before the period ended; attest it again.`,
      measures: { expiredEvidence: evidence.length },
      failingAgents: [],
    };
  }
  return {
    status: "unknown",
    summary: awaitingReview
      ? `Manual control: ${awaitingReview} attestation${awaitingReview === 1 ? "" : "s"} awaiting review by a second person; unreviewed evidence does not count.`
      : "Manual control: no evidence attested by the end of the period.",
    measures: { evidence: 0, awaitingReview },
    failingAgents: [],
  };
}

export function evaluateControl(control: ControlRow, facts: EvidenceFacts): ControlResult {
  const evaluator = control.evidenceQuery ? EVALUATORS[control.evidenceQuery as EvidenceQuery] : undefined;
  const outcome =
    control.evidenceKind === "manual" || !evaluator
      ? manualOutcome(control, facts)
      : evaluator(facts);
  const method = control.evidenceKind === "manual" || !evaluator ? MANUAL_METHOD : METHOD[control.evidenceQuery as EvidenceQuery];
  return {
    controlId: control.id,
    title: controlTitle(control, facts.settings),
    evidenceKind: control.evidenceKind,
    ...outcome,
    ...method,
    failingAgentCount: outcome.failingAgents.length,
    failingAgents: outcome.failingAgents.slice(0, MAX_LISTED_AGENTS),
    period: { start: facts.period.start.toISOString(), end: facts.period.end.toISOString() },
    collectedAt: facts.collectedAt.toISOString(),
  };
}
