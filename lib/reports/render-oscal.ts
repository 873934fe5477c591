import { createHash } from "node:crypto";
import { canonicalJson } from "../audit/canonical-json";
import type { ItemStatus } from "../frameworks/alignment";
import type { ControlResult } from "../frameworks/evidence/evaluate-controls";
import { evidenceBytes } from "./evidence-export";
import { toOscalToken, uuidV5 } from "./oscal-ids";
import { oscalUuidKey, type ReportContent } from "./report-content";

/** Namespace for Steward's own props (NIST constrains prop names in its namespace). */
export const STEWARD_OSCAL_NS = "https://steward.dev/ns/oscal";
export const OSCAL_VERSION = "1.2.2";

const prop = (name: string, value: string | number) => ({ name, ns: STEWARD_OSCAL_NS, value: String(value).trim() || "-" });
/** OSCAL strings must be non-empty without surrounding whitespace. */
const text = (value: string, fallback = "-") => value.trim() || fallback;
const toRfc3339 = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * OSCAL's objective status is only satisfied or not-satisfied: a not-applicable item is neither, so it
 * gets no finding and is excluded from the reviewed controls with its justification.
 */
const FINDING_STATE: Record<Exclude<ItemStatus, "not_applicable">, { state: "satisfied" | "not-satisfied"; reason: "pass" | "fail" | "other" }> = {
  covered: { state: "satisfied", reason: "pass" },
  partial: { state: "not-satisfied", reason: "other" },
  gap: { state: "not-satisfied", reason: "fail" },
};

/** Where a report's frozen evidence export for a control is downloaded (reports.export). */
export function evidenceExportPath(reportId: string, controlId: string): string {
  return `/api/v1/reports/${encodeURIComponent(reportId)}/evidence/${encodeURIComponent(controlId)}`;
}

/** The assessment plan a report followed: its scope, period, frameworks and method, embedded in the back-matter. */
export function assessmentPlanOf(content: ReportContent) {
  return {
    format: "steward.assessment-plan/1",
    reportId: content.reportId,
    scope: content.scopeLabel,
    period: content.period,
    frameworks: content.frameworks.map((framework) => ({ id: framework.framework.id, name: framework.framework.name, version: framework.framework.version })),
    method: content.method ?? null,
    settings: content.settings ?? null,
  };
}

function measuresText(control: ControlResult): string {
  return Object.entries(control.measures)
    .filter(([, value]) => value !== null && value !== "")
    .map(([name, value]) => `${name}=${value}`)
    .join(", ");
}

/**
 * An OSCAL 1.2.2 assessment-results document: one result per framework, observations per control,
 * findings per applicable item. Each result defines what it assessed and who assessed it in its
 * local-definitions (enforcement points as components, agents as inventory items, Steward as the tool),
 * the assessor is a party in the metadata, and every actor or subject uuid refers to one of them.
 * Observations point at their frozen evidence export, whose SHA-256 the back-matter resource states.
 */
export function renderReportOscal(content: ReportContent) {
  const uuid = (key: string) => {
    const value = content.oscalUuids[key];
    if (!value) throw new Error(`report ${content.reportId} has no OSCAL uuid for ${key}`);
    return value;
  };
  const controls = new Map(content.controls.map((control) => [control.controlId, control]));
  const tokens = new Map<string, string>();
  const tokenFor = (frameworkId: string, itemId: string) => {
    const key = `${frameworkId}\u0000${itemId}`;
    const existing = tokens.get(key);
    if (existing) return existing;
    const base = toOscalToken(itemId);
    const taken = new Set([...tokens.entries()].filter(([other]) => other.startsWith(`${frameworkId}\u0000`)).map(([, token]) => token));
    let token = base;
    for (let n = 2; taken.has(token); n++) token = `${base}_${n}`;
    tokens.set(key, token);
    return token;
  };
  const documentUuid = uuid(oscalUuidKey.document());
  const assessor = uuid(oscalUuidKey.assessor());
  // Identifiers derived from the document's UUID (RFC 9562 v5): stable across downloads, unique per result.
  const derived = (name: string) => uuidV5(name, documentUuid);
  const agents = content.inventory?.agents ?? [];
  const agentNames = new Map(agents.map((agent) => [agent.id, agent.name]));
  const evidenceResource = (controlId: string) => derived(`evidence:${controlId}`);
  const plan = assessmentPlanOf(content);
  const planBytes = canonicalJson(plan);
  return {
    "assessment-results": {
      uuid: documentUuid,
      metadata: {
        title: text(content.title),
        "last-modified": toRfc3339(content.generatedAt),
        version: content.reportId,
        "oscal-version": OSCAL_VERSION,
        props: [prop("report-id", content.reportId), prop("scope", content.scopeLabel), prop("generated-by", content.generatedBy)],
        roles: [{ id: "assessor", title: "Assessor", description: "Ran the assessment with Steward and stored the report." }],
        parties: [{ uuid: assessor, type: "person", name: text(content.generatedBy) }],
        "responsible-parties": [{ "role-id": "assessor", "party-uuids": [assessor] }],
      },
      "import-ap": {
        href: `#${uuid(oscalUuidKey.assessmentPlan())}`,
        remarks: "The assessment plan is embedded in this document's back-matter (scope, period, frameworks, method and settings of the evaluation).",
      },
      results: content.frameworks.map((framework) => {
        const fid = framework.framework.id;
        const tool = derived(`${fid}:tool`);
        const platform = derived(`${fid}:platform`);
        const agentUuid = (agentId: string) => derived(`${fid}:agent:${agentId}`);
        const mappedControls = [...new Set(framework.items.flatMap((item) => item.controls.map((control) => control.controlId)))].sort();
        const applicable = framework.items.filter((item) => item.status !== "not_applicable");
        const notApplicable = framework.items.filter((item) => item.status === "not_applicable");
        const points = content.inventory?.enforcementPoints ?? [];
        return {
          uuid: uuid(oscalUuidKey.result(fid)),
          title: text(`${framework.framework.name} ${framework.framework.version}`),
          description: text(
            `Alignment of ${content.scopeLabel.toLowerCase()} with ${framework.framework.name}: ${framework.coverage.covered} covered, ${framework.coverage.partial} partial, ${framework.coverage.gap} gaps, ${framework.coverage.notApplicable} not applicable (${framework.coverage.percent}% coverage).`,
          ),
          start: toRfc3339(content.period.start),
          end: toRfc3339(content.period.end),
          props: [prop("framework-id", fid), prop("framework-version", framework.framework.version), prop("coverage-percent", framework.coverage.percent)],
          "local-definitions": {
            ...(points.length
              ? {
                  components: points.map((point) => ({
                    uuid: derived(`${fid}:enforcement-point:${point.id}`),
                    type: "service",
                    title: text(point.name),
                    description: text(`Enforcement point ${point.id} (${point.kind}${point.environment ? `, ${point.environment}` : ""}) reporting decisions to Steward.`),
                    props: [prop("enforcement-point-id", point.id), prop("kind", point.kind)],
                    status: { state: point.enabled ? "operational" : "disposition" },
                  })),
                }
              : {}),
            ...(agents.length
              ? {
                  "inventory-items": agents.map((agent) => ({
                    uuid: agentUuid(agent.id),
                    description: text(`AI agent ${agent.name} (${agent.id}), ${agent.status} at the end of the period.`),
                    props: [prop("agent-id", agent.id), prop("agent-name", agent.name), prop("status", agent.status), ...(agent.environment ? [prop("environment", agent.environment)] : [])],
                  })),
                }
              : {}),
            "assessment-assets": {
              components: [
                {
                  uuid: tool,
                  type: "software",
                  title: "Steward",
                  description: "Steward's control evaluation over the agent inventory and recorded decisions.",
                  status: { state: "operational" },
                },
              ],
              "assessment-platforms": [{ uuid: platform, title: "Steward", "uses-components": [{ "component-uuid": tool }] }],
            },
          },
          "reviewed-controls": {
            "control-selections": [
              {
                ...(applicable.length ? { "include-controls": applicable.map((item) => ({ "control-id": tokenFor(fid, item.itemId) })) } : { "include-all": {} }),
                ...(notApplicable.length
                  ? {
                      "exclude-controls": notApplicable.map((item) => ({ "control-id": tokenFor(fid, item.itemId) })),
                      remarks: text(`Not applicable, with the justification recorded in Steward: ${notApplicable.map((item) => `${item.itemId}: ${item.notApplicableReason ?? "not applicable"}`).join("; ")}`),
                    }
                  : {}),
              },
            ],
          },
          observations: mappedControls
            .map((controlId) => controls.get(controlId))
            .filter((control): control is ControlResult => control !== undefined)
            .map((control) => {
              const evidence = content.evidence?.[control.controlId];
              const subjects = control.failingAgents.filter((agent) => agentNames.has(agent.agentId));
              return {
                uuid: uuid(oscalUuidKey.observation(fid, control.controlId)),
                title: text(control.title),
                description: text(control.summary),
                props: [prop("control-id", control.controlId), prop("control-status", control.status), prop("evidence-kind", control.evidenceKind)],
                methods: [control.evidenceKind === "automated" ? "TEST" : "EXAMINE"],
                types: ["control-objective"],
                origins: [
                  {
                    actors: [
                      { type: "tool", "actor-uuid": tool, props: [prop("tool", "Steward")] },
                      { type: "party", "actor-uuid": assessor, "role-id": "assessor" },
                    ],
                  },
                ],
                ...(subjects.length
                  ? { subjects: subjects.map((agent) => ({ "subject-uuid": agentUuid(agent.agentId), type: "inventory-item", title: text(`${agent.agentName} (${agent.agentId})`), remarks: text(agent.detail) })) }
                  : {}),
                "relevant-evidence": [
                  {
                    ...(evidence ? { href: `#${evidenceResource(control.controlId)}` } : {}),
                    description: text(`${measuresText(control) || control.summary} (period ${control.period.start} to ${control.period.end})`),
                    ...(evidence ? { props: [prop("sha256", evidence.sha256), prop("decisions-listed", evidence.export.decisions.length)] } : {}),
                    ...(control.failingAgentCount ? { remarks: `Failing agents: ${control.failingAgents.map((agent) => `${agent.agentName} (${agent.agentId}): ${agent.detail}`).join("; ")}` } : {}),
                  },
                ],
                collected: toRfc3339(control.collectedAt),
              };
            }),
          findings: applicable.map((item) => {
            const verdict = FINDING_STATE[item.status as Exclude<ItemStatus, "not_applicable">];
            return {
              uuid: uuid(oscalUuidKey.finding(fid, item.itemId)),
              title: text(`${item.itemId} ${item.title}`),
              description: text(
                item.controls.length
                  ? `Status ${item.status} from ${item.controls.length} mapped control(s): ${item.controls.map((control) => `${control.controlId} ${control.status}`).join(", ")}.`
                  : item.isLeaf
                    ? "No Steward control or policy is mapped to this item."
                    : `Status ${item.status}, rolled up from its sub-items.`,
              ),
              props: [prop("label", item.itemId), prop("alignment-status", item.status)],
              origins: [{ actors: [{ type: "tool", "actor-uuid": tool }, { type: "party", "actor-uuid": assessor, "role-id": "assessor" }] }],
              target: {
                type: "objective-id",
                "target-id": tokenFor(fid, item.itemId),
                props: [prop("label", item.itemId)],
                status: { state: verdict.state, reason: verdict.reason },
              },
              ...(item.controls.length
                ? { "related-observations": item.controls.filter((control) => controls.has(control.controlId)).map((control) => ({ "observation-uuid": uuid(oscalUuidKey.observation(fid, control.controlId)) })) }
                : {}),
            };
          }),
        };
      }),
      "back-matter": {
        resources: [
          {
            uuid: uuid(oscalUuidKey.assessmentPlan()),
            title: "Assessment plan: continuous evaluation of Steward controls over the agent inventory (as of the period's end) and runtime decisions",
            description: text((content.method?.statements ?? []).join(" ") || "Steward's control evaluation over the stated scope and period."),
            props: [prop("sha256", createHash("sha256").update(planBytes).digest("hex"))],
            base64: { filename: `steward-assessment-plan-${content.reportId}.json`, "media-type": "application/json", value: Buffer.from(planBytes).toString("base64") },
          },
          ...Object.entries(content.evidence ?? {})
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([controlId, evidence]) => ({
              uuid: evidenceResource(controlId),
              title: text(`Evidence for ${controlId}: counts, failing agents and sampled decisions`),
              props: [prop("control-id", controlId), prop("bytes", Buffer.byteLength(evidenceBytes(evidence.export)))],
              rlinks: [{ href: evidenceExportPath(content.reportId, controlId), "media-type": "application/json", hashes: [{ algorithm: "SHA-256", value: evidence.sha256 }] }],
            })),
        ],
      },
    },
  };
}
