/**
 * Steward's shipped control library and its default mapping to every shipped catalog.
 * Each mapping carries the reason it holds; engineers can change mappings in the console,
 * and a removed default is remembered so a restart does not bring it back.
 */
export type EvidenceQuery =
  | "owner_and_backup"
  | "inventory_triaged"
  | "enforcement_coverage"
  | "no_static_secrets"
  | "short_lived_credentials"
  | "delegation_depth"
  | "destructive_approval"
  | "out_of_scope_denied"
  | "retired_agents_silent"
  | "decision_retention"
  | "audit_chain_intact"
  | "policies_tested"
  | "ownership_attested"
  | "enforcement_errors"
  | "environment_isolation"
  | "unique_identity";

type MappingSpec = Record<string, string[]>; // frameworkId → item ids

export type LibraryControl = {
  id: string;
  title: string;
  description: string;
  evidenceQuery: EvidenceQuery | null;
  /** Why this control bears on the items it maps to. */
  rationale: string;
  maps: MappingSpec;
};

const ASI = "owasp-agentic-top10-2026";
const TM = "owasp-agentic-threats-mitigations";
const NHI = "owasp-nhi-top10-2025";
const MAESTRO = "csa-maestro";
const RMF = "nist-ai-rmf-1.0";
const ZTA = "nist-sp-800-207";
const CSF = "nist-csf-2.0";

export const CONTROL_LIBRARY: readonly LibraryControl[] = [
  {
    id: "ctl-owner-backup",
    title: "Every agent has an active owner and a backup owner",
    description: "Each agent that is not retired names an active accountable owner and a different active backup owner.",
    evidenceQuery: "owner_and_backup",
    rationale: "An unowned agent is an orphaned identity nobody offboards, reviews or answers for.",
    maps: {
      [NHI]: ["NHI1:2025", "NHI10:2025"],
      [ASI]: ["ASI10"],
      [TM]: ["T13"],
      [MAESTRO]: ["L6", "L7-T01"],
      [RMF]: ["GOVERN 2.1", "GOVERN 2.3", "GOVERN 1.6", "GOVERN 3.2"],
      [ZTA]: ["IDM"],
      [CSF]: ["GV.RR", "ID.AM"],
    },
  },
  {
    id: "ctl-inventory-triaged",
    title: "No discovered agent stays untriaged",
    description: "Agents first seen in decisions (status discovered) are registered, owned or retired.",
    evidenceQuery: "inventory_triaged",
    rationale: "Shadow agents seen only at runtime are exactly the assets an inventory must account for.",
    maps: {
      [NHI]: ["NHI1:2025", "NHI3:2025"],
      [ASI]: ["ASI10", "ASI04"],
      [TM]: ["T13"],
      [MAESTRO]: ["L7-T10", "L7-T11", "L7-T13"],
      [RMF]: ["GOVERN 1.6", "MAP 4.1", "MEASURE 3.1"],
      [ZTA]: ["ZT-TENET-1", "ZT-TENET-5", "CDM"],
      [CSF]: ["ID.AM", "DE.CM"],
    },
  },
  {
    id: "ctl-enforcement-coverage",
    title: "Every tool call passes an enforcement point that reports to Steward",
    description: "Every active agent's tool calls in the period were decided by an enabled enforcement point that reported the decision.",
    evidenceQuery: "enforcement_coverage",
    rationale: "Runtime authorization and its record exist only where calls pass a reporting enforcement point.",
    maps: {
      [ASI]: ["ASI02", "ASI05", "ASI10"],
      [TM]: ["T2", "T8", "T11"],
      [NHI]: ["NHI5:2025"],
      [MAESTRO]: ["L5", "L5-T04", "L7-T04", "L3-T06"],
      [RMF]: ["MEASURE 2.4", "MANAGE 4.1", "GOVERN 1.5"],
      [ZTA]: ["PEP", "PDP", "ZT-TENET-4", "ZT-TENET-6", "LOGS", "DP"],
      [CSF]: ["DE.CM", "PR.AA"],
    },
  },
  {
    id: "ctl-no-static-secrets",
    title: "No agent holds a static secret",
    description: "No agent authenticates with a static API key or a shared secret; each uses task tokens, SPIFFE or OAuth client credentials.",
    evidenceQuery: "no_static_secrets",
    rationale: "Static secrets leak, never expire by themselves and cannot be tied to one workload.",
    maps: {
      [NHI]: ["NHI2:2025", "NHI4:2025", "NHI6:2025", "NHI7:2025"],
      [ASI]: ["ASI03"],
      [TM]: ["T3", "T9"],
      [MAESTRO]: ["L7-T03"],
      [RMF]: ["MEASURE 2.7"],
      [ZTA]: ["PKI", "ZT-TENET-6", "ZT-THREAT-5.3"],
      [CSF]: ["PR.AA"],
    },
  },
  {
    id: "ctl-short-lived-credentials",
    title: "Agent credentials live at most one hour",
    description: "Every agent's credential lifetime is at or below the console's maximum credential lifetime (default 3600 s).",
    evidenceQuery: "short_lived_credentials",
    rationale: "Short-lived, per-task credentials shrink the window in which stolen or excess privilege can be used.",
    maps: {
      [NHI]: ["NHI7:2025", "NHI6:2025"],
      [ASI]: ["ASI03"],
      [TM]: ["T3"],
      [MAESTRO]: ["L7-T03", "XL-T03"],
      [ZTA]: ["ZT-TENET-3", "ZT-THREAT-5.3"],
      [CSF]: ["PR.AA"],
    },
  },
  {
    id: "ctl-delegation-depth",
    title: "Delegation depth is capped",
    description: "No decision in the period shows a delegation chain deeper than the console's maximum delegation depth.",
    evidenceQuery: "delegation_depth",
    rationale: "Long agent-to-agent delegation chains blur who acted and let privilege and faults cascade.",
    maps: {
      [ASI]: ["ASI03", "ASI07", "ASI08"],
      [TM]: ["T3", "T12", "T14", "T16"],
      [MAESTRO]: ["L7-T07", "XL-T03", "XL-T05"],
      [RMF]: ["MAP 4.2"],
      [ZTA]: ["ZT-TENET-3"],
      [CSF]: ["PR.AA"],
    },
  },
  {
    id: "ctl-destructive-approval",
    title: "Destructive actions need human approval",
    description: "Every decision on a destructive action (delete, drop, destroy, purge, wipe, terminate…) ended in approval_required or deny, never a direct allow.",
    evidenceQuery: "destructive_approval",
    rationale: "A human gate on irreversible actions limits what a hijacked or misaligned agent can do.",
    maps: {
      [ASI]: ["ASI01", "ASI02", "ASI09", "ASI10"],
      [TM]: ["T2", "T6", "T7", "T10"],
      [MAESTRO]: ["L7-T04", "L7-T05"],
      [RMF]: ["MAP 3.5", "GOVERN 3.2", "MEASURE 2.6", "MANAGE 2.4"],
      [ZTA]: ["PE", "TA"],
      [CSF]: ["RS.MI", "PR.PS"],
    },
  },
  {
    id: "ctl-out-of-scope-denied",
    title: "Calls outside an agent's declared scope are denied",
    description: "Tool calls for actions an agent did not declare were denied (or sent for approval); the rate of such calls is shown.",
    evidenceQuery: "out_of_scope_denied",
    rationale: "Denied out-of-scope calls are direct runtime evidence that tool misuse and privilege abuse are stopped.",
    maps: {
      [ASI]: ["ASI01", "ASI02", "ASI03", "ASI05", "ASI10"],
      [TM]: ["T2", "T6", "T11", "T13"],
      [NHI]: ["NHI5:2025"],
      [MAESTRO]: ["L7-T04", "L3-T06", "L7-T05", "XL-T03"],
      [RMF]: ["MEASURE 2.7", "MANAGE 1.3", "MEASURE 2.4"],
      [ZTA]: ["ZT-TENET-3", "ZT-TENET-4", "PE", "TA", "DAP"],
      [CSF]: ["PR.AA", "DE.AE"],
    },
  },
  {
    id: "ctl-retired-agents-silent",
    title: "Retired and suspended agents get no access",
    description: "No retired or suspended agent received an allow decision in the period.",
    evidenceQuery: "retired_agents_silent",
    rationale: "Access that outlives an agent's retirement is improper offboarding seen at runtime.",
    maps: {
      [NHI]: ["NHI1:2025"],
      [ASI]: ["ASI10"],
      [TM]: ["T13"],
      [MAESTRO]: ["L7-T01"],
      [RMF]: ["GOVERN 1.7", "MANAGE 2.4"],
      [ZTA]: ["ZT-TENET-6"],
      [CSF]: ["PR.AA"],
    },
  },
  {
    id: "ctl-decision-retention",
    title: "Decisions are retained long enough to investigate",
    description: "The decision retention setting keeps at least the required number of days (default 90) of decisions.",
    evidenceQuery: "decision_retention",
    rationale: "Without retained decisions, agent actions cannot be reconstructed, attributed or investigated.",
    maps: {
      [ASI]: ["ASI10"],
      [TM]: ["T8"],
      [MAESTRO]: ["L7-T09", "L5"],
      [RMF]: ["MEASURE 3.1", "MANAGE 4.3", "MEASURE 2.8"],
      [ZTA]: ["LOGS", "SIEM", "ZT-TENET-7"],
      [CSF]: ["DE.CM", "RS.AN"],
    },
  },
  {
    id: "ctl-audit-chain",
    title: "The console audit trail is intact",
    description: "Every change to inventory, policy, controls and mappings is in the hash-chained audit trail, and the chain verifies.",
    evidenceQuery: "audit_chain_intact",
    rationale: "A tamper-evident record of governance changes is the basis for accountability and non-repudiation.",
    maps: {
      [TM]: ["T8"],
      [MAESTRO]: ["L7-T09", "L5-T02", "L5-T06"],
      [RMF]: ["MEASURE 2.8", "GOVERN 1.5"],
      [ZTA]: ["ZT-THREAT-5.5", "ZT-THREAT-5.7"],
      [CSF]: ["GV.OV", "PR.DS"],
    },
  },
  {
    id: "ctl-policies-tested",
    title: "Policies are tested before they are published",
    description: "The published policy set carries tests, which passed at publish time, and every policy in it is named by a test's expected determining policies.",
    evidenceQuery: "policies_tested",
    rationale: "Untested policy is the commonest way a decision point is misconfigured into allowing too much.",
    maps: {
      [ASI]: ["ASI10"],
      [TM]: ["T7"],
      [MAESTRO]: ["L6", "L6-T04"],
      [RMF]: ["GOVERN 1.4", "MEASURE 2.7", "MEASURE 1.2"],
      [ZTA]: ["PA", "DAP", "ZT-THREAT-5.1"],
      [CSF]: ["GV.PO"],
    },
  },
  {
    id: "ctl-ownership-attested",
    title: "Owners attested their agents within the attestation interval",
    description: "Every owned agent's owner re-confirmed ownership, purpose and scope within the attestation interval (default 90 days), and no campaign request for it is past due.",
    evidenceQuery: "ownership_attested",
    rationale: "Periodic attestation catches agents whose owner, purpose or scope silently changed.",
    maps: {
      [NHI]: ["NHI1:2025"],
      [MAESTRO]: ["L6-T04"],
      [RMF]: ["GOVERN 1.5", "GOVERN 2.1"],
      [CSF]: ["GV.RR", "GV.OV", "ID.AM"],
    },
  },
  {
    id: "ctl-enforcement-errors",
    title: "Enforcement errors stay below one percent",
    description: "Fewer than 1% of decisions in the period ended in error, so the decision path fails rarely and visibly.",
    evidenceQuery: "enforcement_errors",
    rationale: "A decision path that errors often is either failing open or disrupting service; both are resilience risks.",
    maps: {
      [ASI]: ["ASI08"],
      [TM]: ["T4"],
      [MAESTRO]: ["L3-T05", "L4-T04"],
      [RMF]: ["MEASURE 2.6", "MANAGE 2.3"],
      [ZTA]: ["ZT-THREAT-5.2", "PEP"],
      [CSF]: ["PR.IR"],
    },
  },
  {
    id: "ctl-environment-isolation",
    title: "Agents act only in their own environment",
    description: "No agent's decisions came from an enforcement point of another environment (a prod agent seen in dev, or the reverse).",
    evidenceQuery: "environment_isolation",
    rationale: "An identity used across environments lets a weaker environment reach a stronger one.",
    maps: {
      [NHI]: ["NHI8:2025"],
      [ASI]: ["ASI03"],
      [MAESTRO]: ["L4-T06", "XL-T02"],
      [ZTA]: ["ZT-TENET-2"],
      [CSF]: ["PR.IR"],
    },
  },
  {
    id: "ctl-unique-identity",
    title: "Each workload identity belongs to exactly one agent",
    description: "No client id or SPIFFE id appeared in decisions for more than one agent in the period.",
    evidenceQuery: "unique_identity",
    rationale: "A shared identity makes actions unattributable and widens the blast radius of a leak.",
    maps: {
      [NHI]: ["NHI9:2025"],
      [ASI]: ["ASI03"],
      [TM]: ["T9"],
      [MAESTRO]: ["L7-T02"],
      [ZTA]: ["IDM"],
      [CSF]: ["PR.AA"],
    },
  },
  {
    id: "ctl-incident-response",
    title: "An agent incident runbook exists and was exercised",
    description: "A runbook covers suspending an agent, revoking its credentials and notifying stakeholders, and was exercised in the last year.",
    evidenceQuery: null,
    rationale: "Responding to an agent incident needs a practised procedure, which only a person can attest.",
    maps: {
      [ASI]: ["ASI08"],
      [TM]: ["T5"],
      [MAESTRO]: ["L6"],
      [RMF]: ["MANAGE 4.3", "MANAGE 2.3", "GOVERN 4.3", "MANAGE 1.3"],
      [CSF]: ["RS.MA", "RS.AN", "RS.CO", "RS.MI", "RC.RP", "RC.CO"],
    },
  },
  {
    id: "ctl-supply-chain-review",
    title: "Models, tools and agent dependencies are reviewed before use",
    description: "Each model, MCP server, plugin and third-party agent is reviewed and approved before agents may use it.",
    evidenceQuery: null,
    rationale: "Supply-chain compromise enters through components nobody vetted; the review record is manual evidence.",
    maps: {
      [ASI]: ["ASI04"],
      [TM]: ["T17"],
      [NHI]: ["NHI3:2025"],
      [MAESTRO]: ["L1-T03", "L1-T05", "L3-T01", "L3-T02", "L3-T04", "L4-T01", "L4-T03", "L7-T06", "L7-T13", "XL-T01"],
      [RMF]: ["GOVERN 6.1", "GOVERN 6.2", "MAP 4.1", "MANAGE 3.1", "MANAGE 3.2"],
      [ZTA]: ["ZT-THREAT-5.6"],
      [CSF]: ["GV.SC", "PR.PS"],
    },
  },
  {
    id: "ctl-adversarial-testing",
    title: "Agents are red-teamed for injection and goal hijack before release",
    description: "Each agent release is tested against prompt injection, goal hijack, memory poisoning and deceptive behaviour.",
    evidenceQuery: null,
    rationale: "Manipulation of an agent's goals and context is tested, not observed; the test report is the evidence.",
    maps: {
      [ASI]: ["ASI01", "ASI06", "ASI09"],
      [TM]: ["T1", "T5", "T6", "T7", "T15"],
      [MAESTRO]: ["L1", "L1-T01", "L1-T02", "L1-T04", "L1-T06", "L2-T05", "L3-T03", "L5-T01", "L6-T01", "L6-T02", "L6-T03", "L6-T07"],
      [RMF]: ["MEASURE 1.3", "MEASURE 2.1", "MEASURE 2.3", "MEASURE 2.5", "MEASURE 2.7", "MAP 2.3"],
      [CSF]: ["ID.RA"],
    },
  },
  {
    id: "ctl-memory-integrity",
    title: "Agent memory and retrieval sources are integrity-protected",
    description: "Long-term memory and retrieval stores have write controls, provenance and periodic review for poisoning.",
    evidenceQuery: null,
    rationale: "Poisoned memory or context changes later decisions; protection is a design fact a person attests.",
    maps: {
      [ASI]: ["ASI06"],
      [TM]: ["T1", "T12"],
      [MAESTRO]: ["L2", "L2-T01", "L2-T02", "L2-T04", "L2-T05", "L5-T05", "XL-T04"],
      [RMF]: ["MEASURE 2.10"],
      [CSF]: ["PR.DS"],
    },
  },
  {
    id: "ctl-ai-risk-policy",
    title: "An approved AI risk policy governs agent use",
    description: "A current, approved policy sets the purpose, risk tolerance, oversight roles, training and review cycle for agents.",
    evidenceQuery: null,
    rationale: "Governance outcomes are organisational commitments; the approved policy document is their evidence.",
    maps: {
      [MAESTRO]: ["L6-T04", "L6-T05", "L6-T06"],
      [RMF]: [
        "GOVERN 1.1", "GOVERN 1.2", "GOVERN 1.3", "GOVERN 1.4", "GOVERN 2.2", "GOVERN 2.3", "GOVERN 3.1", "GOVERN 4.1", "GOVERN 4.2",
        "GOVERN 5.1", "GOVERN 5.2", "MAP 1.1", "MAP 1.2", "MAP 1.3", "MAP 1.4", "MAP 1.5", "MAP 1.6", "MAP 2.1", "MAP 2.2", "MAP 3.1",
        "MAP 3.2", "MAP 3.3", "MAP 3.4", "MAP 5.1", "MAP 5.2", "MEASURE 1.1", "MEASURE 2.2", "MEASURE 2.9", "MEASURE 2.11",
        "MEASURE 2.12", "MEASURE 2.13", "MEASURE 3.2", "MEASURE 3.3", "MEASURE 4.1", "MEASURE 4.2", "MEASURE 4.3", "MANAGE 1.1",
        "MANAGE 1.2", "MANAGE 1.4", "MANAGE 2.1", "MANAGE 2.2", "MANAGE 4.2",
      ],
      [ZTA]: ["ICS"],
      [CSF]: ["GV.OC", "GV.RM", "GV.PO", "PR.AT", "ID.IM", "ID.RA"],
    },
  },
  {
    id: "ctl-authenticated-channels",
    title: "Agent traffic is mutually authenticated and encrypted",
    description: "Agent-to-tool and agent-to-agent channels use mutual TLS or signed messages, across every network segment.",
    evidenceQuery: null,
    rationale: "Inter-agent spoofing and tampering are prevented by channel design, attested from configuration.",
    maps: {
      [ASI]: ["ASI07"],
      [TM]: ["T9", "T12", "T16"],
      [MAESTRO]: ["L7-T02", "L7-T07"],
      [ZTA]: ["ZT-TENET-2", "CP", "DP", "ZT-THREAT-5.4"],
      [CSF]: ["PR.DS"],
    },
  },
  {
    id: "ctl-rate-limits",
    title: "Agents have rate and spend limits",
    description: "Each agent has per-minute call and per-day spend limits enforced outside the agent.",
    evidenceQuery: null,
    rationale: "Resource exhaustion and runaway loops are contained by limits the agent cannot change.",
    maps: {
      [ASI]: ["ASI08"],
      [TM]: ["T4", "T10"],
      [MAESTRO]: ["L1-T07", "L2-T03", "L3-T05", "L4-T04", "L4-T05", "L5-T03", "L7-T12"],
      [ZTA]: ["ZT-THREAT-5.2"],
      [CSF]: ["PR.IR"],
    },
  },
  {
    id: "ctl-sandboxed-execution",
    title: "Code-executing agents run in sandboxes",
    description: "Agents that generate or run code do so in isolated sandboxes without standing credentials or network reach.",
    evidenceQuery: null,
    rationale: "Sandboxing contains unexpected code execution; the isolation design is attested manually.",
    maps: {
      [ASI]: ["ASI05"],
      [TM]: ["T11"],
      [MAESTRO]: ["L4", "L4-T02", "L4-T05", "L4-T06"],
      [ZTA]: ["DEP-4"],
      [CSF]: ["PR.PS"],
    },
  },
];
