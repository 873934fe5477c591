import type { AgentRow } from "@/db/agents";
import type { FINDING_KINDS } from "@/db/enums";
import { countNoun } from "../count-noun";
import type { Settings } from "../settings/settings";

export type FindingKind = (typeof FINDING_KINDS)[number];
export type DetectedFinding = { kind: FindingKind; detail: string };

export type FindingFacts = {
  owner: { name: string; active: boolean } | null;
  outOfScope: string[];
  campaignOverdue: boolean;
};

const DAY_MS = 86_400_000;

/** Which findings hold for one agent right now. Retired agents have none: they can do nothing. */
export function computeFindings(agent: AgentRow, facts: FindingFacts, settings: Settings, now: Date): DetectedFinding[] {
  if (agent.status === "retired") return [];
  const found: DetectedFinding[] = [];
  if (!agent.ownerId) {
    found.push({ kind: "orphaned", detail: agent.inTeamQueue ? "No owner: waiting in its team's queue" : "No owner" });
  } else if (facts.owner && !facts.owner.active) {
    found.push({ kind: "orphaned", detail: `Owner ${facts.owner.name} is deactivated` });
  }
  if (agent.status === "discovered") found.push({ kind: "discovered", detail: "Seen in decisions but never registered" });
  const staleBefore = now.getTime() - settings.staleAgentDays * DAY_MS;
  if (agent.status !== "discovered") {
    if (agent.lastSeenAt ? agent.lastSeenAt.getTime() < staleBefore : agent.createdAt.getTime() < staleBefore) {
      found.push({ kind: "stale", detail: agent.lastSeenAt ? `No decision since ${agent.lastSeenAt.toISOString().slice(0, 10)}` : `No decision in ${settings.staleAgentDays} days` });
    }
    if (facts.outOfScope.length) {
      const shown = facts.outOfScope.slice(0, 5).join(", ");
      found.push({ kind: "out_of_scope", detail: `Used ${countNoun(facts.outOfScope.length, "undeclared action")}: ${shown}${facts.outOfScope.length > 5 ? ", …" : ""}` });
    }
    if (agent.ownerId && !agent.backupOwnerId) found.push({ kind: "no_backup_owner", detail: "No backup owner" });
  }
  if (agent.credentialKind === "static_api_key" || agent.credentialKind === "shared_secret") {
    found.push({ kind: "standing_privilege", detail: agent.credentialKind === "static_api_key" ? "Uses a static API key" : "Uses a shared secret" });
  } else if (agent.credentialMaxLifetimeSeconds !== null && agent.credentialMaxLifetimeSeconds > settings.maxCredentialLifetimeSeconds) {
    found.push({ kind: "standing_privilege", detail: `Credentials live ${agent.credentialMaxLifetimeSeconds}s (limit ${settings.maxCredentialLifetimeSeconds}s)` });
  }
  if (agent.ownerId && (agent.status === "active" || agent.status === "suspended")) {
    const attested = (agent.lastAttestedAt ?? agent.createdAt).getTime();
    if (facts.campaignOverdue) found.push({ kind: "attestation_overdue", detail: "Attestation campaign passed its due date" });
    else if (attested < now.getTime() - settings.attestationIntervalDays * DAY_MS) {
      found.push({ kind: "attestation_overdue", detail: agent.lastAttestedAt ? `Last attested ${agent.lastAttestedAt.toISOString().slice(0, 10)}` : "Never attested" });
    }
  }
  return found;
}
