import { toCsv } from "@/lib/csv";
import { periodLabels } from "./period-label";
import type { ReportContent } from "./report-content";

export const REPORT_CSV_COLUMNS = [
  "framework_id",
  "framework_version",
  "item_id",
  "parent_id",
  "title",
  "status",
  "not_applicable_reason",
  "controls",
  "policies",
  "evidence",
  "failing_agents",
  "rules",
  "custom_mappings",
  "sample_decisions",
  "period_start",
  "period_end",
  // The last day covered (period_end is the exclusive instant after it).
  "period_last_day",
  // Every mapping of the item with its rationale (`control: rationale`), defaults and custom ones alike.
  "mapping_rationales",
  // Whose id and title: official (the publisher's), steward (an id Steward made up), paraphrase (Steward's wording).
  // Empty in reports stored before provenance was recorded.
  "id_origin",
  "title_origin",
] as const;

/** One row per framework item; controls as `id=status` joined by `;`. */
export function renderReportCsv(content: ReportContent): string {
  const results = new Map(content.controls.map((control) => [control.controlId, control]));
  const rows = content.frameworks.flatMap((framework) =>
    framework.items.map((item) => [
      framework.framework.id,
      framework.framework.version,
      item.itemId,
      item.parentId ?? "",
      item.title,
      item.status,
      item.notApplicableReason ?? "",
      item.controls.map((control) => `${control.controlId}=${control.status}`).join(";"),
      item.policies.map((policy) => policy.policyId).join(";"),
      item.controls.map((control) => results.get(control.controlId)?.summary ?? "").join(" | "),
      // name <id> per failing agent of the item's failing or partial controls: traceable to the inventory.
      [...new Set(item.controls.flatMap((control) => (results.get(control.controlId)?.failingAgents ?? []).map((agent) => `${agent.agentName} <${agent.agentId}>`)))].join("; "),
      item.controls.map((control) => `${control.controlId}: ${results.get(control.controlId)?.rule ?? ""}`).join(" | "),
      // Mappings an engineer added, with the rationale they gave: an auditor sees what departs from the defaults.
      item.controls.filter((control) => control.origin === "custom").map((control) => `${control.controlId}: ${control.rationale}`).join(" | "),
      // <enforcement point>/<decision id> of sampled violating decisions, as the console's decision view names them.
      item.controls.flatMap((control) => (results.get(control.controlId)?.sampleDecisions ?? []).map((sample) => `${sample.enforcementPointId}/${sample.decisionId}`)).join(";"),
      content.period.start,
      content.period.end,
      periodLabels(content.period).to,
      item.controls.map((control) => `${control.controlId}: ${control.rationale}`).join(" | "),
      item.idOrigin ?? "",
      item.titleOrigin ?? "",
    ]),
  );
  return toCsv(REPORT_CSV_COLUMNS, rows);
}
