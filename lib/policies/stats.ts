import { getDb } from "@/db/client";
import { countDeterminedDecisions, getLatestVersion, loadInventory, readReplayChunk } from "@/db/policies";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import type { PolicySetContent } from "./content";
import { policyEffect } from "./cedar";
import { PolicyEngine } from "./engine";
import { pdpOptionsFromSettings } from "./pdp-settings";
import { getSettings } from "../settings/settings";
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
  /** Recorded decisions of this revision (30 days) in which the policy errored. */
  erroredLast30Days: number;
  /** Sampled requests on which the policy errored. */
  erroredInSample: number;
  /** "errors" when the policy errored in recorded decisions or the sample (it is not "never matches"). */
  status: "errors" | "never_matches" | "shadowed" | "active";
  neverMatches: boolean;
  /** Satisfied by sampled requests, yet never determining: others always decide first. */
  alwaysShadowed: boolean;
  satisfiedInSample: number;
  determiningInSample: number;
};

/** Cedar's own parse decides the effect: comments and annotations before the keyword cannot fool it. */
const effectOf = (source: string): "permit" | "forbid" => policyEffect(source) ?? "permit";

/**
 * Per published policy: decisions it determined (from the recorded `reasons`), and whether it is
 * shadowed. Shadowing is measured on a sample of recent recorded requests by evaluating the permit
 * and forbid halves separately (each half reports every satisfied policy of that effect): a permit
 * satisfied only where a forbid also held never decides anything.
 */
/** AuthZEN types seen in sampled recorded requests that the PDP's tables do not map: those requests are denied. */
export type UnmappedTypes = { subjectTypes: { type: string; count: number }[]; resourceTypes: { type: string; count: number }[] };

export async function getPolicyStats({ ctx }: { ctx: Ctx }): Promise<{ revision: number | null; sample: number; policies: PolicyStats[]; unmappedTypes: UnmappedTypes }> {
  requirePermission(ctx.actor, "policies.read");
  const db = ctx.tx ?? (await getDb());
  const latest = await getLatestVersion(db);
  if (!latest) return { revision: null, sample: 0, policies: [], unmappedTypes: { subjectTypes: [], resourceTypes: [] } };
  const content = latest.content as PolicySetContent;
  const now = Date.now();
  const counts = new Map((await countDeterminedDecisions(db, new Date(now - 30 * DAY_MS), new Date(now - 7 * DAY_MS), String(latest.revision))).map((row) => [row.policyId, row]));

  const half = (effect: "permit" | "forbid"): PolicySetContent => ({ ...content, policies: content.policies.filter((policy) => effectOf(policy.source) === effect) });
  const [inventory, settings] = await Promise.all([loadInventory(db), getSettings(db)]);
  const options = pdpOptionsFromSettings(settings);
  const full = new PolicyEngine(content, latest.contentHash, inventory, latest.revision, { options });
  // The halves report what each policy satisfies, so errors must not turn into determining forbids there.
  const permits = new PolicyEngine(half("permit"), `${latest.contentHash}_permit`, inventory, latest.revision, { options: { ...options, forbidErrors: "skip" } });
  const forbids = new PolicyEngine(half("forbid"), `${latest.contentHash}_forbid`, inventory, latest.revision, { options: { ...options, forbidErrors: "skip" } });
  const satisfied = new Map<string, number>();
  const determining = new Map<string, number>();
  const erroring = new Map<string, number>();
  const rows = await readReplayChunk(db, {}, null, SHADOW_SAMPLE);
  let sample = 0;
  const unmappedSubjects = new Map<string, number>();
  const unmappedResources = new Map<string, number>();
  const mapsTo = (table: Record<string, string>, type: string) => (type.includes("::") ? full.shape.entityAttributes.has(type) : full.shape.entityAttributes.has(full.shape.namespace ? `${full.shape.namespace}::${table[type.toLowerCase()]}` : (table[type.toLowerCase()] ?? "")));
  for (const row of rows) {
    const parsed = AuthzenRequest.safeParse(row.request);
    if (!parsed.success) continue;
    if (!mapsTo(options.subjectTypes, parsed.data.subject.type)) unmappedSubjects.set(parsed.data.subject.type, (unmappedSubjects.get(parsed.data.subject.type) ?? 0) + 1);
    if (!mapsTo(options.resourceTypes, parsed.data.resource.type)) unmappedResources.set(parsed.data.resource.type, (unmappedResources.get(parsed.data.resource.type) ?? 0) + 1);
    let whole: ReturnType<PolicyEngine["evaluate"]>;
    try {
      whole = full.evaluate(parsed.data, row.time, row.delegation);
    } catch {
      continue; // a recorded request that live evaluation would answer with a 400
    }
    sample++;
    for (const engine of [permits, forbids]) {
      for (const id of engine.evaluate(parsed.data, row.time, row.delegation).determiningPolicies) satisfied.set(id, (satisfied.get(id) ?? 0) + 1);
    }
    for (const id of whole.determiningPolicies) if (!whole.erroringPolicies.includes(id)) determining.set(id, (determining.get(id) ?? 0) + 1);
    for (const id of whole.erroringPolicies) erroring.set(id, (erroring.get(id) ?? 0) + 1);
  }
  const counted = (map: Map<string, number>) => [...map].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count);
  return {
    revision: latest.revision,
    sample,
    unmappedTypes: { subjectTypes: counted(unmappedSubjects), resourceTypes: counted(unmappedResources) },
    policies: content.policies.map((policy) => {
      const recorded = counts.get(policy.id);
      const satisfiedCount = satisfied.get(policy.id) ?? 0;
      const determiningCount = determining.get(policy.id) ?? 0;
      const erroredLast30Days = recorded?.errored30 ?? 0;
      const erroredInSample = erroring.get(policy.id) ?? 0;
      const neverMatches = (recorded?.last30 ?? 0) === 0;
      const alwaysShadowed = satisfiedCount > 0 && determiningCount === 0;
      return {
        policyId: policy.id,
        description: policy.description,
        effect: effectOf(policy.source),
        determinedLast7Days: recorded?.last7 ?? 0,
        determinedLast30Days: recorded?.last30 ?? 0,
        erroredLast30Days,
        erroredInSample,
        status: erroredLast30Days || erroredInSample ? "errors" : alwaysShadowed ? "shadowed" : neverMatches ? "never_matches" : "active",
        neverMatches: neverMatches && !erroredLast30Days && !erroredInSample,
        alwaysShadowed,
        satisfiedInSample: satisfiedCount,
        determiningInSample: determiningCount,
      };
    }),
  };
}
