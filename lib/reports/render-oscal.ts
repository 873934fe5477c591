import type { ItemStatus } from "../frameworks/alignment";
import type { ControlResult } from "../frameworks/evidence/evaluate-controls";
import { toOscalToken } from "./oscal-ids";
import { oscalUuidKey, type ReportContent } from "./report-content";

/** Namespace for Steward's own props (NIST constrains prop names in its namespace). */
export const STEWARD_OSCAL_NS = "https://steward.dev/ns/oscal";
export const OSCAL_VERSION = "1.2.2";

const prop = (name: string, value: string | number) => ({ name, ns: STEWARD_OSCAL_NS, value: String(value).trim() || "-" });
/** OSCAL strings must be non-empty without surrounding whitespace. */
const text = (value: string, fallback = "-") => value.trim() || fallback;
const toRfc3339 = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, "Z");

const FINDING_STATE: Record<ItemStatus, { state: "satisfied" | "not-satisfied"; reason: "pass" | "fail" | "other" }> = {
  covered: { state: "satisfied", reason: "pass" },
  partial: { state: "not-satisfied", reason: "other" },
  gap: { state: "not-satisfied", reason: "fail" },
  not_applicable: { state: "satisfied", reason: "other" },
};

function measuresText(control: ControlResult): string {
  return Object.entries(control.measures)
    .filter(([, value]) => value !== null && value !== "")
    .map(([name, value]) => `${name}=${value}`)
    .join(", ");
}

/** An OSCAL 1.2.2 assessment-results document: one result per framework, observations per control, findings per item. */
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
  return {
    "assessment-results": {
      uuid: uuid(oscalUuidKey.document()),
      metadata: {
        title: text(content.title),
        "last-modified": toRfc3339(content.generatedAt),
        version: content.reportId,
        "oscal-version": OSCAL_VERSION,
        props: [prop("report-id", content.reportId), prop("scope", content.scopeLabel), prop("generated-by", content.generatedBy)],
      },
      "import-ap": { href: `#${uuid(oscalUuidKey.assessmentPlan())}` },
      results: content.frameworks.map((framework) => {
        const fid = framework.framework.id;
        const mappedControls = [...new Set(framework.items.flatMap((item) => item.controls.map((control) => control.controlId)))].sort();
        return {
          uuid: uuid(oscalUuidKey.result(fid)),
          title: text(`${framework.framework.name} ${framework.framework.version}`),
          description: text(
            `Alignment of ${content.scopeLabel.toLowerCase()} with ${framework.framework.name}: ${framework.coverage.covered} covered, ${framework.coverage.partial} partial, ${framework.coverage.gap} gaps, ${framework.coverage.notApplicable} not applicable (${framework.coverage.percent}% coverage).`,
          ),
          start: toRfc3339(content.period.start),
          end: toRfc3339(content.period.end),
          props: [prop("framework-id", fid), prop("framework-version", framework.framework.version), prop("coverage-percent", framework.coverage.percent)],
          "reviewed-controls": {
            "control-selections": [{ "include-controls": framework.items.map((item) => ({ "control-id": tokenFor(fid, item.itemId) })) }],
          },
          observations: mappedControls
            .map((controlId) => controls.get(controlId))
            .filter((control): control is ControlResult => control !== undefined)
            .map((control) => ({
              uuid: uuid(oscalUuidKey.observation(fid, control.controlId)),
              title: text(control.title),
              description: text(control.summary),
              props: [prop("control-id", control.controlId), prop("control-status", control.status), prop("evidence-kind", control.evidenceKind)],
              methods: [control.evidenceKind === "automated" ? "TEST" : "EXAMINE"],
              types: ["control-objective"],
              origins: [{ actors: [{ type: "tool", "actor-uuid": uuid(oscalUuidKey.tool()), props: [prop("tool", "Steward")] }] }],
              "relevant-evidence": [
                {
                  description: text(`${measuresText(control) || control.summary} (period ${control.period.start} to ${control.period.end})`),
                  ...(control.failingAgentCount ? { remarks: `Failing agents: ${control.failingAgents.map((agent) => `${agent.agentName} (${agent.detail})`).join("; ")}` } : {}),
                },
              ],
              collected: toRfc3339(control.collectedAt),
            })),
          findings: framework.items.map((item) => {
            const verdict = FINDING_STATE[item.status];
            return {
              uuid: uuid(oscalUuidKey.finding(fid, item.itemId)),
              title: text(`${item.itemId} ${item.title}`),
              description: text(
                item.status === "not_applicable"
                  ? `Not applicable: ${item.notApplicableReason ?? ""}`
                  : item.controls.length
                    ? `Status ${item.status} from ${item.controls.length} mapped control(s): ${item.controls.map((control) => `${control.controlId} ${control.status}`).join(", ")}.`
                    : item.isLeaf
                      ? "No Steward control or policy is mapped to this item."
                      : `Status ${item.status}, rolled up from its sub-items.`,
              ),
              props: [prop("label", item.itemId), prop("alignment-status", item.status)],
              target: {
                type: "objective-id",
                "target-id": tokenFor(fid, item.itemId),
                props: [prop("label", item.itemId)],
                status: { state: verdict.state, reason: verdict.reason, ...(item.status === "not_applicable" ? { remarks: text(item.notApplicableReason ?? "not applicable") } : {}) },
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
            title: "Assessment plan: continuous evaluation of Steward controls over live agent inventory and runtime decisions",
            rlinks: [{ href: `urn:steward:report:${content.reportId}` }],
          },
        ],
      },
    },
  };
}
