import { getDb } from "@/db/client";
import { countDeterminedDecisions, getLatestVersion, loadInventory, readReplayChunk } from "@/db/policies";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import type { PolicySetContent } from "./content";
import { PolicyEngine } from "./engine";
import { AuthzenRequest } from "./request-mapping";

const DAY_MS = 86_400_000;
/** How many recent recorded requests the shadowing analysis replays. */
const SHADOW_SAMPLE = 2_000;

export type PolicyStats = {
  policyId: string;
  description: string;
  effect: "permit" | "forbid";
  determinedLast7Days: number;
  determinedLast30Days: number;
  neverMatches: boolean;
  /** Satisfied by sampled requests, yet never determining: others always decide first. */
  alwaysShadowed: boolean;
  satisfiedInSample: number;
  determiningInSample: number;
};

const effectOf = (source: string): "permit" | "forbid" => (/^\s*(@[^\n]*\n\s*)*forbid\b/.test(source) ? "forbid" : "permit");

/**
 * Per published policy: decisions it determined (from the recorded `reasons`), and whether it is
 * shadowed. Shadowing is measured on a sample of recent recorded requests by evaluating the permit
 * and forbid halves separately (each half reports every satisfied policy of that effect): a permit
 * satisfied only where a forbid also held never decides anything.
 */
export async function getPolicyStats({ ctx }: { ctx: Ctx }): Promise<{ revision: number | null; sample: number; policies: PolicyStats[] }> {
  requirePermission(ctx.actor, "policies.read");
  const db = ctx.tx ?? (await getDb());
  const latest = await getLatestVersion(db);
  if (!latest) return { revision: null, sample: 0, policies: [] };
  const content = latest.content as PolicySetContent;
  const now = Date.now();
  const counts = new Map((await countDeterminedDecisions(db, new Date(now - 30 * DAY_MS), new Date(now - 7 * DAY_MS))).map((row) => [row.policyId, row]));

  const half = (effect: "permit" | "forbid"): PolicySetContent => ({ ...content, policies: content.policies.filter((policy) => effectOf(policy.source) === effect) });
  const inventory = await loadInventory(db);
  const full = new PolicyEngine(content, latest.contentHash, inventory, latest.revision);
  const permits = new PolicyEngine(half("permit"), `${latest.contentHash}_permit`, inventory, latest.revision);
  const forbids = new PolicyEngine(half("forbid"), `${latest.contentHash}_forbid`, inventory, latest.revision);
  const satisfied = new Map<string, number>();
  const determining = new Map<string, number>();
  const rows = await readReplayChunk(db, {}, null, SHADOW_SAMPLE);
  let sample = 0;
  for (const row of rows) {
    const parsed = AuthzenRequest.safeParse(row.request);
    if (!parsed.success) continue;
    sample++;
    for (const engine of [permits, forbids]) {
      for (const id of engine.evaluate(parsed.data, row.time, row.delegation).determiningPolicies) satisfied.set(id, (satisfied.get(id) ?? 0) + 1);
    }
    for (const id of full.evaluate(parsed.data, row.time, row.delegation).determiningPolicies) determining.set(id, (determining.get(id) ?? 0) + 1);
  }
  return {
    revision: latest.revision,
    sample,
    policies: content.policies.map((policy) => {
      const recorded = counts.get(policy.id);
      const satisfiedCount = satisfied.get(policy.id) ?? 0;
      const determiningCount = determining.get(policy.id) ?? 0;
      return {
        policyId: policy.id,
        description: policy.description,
        effect: effectOf(policy.source),
        determinedLast7Days: recorded?.last7 ?? 0,
        determinedLast30Days: recorded?.last30 ?? 0,
        neverMatches: (recorded?.last30 ?? 0) === 0,
        alwaysShadowed: satisfiedCount > 0 && determiningCount === 0,
        satisfiedInSample: satisfiedCount,
        determiningInSample: determiningCount,
      };
    }),
  };
}
