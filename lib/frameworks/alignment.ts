import type { Executor } from "@/db/client";
import { getFrameworkOrThrow, listControls, listFrameworkItems, listMappings, sampleViolatingDecisions, type ControlRow, type FrameworkItemRow, type FrameworkRow, type MappingRow, type ViolationKind } from "@/db/frameworks";
import { collectEvidenceFacts, type EvidenceFacts, type Period, type PolicyTag } from "./evidence/facts";
import { evaluateControl, type ControlResult, type ControlStatus } from "./evidence/evaluate-controls";
import type { ReportScope } from "./schemas";

export const ITEM_STATUSES = ["covered", "partial", "gap", "not_applicable"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export type ItemAlignment = {
  itemId: string;
  title: string;
  parentId: string | null;
  kind: string;
  description: string;
  depth: number;
  isLeaf: boolean;
  status: ItemStatus;
  notApplicableReason: string | null;
  /**
   * Provenance: "official" = the publisher's id / title; "steward" = an id Steward made up (the
   * publisher numbers nothing); "paraphrase" = Steward's short rewording. Absent in reports stored
   * before provenance was recorded.
   */
  idOrigin?: "official" | "steward";
  titleOrigin?: "official" | "paraphrase";
  /** Mapped controls; `origin` "custom" marks a mapping an engineer added (shipped defaults are "default"). */
  controls: { controlId: string; status: ControlStatus; rationale: string; origin?: "default" | "custom" }[];
  policies: { policyId: string; policyName: string }[];
};

export type CoverageSummary = { frameworkId: string; covered: number; partial: number; gap: number; notApplicable: number; applicable: number; percent: number };

export type FrameworkAlignment = {
  /** `idOrigin`, `titleOrigin` and `provenanceNote` are absent in reports stored before provenance was recorded. */
  framework: Pick<FrameworkRow, "id" | "name" | "shortName" | "version" | "publisher" | "revision"> & Partial<Pick<FrameworkRow, "idOrigin" | "titleOrigin" | "provenanceNote">>;
  items: ItemAlignment[];
  coverage: CoverageSummary;
};

export type AlignmentResult = { frameworks: FrameworkAlignment[]; controls: ControlResult[]; facts: EvidenceFacts };

/** Combines the evidence behind an item: all passing → covered, anything passing → partial, else gap. */
export function combineStatuses(inputs: ControlStatus[]): Exclude<ItemStatus, "not_applicable"> {
  if (inputs.length === 0) return "gap";
  if (inputs.every((status) => status === "pass")) return "covered";
  if (inputs.some((status) => status === "pass" || status === "partial")) return "partial";
  return "gap";
}

const childAsInput = (status: ItemStatus): ControlStatus | null =>
  status === "covered" ? "pass" : status === "partial" ? "partial" : status === "gap" ? "fail" : null;

/** A policy tagged "<framework>:<item>" or with a bare item id counts toward that item. */
export function policiesForItem(tags: PolicyTag[], frameworkId: string, itemId: string) {
  return tags.filter((tag) => tag.tag === itemId || tag.tag === `${frameworkId}:${itemId}`).map(({ policyId, policyName }) => ({ policyId, policyName }));
}

export function alignFramework(framework: FrameworkRow, items: FrameworkItemRow[], mappings: MappingRow[], results: Map<string, ControlResult>, tags: PolicyTag[]): FrameworkAlignment {
  const children = new Map<string, FrameworkItemRow[]>();
  for (const item of items) if (item.parentId) (children.get(item.parentId) ?? children.set(item.parentId, []).get(item.parentId)!).push(item);
  const byItem = new Map<string, MappingRow[]>();
  for (const mapping of mappings) (byItem.get(mapping.itemId) ?? byItem.set(mapping.itemId, []).get(mapping.itemId)!).push(mapping);

  const byId = new Map(items.map((item) => [item.itemId, item]));

  const computed = new Map<string, ItemAlignment>();
  const depthOf = (item: FrameworkItemRow): number => {
    let depth = 0;
    let parent = item.parentId;
    const seen = new Set<string>();
    while (parent && !seen.has(parent)) {
      seen.add(parent);
      depth++;
      parent = byId.get(parent)?.parentId ?? null;
    }
    return depth;
  };
  const visit = (item: FrameworkItemRow, trail: Set<string>): ItemAlignment => {
    const done = computed.get(item.itemId);
    if (done) return done;
    const kids = trail.has(item.itemId) ? [] : (children.get(item.itemId) ?? []);
    const childAlignments = kids.map((kid) => visit(kid, new Set([...trail, item.itemId])));
    const controls = (byItem.get(item.itemId) ?? [])
      .map((mapping) => ({ controlId: mapping.controlId, status: results.get(mapping.controlId)?.status ?? ("unknown" as ControlStatus), rationale: mapping.rationale, origin: mapping.origin }))
      .sort((a, b) => a.controlId.localeCompare(b.controlId));
    const policies = policiesForItem(tags, framework.id, item.itemId);
    const inputs: ControlStatus[] = [
      ...controls.map((control) => control.status),
      ...policies.map(() => "partial" as const),
      ...childAlignments.map((child) => childAsInput(child.status)).filter((status): status is ControlStatus => status !== null),
    ];
    const alignment: ItemAlignment = {
      itemId: item.itemId,
      title: item.title,
      parentId: item.parentId,
      kind: item.kind,
      description: item.description,
      depth: depthOf(item),
      isLeaf: kids.length === 0,
      status: item.notApplicableReason ? "not_applicable" : combineStatuses(inputs),
      notApplicableReason: item.notApplicableReason,
      idOrigin: item.idOrigin,
      titleOrigin: item.titleOrigin,
      controls,
      policies,
    };
    computed.set(item.itemId, alignment);
    return alignment;
  };
  const aligned = items.map((item) => visit(item, new Set()));
  const leaves = aligned.filter((item) => item.isLeaf);
  const count = (status: ItemStatus) => leaves.filter((item) => item.status === status).length;
  const applicable = leaves.length - count("not_applicable");
  const coverage: CoverageSummary = {
    frameworkId: framework.id,
    covered: count("covered"),
    partial: count("partial"),
    gap: count("gap"),
    notApplicable: count("not_applicable"),
    applicable,
    percent: applicable === 0 ? 0 : Math.round((1000 * (count("covered") + count("partial") / 2)) / applicable) / 10,
  };
  const { id, name, shortName, version, publisher, revision, idOrigin, titleOrigin, provenanceNote } = framework;
  return { framework: { id, name, shortName, version, publisher, revision, idOrigin, titleOrigin, provenanceNote }, items: aligned, coverage };
}

/** Gathers live evidence once, evaluates every control, and aligns each requested framework. */
export async function evaluateAlignment(db: Executor, options: { frameworkIds: string[]; scope: ReportScope; period: Period }): Promise<AlignmentResult> {
  const frameworkRows = [];
  for (const id of options.frameworkIds) frameworkRows.push(await getFrameworkOrThrow(db, id));
  const facts = await collectEvidenceFacts(db, options.scope, options.period);
  const controls = await listControls(db);
  const results = new Map(controls.map((control) => [control.id, evaluateControl(control, facts)]));
  await attachSampleDecisions(db, controls, results, facts);
  const items = await listFrameworkItems(db, options.frameworkIds);
  const mappings = await listMappings(db, options.frameworkIds);
  const frameworks = frameworkRows.map((framework) =>
    alignFramework(
      framework,
      items.filter((item) => item.frameworkId === framework.id),
      mappings.filter((mapping) => mapping.frameworkId === framework.id),
      results,
      facts.policyTags,
    ),
  );
  return { frameworks, controls: [...results.values()], facts };
}

const SAMPLED: Partial<Record<string, ViolationKind>> = {
  out_of_scope_denied: "out_of_scope_allowed",
  destructive_approval: "destructive_unapproved",
  environment_isolation: "cross_environment",
  retired_agents_silent: "allowed_while_offboarded",
  delegation_depth: "over_delegation_cap",
};
const SAMPLED_AGENTS = 5;

/** Each failing or partial decision-based control gets up to five recent violating decisions of its first failing agents, with a console link. */
async function attachSampleDecisions(db: Executor, controls: ControlRow[], results: Map<string, ControlResult>, facts: EvidenceFacts) {
  for (const control of controls) {
    const kind = control.evidenceQuery ? SAMPLED[control.evidenceQuery] : undefined;
    const result = results.get(control.id);
    if (!kind || !result || (result.status !== "fail" && result.status !== "partial") || !result.failingAgents.length) continue;
    const agentIds = result.failingAgents.slice(0, SAMPLED_AGENTS).map((agent) => agent.agentId);
    const samples = await sampleViolatingDecisions(db, kind, agentIds, facts.period, facts.settings.maxDelegationDepth);
    result.sampleDecisions = samples.map((sample) => ({ ...sample, href: `/decisions/view?${new URLSearchParams({ ep: sample.enforcementPointId, id: sample.decisionId, time: sample.time })}` }));
  }
}

/** Agents in scope and their decisions in the period, as reports and the alignment API state them. */
export function evidenceTotals(facts: EvidenceFacts): { agentsInScope: number; decisionsInPeriod: number } {
  return { agentsInScope: facts.agents.length, decisionsInPeriod: [...facts.decisionsByAgent.values()].reduce((sum, fact) => sum + fact.total, 0) };
}

export type CrosswalkRow = { itemId: string; title: string; related: { frameworkId: string; itemId: string; title: string; viaControls: string[] }[] };

/** Items of one framework related to items of others through the controls they share. */
export async function crosswalk(db: Executor, frameworkId: string, targetFrameworkIds: string[]): Promise<CrosswalkRow[]> {
  const mappings = await listMappings(db);
  const items = await listFrameworkItems(db);
  const titles = new Map(items.map((item) => [`${item.frameworkId}\u0000${item.itemId}`, item.title]));
  const controlsByItem = new Map<string, Set<string>>();
  const itemsByControl = new Map<string, MappingRow[]>();
  for (const mapping of mappings) {
    if (mapping.frameworkId === frameworkId) (controlsByItem.get(mapping.itemId) ?? controlsByItem.set(mapping.itemId, new Set()).get(mapping.itemId)!).add(mapping.controlId);
    if (targetFrameworkIds.includes(mapping.frameworkId)) (itemsByControl.get(mapping.controlId) ?? itemsByControl.set(mapping.controlId, []).get(mapping.controlId)!).push(mapping);
  }
  return items
    .filter((item) => item.frameworkId === frameworkId)
    .map((item) => {
      const related = new Map<string, CrosswalkRow["related"][number]>();
      for (const controlId of controlsByItem.get(item.itemId) ?? []) {
        for (const target of itemsByControl.get(controlId) ?? []) {
          const key = `${target.frameworkId}\u0000${target.itemId}`;
          const entry = related.get(key) ?? { frameworkId: target.frameworkId, itemId: target.itemId, title: titles.get(key) ?? target.itemId, viaControls: [] };
          entry.viaControls.push(controlId);
          related.set(key, entry);
        }
      }
      return { itemId: item.itemId, title: item.title, related: [...related.values()] };
    });
}
