/**
 * Steward's shipped control library and its default mapping to every shipped catalog.
 *
 * Every default pair (control → framework item) carries its own one-line rationale: why this
 * control's evidence bears on this item. A pair is kept only when the control's evidence, as the
 * control's description states it, demonstrates (part of) the item's outcome or mitigates the
 * item's threat; a pair that only shares a theme is left out (see docs/frameworks.md, "How the
 * default mappings were made"). Engineers can change mappings in the console; a removed default
 * is remembered so a restart does not bring it back.
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

/** frameworkId → item id → rationale (one line: why the control evidences the item). */
type MappingSpec = Record<string, Record<string, string>>;

export type LibraryControl = {
  id: string;
  title: string;
  description: string;
  evidenceQuery: EvidenceQuery | null;
  /** The default mapping: framework → item → why this control evidences that item. */
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
    maps: {
      [NHI]: { "NHI1:2025": "An agent with an active accountable owner has someone to offboard it; ownerless identities are the ones left behind." },
      [ASI]: { ASI10: "ASI10's mitigations start from knowing who answers for each agent; an ownerless agent can drift or be subverted unnoticed." },
      [TM]: { T13: "Each agent in a multi-agent system has a named person to notice and stop it when it goes rogue." },
      [RMF]: {
        "GOVERN 2.1": "A named owner and backup per agent document who is responsible for it and whom to contact.",
        "GOVERN 1.6": "The inventory records an accountable owner per agent, the contact an AI system inventory needs.",
      },
      [CSF]: {
        "GV.RR-02": "Responsibility for every agent is assigned to a named, active person and a backup.",
        "ID.AM-08": "An active owner is who manages the agent through its life cycle up to its retirement.",
      },
    },
  },
  {
    id: "ctl-inventory-triaged",
    title: "No discovered agent stays untriaged",
    description: "Agents first seen in decisions (status discovered) are registered, owned or retired.",
    evidenceQuery: "inventory_triaged",
    maps: {
      [NHI]: { "NHI1:2025": "An agent seen only at runtime and never triaged is an identity nobody will offboard." },
      [ASI]: { ASI10: "An agent acting without being registered is a candidate rogue agent; triage puts each in front of a person." },
      [TM]: { T13: "Unregistered agents seen in decisions are surfaced and resolved instead of acting unnoticed." },
      [MAESTRO]: { "L7-T11": "An agent that appears in the ecosystem is registered, owned or retired, not silently trusted." },
      [RMF]: { "GOVERN 1.6": "Agents discovered at runtime are brought into the inventory, so it misses none that act." },
      [ZTA]: {
        "ZT-TENET-5": "Monitoring every asset's posture presupposes an inventory without unknown agents.",
        CDM: "The triaged agent inventory is the asset-state input the policy engine reads about agents.",
      },
      [CSF]: { "ID.AM-02": "The inventory of agents (software and services) includes every agent seen acting." },
    },
  },
  {
    id: "ctl-enforcement-coverage",
    title: "Every tool call passes an enforcement point that reports to Steward",
    description: "Every active agent's tool calls in the period were decided by an enabled enforcement point that reported the decision.",
    evidenceQuery: "enforcement_coverage",
    maps: {
      [ASI]: {
        ASI02: "Tool calls can be authorised, limited and recorded only where they pass an enforcement point.",
        ASI10: "A rogue agent's calls are seen and stoppable only when every call passes an enforcement point.",
      },
      [TM]: {
        T2: "Tool misuse is prevented and detected only at enforcement points every call passes.",
        T8: "Every call leaves a decision record tied to the agent, so actions are not untraceable.",
      },
      [MAESTRO]: {
        "L5-T04": "Calls that bypass enforcement points evade detection; coverage shows every agent's calls were seen.",
        "L7-T04": "Tool misuse is stopped at an enforcement point only if the agent's calls pass one.",
        "L3-T06": "Evading in-framework guardrails leaves the external enforcement point, which covers every call.",
      },
      [RMF]: {
        "MEASURE 2.4": "Every production tool call of every agent is decided and recorded: behaviour monitored in production.",
        "MANAGE 4.1": "Reporting enforcement points on every agent's calls are post-deployment monitoring in operation.",
      },
      [ZTA]: {
        PEP: "Every agent's calls pass a policy enforcement point.",
        PDP: "Every call is decided by a policy decision point before it proceeds.",
        "ZT-TENET-4": "Access is decided per call by policy at the enforcement point, for every agent.",
        "ZT-TENET-6": "Authorisation is enforced before each call, with no path around the enforcement point.",
        LOGS: "Every decision is reported to Steward, the activity log the policy engine and auditors read.",
      },
      [CSF]: {
        "PR.AA-05": "Authorisations are enforced on every agent's calls, not only on some paths.",
        "PR.PS-04": "Each call produces a decision record made available for monitoring.",
        "DE.CM-09": "Agents' runtime tool use is monitored in full, so adverse calls can be found.",
      },
    },
  },
  {
    id: "ctl-no-static-secrets",
    title: "No agent holds a static secret",
    description: "No agent authenticates with a static API key or a shared secret; each uses task tokens, SPIFFE or OAuth client credentials.",
    evidenceQuery: "no_static_secrets",
    maps: {
      [NHI]: {
        "NHI2:2025": "Without static secrets there is no long-lived key to leak from code, configuration or logs.",
        "NHI4:2025": "Agents authenticate with task tokens, SPIFFE or OAuth client credentials instead of shared keys.",
        "NHI6:2025": "Hard-coded keys in deployment configuration, NHI6's main example, are absent.",
        "NHI7:2025": "No agent holds a secret that never expires by itself.",
      },
      [ASI]: { ASI03: "Credentials bound to one workload and task cannot be reused by another agent or person." },
      [TM]: { T9: "A copied static key cannot be used to impersonate the agent when none exist." },
      [MAESTRO]: { "L7-T03": "Attacks on an agent's identity through its stolen key have no static key to steal." },
      [ZTA]: {
        PKI: "Workload credentials (SPIFFE, signed tokens) rest on keys and certificates, not shared secrets.",
        "ZT-TENET-6": "Authentication uses short-lived, verifiable credentials rather than a static secret.",
        "ZT-THREAT-5.3": "A stolen static secret would give lasting access; agents hold none.",
      },
      [CSF]: {
        "PR.AA-01": "Agent credentials are issued and managed by the organisation, none are ad hoc static keys.",
        "PR.AA-03": "Agents authenticate with workload credentials that prove which workload calls.",
      },
    },
  },
  {
    id: "ctl-short-lived-credentials",
    title: "Agent credentials live at most one hour",
    description: "Every agent's credential lifetime is at or below the console's maximum credential lifetime (default 3600 s).",
    evidenceQuery: "short_lived_credentials",
    maps: {
      [NHI]: { "NHI7:2025": "Every agent's credential lifetime is at or below the set maximum: no long-lived secrets." },
      [ASI]: { ASI03: "A misused credential expires within the maximum lifetime, limiting privilege abuse." },
      [MAESTRO]: { "L7-T03": "A stolen agent credential is useful only until it expires." },
      [ZTA]: {
        "ZT-TENET-3": "Short-lived credentials approximate per-session access to resources.",
        "ZT-THREAT-5.3": "Stolen credentials lapse within the maximum lifetime.",
      },
      [CSF]: { "PR.AA-01": "Credential lifetimes are managed against a set maximum." },
    },
  },
  {
    id: "ctl-delegation-depth",
    title: "Delegation depth is capped",
    description: "No decision in the period shows a delegation chain deeper than the console's maximum delegation depth.",
    evidenceQuery: "delegation_depth",
    maps: {
      [ASI]: {
        ASI03: "Capped delegation chains limit how far privilege passes from agent to agent.",
        ASI08: "A capped chain limits how far a fault propagates through delegating agents.",
      },
      [TM]: { T14: "Attacks that exploit delegation between agents find the chain length capped." },
      [MAESTRO]: {
        "XL-T03": "Privilege escalation through long delegation chains is bounded by the cap.",
        "XL-T05": "Misaligned goals cascade through delegation only as deep as the cap allows.",
      },
      [CSF]: { "PR.AA-05": "Delegated authorisation is limited in depth, a least-privilege rule enforced per decision." },
    },
  },
  {
    id: "ctl-destructive-approval",
    title: "Destructive actions need human approval",
    description: "Every decision on a destructive action (delete, drop, destroy, purge, wipe, terminate…) ended in approval_required or deny, never a direct allow.",
    evidenceQuery: "destructive_approval",
    maps: {
      [ASI]: {
        ASI01: "A hijacked agent cannot carry out an irreversible action without a person approving it.",
        ASI02: "Misused tools cannot destroy data or resources without human approval.",
        ASI10: "A rogue agent's destructive calls stop at a human gate.",
      },
      [TM]: {
        T2: "Destructive tool calls are never allowed directly.",
        T6: "Manipulated intent cannot reach an irreversible action without a person approving it.",
        T7: "A misaligned agent's destructive actions are held for a person to decide.",
      },
      [MAESTRO]: {
        "L7-T04": "Destructive tool misuse is held for approval or denied.",
        "L7-T05": "Goal manipulation cannot end in a destructive action without approval.",
      },
      [RMF]: {
        "MAP 3.5": "Human oversight of destructive agent actions is defined and shown enforced in decisions.",
        "MANAGE 2.4": "A person can refuse (supersede) an agent's destructive action before it happens.",
      },
      [CSF]: { "PR.AA-05": "Authorisation for destructive actions is enforced with a second party (separation of duties)." },
    },
  },
  {
    id: "ctl-out-of-scope-denied",
    title: "Calls outside an agent's declared scope are denied",
    description: "Tool calls for actions an agent did not declare were denied (or sent for approval); the rate of such calls is shown.",
    evidenceQuery: "out_of_scope_denied",
    maps: {
      [ASI]: {
        ASI01: "A hijacked agent's calls outside its declared purpose are denied.",
        ASI02: "Tools the agent did not declare are denied, so they cannot be misused.",
        ASI03: "An agent cannot use privilege beyond its declared actions.",
        ASI10: "A rogue agent's calls outside its declared scope are denied.",
      },
      [TM]: {
        T2: "Undeclared tool calls are denied.",
        T3: "Privileges beyond the declared scope are not granted at runtime.",
        T6: "Manipulated goals that need undeclared actions are denied.",
        T13: "A rogue agent's out-of-scope calls are denied.",
      },
      [NHI]: { "NHI5:2025": "Even an over-privileged credential reaches only the agent's declared actions." },
      [MAESTRO]: {
        "L7-T04": "Tool misuse outside the declared scope is denied.",
        "L7-T05": "Goal manipulation that needs undeclared actions is denied.",
        "XL-T03": "Escalation to actions outside the declared scope is denied.",
      },
      [RMF]: { "MEASURE 2.4": "The rate of out-of-scope calls and their denial is production behaviour monitored." },
      [ZTA]: {
        "ZT-TENET-3": "Each call is granted only for the resources the agent declared.",
        "ZT-TENET-4": "Access is determined per call by policy including the agent's declared scope.",
        DAP: "The declared scope is the access policy applied to each call.",
      },
      [CSF]: { "PR.AA-05": "Least privilege: permissions defined as the declared scope are enforced on every call." },
    },
  },
  {
    id: "ctl-retired-agents-silent",
    title: "Retired and suspended agents get no access",
    description: "No retired or suspended agent received an allow decision in the period.",
    evidenceQuery: "retired_agents_silent",
    maps: {
      [NHI]: { "NHI1:2025": "A retired agent that is still allowed is improper offboarding, seen at runtime." },
      [ASI]: { ASI10: "Suspending an agent stops it: no allow decision follows." },
      [TM]: { T13: "A suspended rogue agent gets no further access." },
      [RMF]: {
        "GOVERN 1.7": "Decommissioned agents are really cut off: no allow after retirement.",
        "MANAGE 2.4": "Suspension deactivates the agent in practice, as decisions show.",
      },
      [ZTA]: { "ZT-TENET-6": "Authorisation is re-evaluated per call, so a retired agent is refused at once." },
      [CSF]: {
        "PR.AA-01": "Identities of retired agents are revoked, not left working.",
        "ID.AM-08": "Agents are managed to the end of their life cycle: retirement stops access.",
      },
    },
  },
  {
    id: "ctl-decision-retention",
    title: "Decisions are retained long enough to investigate",
    description: "The decision retention setting keeps at least the required number of days (default 90) of decisions.",
    evidenceQuery: "decision_retention",
    maps: {
      [TM]: { T8: "Agent actions stay attributable for the retention period." },
      [MAESTRO]: { "L7-T09": "Retained decision records answer an agent's or operator's denial of an action." },
      [RMF]: { "MANAGE 4.3": "Incidents involving agents can be tracked back through retained decisions." },
      [ZTA]: {
        LOGS: "Activity logs of decisions are kept for the required period.",
        "ZT-TENET-7": "Collected decision state is kept long enough to inform posture and investigation.",
      },
      [CSF]: {
        "PR.PS-04": "Decision log records are kept and available for monitoring for the required days.",
        "RS.AN-03": "Retained decisions let an investigation establish what agents did and why.",
      },
    },
  },
  {
    id: "ctl-audit-chain",
    title: "The console audit trail is intact",
    description: "Every change to inventory, policy, controls and mappings is in the hash-chained audit trail, and the chain verifies.",
    evidenceQuery: "audit_chain_intact",
    maps: {
      [TM]: { T8: "Every governance change is recorded in a chain whose alteration is detectable." },
      [MAESTRO]: {
        "L7-T09": "Administrators cannot deny a recorded change to inventory, policy or mappings.",
        "L5-T06": "Tampering with stored audit records breaks the hash chain's verification.",
      },
      [ZTA]: { "ZT-THREAT-5.1": "SP 800-207 asks that policy configuration changes be logged and audited; the chain records them tamper-evidently." },
      [CSF]: {
        "RS.AN-06": "Recorded actions keep their integrity and provenance: the chain verifies.",
        "PR.PS-04": "Console changes generate log records available for review.",
      },
    },
  },
  {
    id: "ctl-policies-tested",
    title: "Policies are tested before they are published",
    description: "The published policy set carries tests, which passed at publish time, and every policy in it is named by a test's expected determining policies.",
    evidenceQuery: "policies_tested",
    maps: {
      [RMF]: { "MEASURE 1.2": "Policy tests re-check the controls' effectiveness at every publish." },
      [ZTA]: {
        DAP: "Every access policy is pinned by a test before it is used.",
        "ZT-THREAT-5.1": "A misconfigured or subverted policy change fails its tests and is not published.",
      },
      [CSF]: {
        "PR.PS-01": "Policy changes go through a tested configuration-management step before taking effect.",
        "ID.RA-07": "Each policy change is assessed by tests before it is published.",
      },
    },
  },
  {
    id: "ctl-ownership-attested",
    title: "Owners attested their agents within the attestation interval",
    description: "Every owned agent's owner re-confirmed ownership, purpose and scope within the attestation interval (default 90 days), and no campaign request for it is past due.",
    evidenceQuery: "ownership_attested",
    maps: {
      [NHI]: { "NHI1:2025": "Owners confirm each agent is still needed; unneeded ones surface for offboarding." },
      [RMF]: {
        "GOVERN 1.5": "Agents' ownership, purpose and scope are reviewed periodically.",
        "GOVERN 2.1": "Owners periodically reconfirm their responsibility for each agent.",
      },
      [CSF]: {
        "PR.AA-05": "Agent permissions (declared scope) are reviewed by their owners within the interval.",
        "ID.AM-02": "The inventory is kept current by owners confirming each agent.",
      },
    },
  },
  {
    id: "ctl-enforcement-errors",
    title: "Enforcement errors stay below one percent",
    description: "Fewer than 1% of decisions in the period ended in error, so the decision path fails rarely and visibly.",
    evidenceQuery: "enforcement_errors",
    maps: {
      [ZTA]: {
        PEP: "The enforcement points decide reliably; errors are rare and recorded.",
        "ZT-THREAT-5.2": "Disruption of the decision path shows up as an error rate and is held below 1%.",
      },
      [CSF]: { "PR.IR-03": "The decision path meets a resilience threshold in normal operation." },
    },
  },
  {
    id: "ctl-environment-isolation",
    title: "Agents act only in their own environment",
    description: "No agent's decisions came from an enforcement point of another environment (a prod agent seen in dev, or the reverse).",
    evidenceQuery: "environment_isolation",
    maps: {
      [NHI]: { "NHI8:2025": "No agent identity is used across environments." },
      [ASI]: { ASI03: "An identity of one environment is not used to act in another." },
      [MAESTRO]: {
        "L4-T06": "Agents do not move laterally between environments.",
        "XL-T02": "Lateral movement across environments through an agent identity is absent.",
      },
      [CSF]: { "PR.IR-01": "Environments are protected from use by another environment's agents." },
    },
  },
  {
    id: "ctl-unique-identity",
    title: "Each workload identity belongs to exactly one agent",
    description: "No client id or SPIFFE id appeared in decisions for more than one agent in the period.",
    evidenceQuery: "unique_identity",
    maps: {
      [NHI]: { "NHI9:2025": "No workload identity is reused by more than one agent." },
      [ASI]: { ASI03: "One identity per agent keeps privilege and actions attributable to one agent." },
      [TM]: { T9: "A workload identity shared between agents would let one act as the other; none is." },
      [MAESTRO]: { "L7-T02": "No agent presents another agent's workload identity." },
      [CSF]: {
        "PR.AA-01": "Each agent's identity is managed as its own.",
        "PR.AA-02": "Each workload identity is bound to exactly one agent.",
      },
    },
  },
  {
    id: "ctl-incident-response",
    title: "An agent incident runbook exists and was exercised",
    description: "A runbook covers suspending an agent, revoking its credentials and notifying stakeholders, and was exercised in the last year.",
    evidenceQuery: null,
    maps: {
      [ASI]: { ASI10: "The runbook's suspend-and-revoke steps are how a rogue agent is stopped; the exercise shows they work." },
      [TM]: { T13: "A practised procedure exists to isolate a rogue agent." },
      [RMF]: {
        "MANAGE 2.3": "The runbook is the procedure to respond to and recover from an agent incident.",
        "MANAGE 2.4": "The runbook's suspension step is a practised way to disengage an agent.",
        "MANAGE 4.3": "The runbook covers tracking and communicating an agent incident.",
        "GOVERN 4.3": "An exercised runbook is a practice enabling incident identification and information sharing.",
      },
      [CSF]: {
        "ID.IM-04": "The agent incident response plan is established and maintained.",
        "ID.IM-02": "The yearly exercise is a test from which improvements are identified.",
      },
    },
  },
  {
    id: "ctl-supply-chain-review",
    title: "Models, tools and agent dependencies are reviewed before use",
    description: "Each model, MCP server, plugin and third-party agent is reviewed and approved before agents may use it.",
    evidenceQuery: null,
    maps: {
      [ASI]: { ASI04: "Models, tools and agents are reviewed before agents may use them." },
      [TM]: { T17: "Third-party components are vetted before use." },
      [NHI]: { "NHI3:2025": "Third-party agents and tools, with their identities, are reviewed before they are trusted." },
      [MAESTRO]: {
        "L1-T03": "Models are reviewed, including their provenance, before agents use them.",
        "L3-T01": "Agent framework components are reviewed before use.",
        "L3-T02": "Framework dependencies are vetted for tampering before use.",
        "L3-T04": "Framework supply-chain components are reviewed before use.",
        "L4-T01": "Container images agents run in are reviewed before use.",
        "L7-T06": "Agents and tools from marketplaces are reviewed before use.",
        "L7-T13": "The review checks that an agent's or tool's described capabilities match what it does.",
        "XL-T01": "Every layer's third-party components pass the same review.",
      },
      [RMF]: {
        "GOVERN 6.1": "Third-party AI components are subject to a review policy before use.",
        "MAP 4.1": "The review maps the risks of each third-party component.",
        "MANAGE 3.1": "Approval before use is a risk control applied to third-party AI.",
      },
      [CSF]: {
        "ID.RA-09": "Software (models, MCP servers, plugins) is assessed before acquisition and use.",
        "GV.SC-06": "Due diligence is performed before a third-party component is used.",
        "GV.SC-07": "Risks of each supplier's component are recorded and assessed in the review.",
      },
    },
  },
  {
    id: "ctl-adversarial-testing",
    title: "Agents are red-teamed for injection and goal hijack before release",
    description: "Each agent release is tested against prompt injection, goal hijack, memory poisoning and deceptive behaviour.",
    evidenceQuery: null,
    maps: {
      [ASI]: {
        ASI01: "Goal hijack is tested against before each release.",
        ASI06: "Memory and context poisoning is tested against before each release.",
        ASI09: "Deceptive behaviour toward people is tested for before each release.",
      },
      [TM]: {
        T1: "Memory poisoning is among the tested attacks.",
        T6: "Intent breaking and goal manipulation are tested against.",
        T7: "Misaligned and deceptive behaviour is tested for.",
        T15: "Manipulation of people through the agent is tested for.",
      },
      [MAESTRO]: {
        "L1-T01": "Adversarial inputs to the model are part of the red-team.",
        "L1-T06": "Reprogramming the agent through its model inputs is tested against.",
        "L2-T05": "Poisoned retrieval content is among the tested injections.",
        "L3-T03": "Injection through agent inputs is tested against.",
        "L6-T01": "Where security agents are among the agents released, poisoning their inputs is a tested attack.",
        "L6-T02": "Where security agents are among the agents released, evading them by injection is tested.",
        "L6-T03": "Where security agents are among the agents released, their compromise through injection is tested.",
      },
      [RMF]: {
        "MEASURE 2.1": "The red-team test sets and results are documented per release.",
        "MEASURE 2.7": "Security of each agent against injection and hijack is evaluated and documented.",
      },
      [CSF]: {
        "ID.RA-01": "Red-teaming identifies and records agents' vulnerabilities to injection and hijack.",
        "ID.IM-02": "Improvements are identified from the security tests of each release.",
      },
    },
  },
  {
    id: "ctl-memory-integrity",
    title: "Agent memory and retrieval sources are integrity-protected",
    description: "Long-term memory and retrieval stores have write controls, provenance and periodic review for poisoning.",
    evidenceQuery: null,
    maps: {
      [ASI]: { ASI06: "Memory and retrieval stores have write controls, provenance and review against poisoning." },
      [TM]: { T1: "Memory stores are protected against poisoning writes and reviewed." },
      [MAESTRO]: {
        "L2-T01": "Data feeding agents has write controls and provenance.",
        "L2-T04": "Tampering with stored memory is prevented by write controls and caught by review.",
        "L2-T05": "Retrieval sources are integrity-protected and reviewed.",
      },
      [CSF]: { "PR.DS-01": "The integrity of agents' memory at rest is protected." },
    },
  },
  {
    id: "ctl-ai-risk-policy",
    title: "An approved AI risk policy governs agent use",
    description: "A current, approved policy sets the purpose, risk tolerance, oversight roles, training and review cycle for agents.",
    evidenceQuery: null,
    maps: {
      // Only outcomes a policy document itself demonstrates; MEASURE and MANAGE ask for evaluations
      // and operations a document cannot evidence, so none is mapped here.
      [RMF]: {
        "GOVERN 1.2": "The approved policy states the trustworthiness characteristics agents must meet.",
        "GOVERN 1.3": "The policy sets the risk tolerance that decides how much risk management each agent needs.",
        "GOVERN 1.4": "The risk management process for agents is set out in an approved, transparent policy.",
        "GOVERN 1.5": "The policy sets the review cycle for agents and the policy itself.",
        "GOVERN 2.1": "The policy documents oversight roles and responsibilities for agents.",
        "GOVERN 2.3": "Approval of the policy by leadership shows leadership takes responsibility for agent risk.",
        "GOVERN 3.2": "The policy defines the roles of people overseeing agents.",
        "MAP 1.1": "The policy documents the purposes agents may be used for.",
        "MAP 1.5": "The policy documents the organisation's risk tolerance for agents.",
      },
      [CSF]: {
        "GV.PO-01": "A policy for managing agent risk is established and approved.",
        "GV.PO-02": "The policy's review cycle keeps it reviewed and updated.",
        "GV.RM-02": "The policy states the risk tolerance for agents.",
        "GV.RR-02": "The policy establishes oversight roles and responsibilities for agents.",
      },
    },
  },
  {
    id: "ctl-authenticated-channels",
    title: "Agent traffic is mutually authenticated and encrypted",
    description: "Agent-to-tool and agent-to-agent channels use mutual TLS or signed messages, across every network segment.",
    evidenceQuery: null,
    maps: {
      [ASI]: { ASI07: "Inter-agent channels are mutually authenticated and encrypted." },
      [TM]: {
        T9: "Mutual authentication stops an agent or tool from being impersonated on the channel.",
        T12: "Signed or protected channels stop messages between agents from being altered in transit.",
        T16: "Inter-agent protocol traffic is authenticated and encrypted.",
      },
      [MAESTRO]: { "L7-T02": "Mutual authentication prevents impersonating an agent on its channels." },
      [ZTA]: { "ZT-TENET-2": "Communication is authenticated and encrypted on every network segment, internal ones included." },
      [CSF]: {
        "PR.DS-02": "Data in transit between agents and tools is protected.",
        "PR.AA-03": "Agents and tools authenticate each other on every channel.",
      },
    },
  },
  {
    id: "ctl-rate-limits",
    title: "Agents have rate and spend limits",
    description: "Each agent has per-minute call and per-day spend limits enforced outside the agent.",
    evidenceQuery: null,
    maps: {
      [ASI]: { ASI08: "Limits the agent cannot change stop a runaway loop from cascading." },
      [TM]: { T4: "Per-agent call and spend limits bound resource overload." },
      [MAESTRO]: {
        "L1-T07": "An agent's calls to the model are rate-limited.",
        "L2-T03": "An agent cannot flood data infrastructure beyond its call limit.",
        "L3-T05": "Framework APIs are shielded by per-agent call limits.",
        "L4-T04": "Per-agent limits bound the load an agent can place on infrastructure.",
        "L4-T05": "Spend limits bound resources a hijacked agent can consume.",
        "L7-T12": "Per-day spend limits cap the cost of pricing-model manipulation.",
      },
      [CSF]: { "PR.IR-04": "Per-agent limits keep capacity available for other work." },
    },
  },
  {
    id: "ctl-sandboxed-execution",
    title: "Code-executing agents run in sandboxes",
    description: "Agents that generate or run code do so in isolated sandboxes without standing credentials or network reach.",
    evidenceQuery: null,
    maps: {
      [ASI]: { ASI05: "Generated code runs isolated, without credentials or network reach." },
      [TM]: { T11: "Unexpected code execution is contained in a sandbox." },
      [MAESTRO]: {
        "L4-T06": "Sandboxes without network reach block lateral movement from executed code.",
        "XL-T02": "Code run by an agent cannot move laterally out of its sandbox.",
      },
      [ZTA]: { "DEP-4": "Agents' code runs in isolated application sandboxes, as SP 800-207's sandboxing variant describes." },
      [CSF]: {
        "PR.PS-05": "Code an agent generates does not run outside a sandbox.",
        "PR.IR-01": "Sandboxes keep executed code from reaching networks and environments.",
      },
    },
  },
];

/** One default pair as stored in `control_mappings` (origin "default"). */
export type DefaultMapping = { controlId: string; frameworkId: string; itemId: string; rationale: string };

/** Every default pair of the library, each with its own rationale. */
export function defaultMappings(): DefaultMapping[] {
  return CONTROL_LIBRARY.flatMap((control) =>
    Object.entries(control.maps).flatMap(([frameworkId, items]) => Object.entries(items).map(([itemId, rationale]) => ({ controlId: control.id, frameworkId, itemId, rationale }))),
  );
}
