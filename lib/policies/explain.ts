import { getDb } from "@/db/client";
import { getDecisionOrThrow, getLatestVersion, getVersionByRevisionOrThrow, loadInventory } from "@/db/policies";
import { getSettings } from "../settings/settings";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { StewardError } from "../errors";
import type { PolicySetContent } from "./content";
import { PolicyEngine } from "./engine";
import { AuthzenRequest } from "./request-mapping";
import { pdpOptionsFromSettings } from "./pdp-settings";
import { ExplainInput } from "./schemas";

export type ExplainedDecision = { revision: number; decision: "allow" | "deny"; determiningPolicies: string[]; errors: string[]; erroringPolicies: string[]; reason: string };

/** "Evaluate now": a recorded decision's request under the current published version and, optionally, another. */
export async function explainDecision({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.read");
  const { enforcementPointId, decisionId, revision } = ExplainInput.parse(input);
  const db = ctx.tx ?? (await getDb());
  const recorded = await getDecisionOrThrow(db, { enforcementPointId, decisionId });
  const parsed = AuthzenRequest.safeParse(recorded.request);
  if (!parsed.success) throw new StewardError("precondition_failed", "This decision carries no AuthZEN-shaped request, so it cannot be evaluated again");
  const latest = await getLatestVersion(db);
  if (!latest) throw new StewardError("precondition_failed", "No policy version is published yet");
  const [inventory, settings] = await Promise.all([loadInventory(db), getSettings(db)]);
  const options = pdpOptionsFromSettings(settings);
  const evaluateWith = async (which: number): Promise<ExplainedDecision> => {
    const version = which === latest.revision ? latest : await getVersionByRevisionOrThrow(db, which);
    // The same engine class, entity builder and options as live evaluation: only the inventory is today's.
    const engine = new PolicyEngine(version.content as PolicySetContent, version.contentHash, inventory, version.revision, { options });
    const result = engine.evaluate(parsed.data, recorded.time, recorded.delegation);
    return { revision: version.revision, decision: result.decision, determiningPolicies: result.determiningPolicies, errors: result.errors, erroringPolicies: result.erroringPolicies, reason: result.reason };
  };
  return {
    recorded: { outcome: recorded.outcome, reasons: recorded.reasons, policyRevision: recorded.policyRevision, time: recorded.time },
    current: await evaluateWith(latest.revision),
    chosen: revision && revision !== latest.revision ? await evaluateWith(revision) : null,
  };
}
