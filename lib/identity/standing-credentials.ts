import type { Executor } from "@/db/client";
import { agentsActingWithoutTaskTokens } from "@/db/identity/findings";
import { countNoun } from "../count-noun";
import { noteIdentityFinding } from "./identity-findings";

/**
 * Standing credentials observed in use: a registered agent that acts in enforcement decisions
 * (anything but token issuance) without a Steward task token — the decision names no task, or a
 * task Steward never issued — holds a static key or another long-lived credential. Each such
 * agent gets (or keeps, with the new detail) a `standing_credential_in_use` finding; a person
 * resolves it once the agent moved to task tokens. Discovered agents are left to the
 * `discovered` finding.
 *
 * Returns the number of agents noted. `since`: the window's start (the scheduler passes its own
 * interval plus a minute, so windows overlap and nothing falls between runs).
 */
export async function noteStandingCredentialUse(db: Executor, since: Date, now = new Date()): Promise<number> {
  const seen = await agentsActingWithoutTaskTokens(db, since);
  for (const agent of seen) {
    await noteIdentityFinding(
      db,
      agent.agentId,
      "standing_credential_in_use",
      `${countNoun(agent.decisions, "enforcement decision")} since ${since.toISOString()} carried no Steward task token (the last at ${agent.lastAt.toISOString()}): the agent acts on a standing credential. Move it to token exchange (docs/identity.md).`,
      now,
    );
  }
  return seen.length;
}
