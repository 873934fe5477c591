import { catalogProvenanceLine, provenanceMarks } from "../frameworks/provenance";
import type { ItemStatus } from "../frameworks/alignment";
import { periodText, utcTimestamp } from "./period-label";
import type { ReportContent } from "./report-content";
import { coverageBarsSvg, escapeXml as esc } from "./svg-charts";

const STATUS_LABEL: Record<ItemStatus, string> = { covered: "Covered", partial: "Partial", gap: "Gap", not_applicable: "Not applicable" };

const STYLES = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#14171f;margin:2rem auto;max-width:1000px;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid #d5dae3;padding-bottom:.25rem}h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1rem}th,td{border:1px solid #d5dae3;padding:.3rem .45rem;text-align:left;vertical-align:top}th{background:#eef1f5}
.meta{color:#566074;font-size:.9rem}.pill{display:inline-block;padding:0 .4rem;border-radius:4px;font-size:.8rem;font-weight:600}
.s-covered,.s-pass{background:#e3f6ec;color:#067647}.s-partial{background:#fff4d6;color:#8a5a00}.s-gap,.s-fail{background:#fdecea;color:#b42318}.s-not_applicable,.s-unknown{background:#eef1f5;color:#566074}
.hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8rem;word-break:break-all}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}tr,svg{break-inside:avoid}.no-print{display:none}a{color:inherit;text-decoration:none}}`;

/** A self-contained, printable report: executive summary, coverage chart, item table and evidence per framework. */
export function renderReportHtml(content: ReportContent, sha256: string): string {
  const results = new Map(content.controls.map((control) => [control.controlId, control]));
  // Only the controls mapped to an item of the chosen frameworks.
  const mapped = new Set(content.frameworks.flatMap((framework) => framework.items.flatMap((item) => item.controls.map((control) => control.controlId))));
  const controls = content.controls.filter((control) => mapped.has(control.controlId));
  const bars = coverageBarsSvg(content.coverage.map((coverage) => ({ ...coverage, label: content.frameworks.find((f) => f.framework.id === coverage.frameworkId)?.framework.shortName ?? coverage.frameworkId })));
  const failingControls = controls.filter((control) => control.status === "fail");
  const unknownControls = controls.filter((control) => control.status === "unknown");
  const summary = `<ul>${content.frameworks
    .map((f) => `<li><strong>${esc(f.framework.name)} ${esc(f.framework.version)}</strong>: ${f.coverage.percent}% coverage (${f.coverage.covered} covered, ${f.coverage.partial} partial, ${f.coverage.gap} gaps, ${f.coverage.notApplicable} not applicable of ${f.coverage.applicable + f.coverage.notApplicable} items).</li>`)
    .join("")}<li>${controls.length} controls evaluated: ${controls.filter((c) => c.status === "pass").length} pass, ${controls.filter((c) => c.status === "partial").length} partial, ${failingControls.length} fail, ${unknownControls.length} not yet measurable or without evidence.</li>${
    failingControls.length ? `<li>Failing controls: ${failingControls.map((c) => esc(c.title)).join("; ")}.</li>` : ""
  }</ul>`;
  const controlTable = `<table><thead><tr><th scope="col">Control</th><th scope="col">Status</th><th scope="col">Evidence</th><th scope="col">Failing agents (name, id)</th></tr></thead><tbody>${controls
    .map(
      (control) =>
        `<tr><td>${esc(control.title)}<br><span class="meta">${esc(control.controlId)} · ${control.evidenceKind}${control.rule ? ` · ${esc(control.rule)}` : ""}</span></td><td><span class="pill s-${control.status}">${control.status}</span></td><td>${esc(control.summary)}<br><span class="meta">period ${esc(control.period.start)} to ${esc(control.period.end)}</span></td><td>${
          control.failingAgentCount
            ? `${control.failingAgentCount}: ${control.failingAgents.map((agent) => `${esc(agent.agentName)} <span class="hash">${esc(agent.agentId)}</span> (${esc(agent.detail)})`).join("; ")}${control.failingAgentCount > control.failingAgents.length ? " …" : ""}`
            : "—"
        }${
          control.sampleDecisions?.length
            ? `<br><span class="meta">Sample decisions:</span> ${control.sampleDecisions.map((sample) => `<a href="${esc(sample.href)}" class="hash">${esc(sample.decisionId)}</a> (${esc(sample.agentId)}, ${esc(sample.time)})`).join("; ")}`
            : ""
        }</td></tr>`,
    )
    .join("")}</tbody></table>`;
  const frameworkSections = content.frameworks
    .map(
      (framework) =>
        `<h2>${esc(framework.framework.name)} ${esc(framework.framework.version)}</h2><p class="meta">${esc(framework.framework.publisher)} · catalog revision ${framework.framework.revision}${catalogProvenanceLine(framework.framework) ? `<br>Provenance: ${esc(catalogProvenanceLine(framework.framework))} ${esc(framework.framework.provenanceNote ?? "")}` : ""}</p><table><thead><tr><th scope="col">Item</th><th scope="col">Status</th><th scope="col">Controls and policies</th><th scope="col">Evidence</th></tr></thead><tbody>${framework.items
          .map(
            (item) =>
              `<tr><td style="padding-left:${0.45 + item.depth}rem"><strong>${esc(item.itemId)}</strong> ${esc(item.title)}${provenanceMarks(item.idOrigin, item.titleOrigin).length ? ` <span class="meta">(${esc(provenanceMarks(item.idOrigin, item.titleOrigin).join("; "))})</span>` : ""}</td><td><span class="pill s-${item.status}">${STATUS_LABEL[item.status]}</span>${item.notApplicableReason ? `<br><span class="meta">${esc(item.notApplicableReason)}</span>` : ""}</td><td>${
                [...item.controls.map((control) => `${esc(control.controlId)} <span class="pill s-${control.status}">${control.status}</span>${control.origin === "custom" ? ` <strong>custom mapping</strong>` : ""}${control.rationale ? `<br><span class="meta">Why it maps: ${esc(control.rationale)}</span>` : ""}`), ...item.policies.map((policy) => `policy ${esc(policy.policyName)}`)].join("<br>") || "—"
              }</td><td>${item.controls.map((control) => esc(results.get(control.controlId)?.summary ?? "")).join("<br>") || (item.isLeaf ? "No mapped evidence" : "Rolled up from sub-items")}</td></tr>`,
          )
          .join("")}</tbody></table>`,
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(content.title)}</title><style>${STYLES}</style></head><body><main>
<h1>${esc(content.title)}</h1>
<p class="meta">${esc(content.scopeLabel)} · period ${esc(periodText(content.period))} · ${content.agentsInScope} agents · ${content.decisionsInPeriod} decisions<br>Generated ${esc(utcTimestamp(content.generatedAt))} by ${esc(content.generatedBy)} · report ${esc(content.reportId)}</p>
<p class="meta">SHA-256 of the stored snapshot: <span class="hash">${esc(sha256)}</span></p>
<h2>Executive summary</h2>${summary}
<h2>Coverage</h2>${bars}
<h2>Controls and evidence</h2>${controlTable}
${methodSection(content)}
${frameworkSections}
</main></body></html>`;
}

/** The method an auditor reads: rules, how partial counts, the settings used. */
function methodSection(content: ReportContent): string {
  if (!content.method) return `<h2>Method</h2><p>This snapshot was made before reports recorded their method; see docs/frameworks.md of the Steward version that made it.</p>`;
  const settings = content.settings
    ? `<h3>Settings used</h3><table><tbody>${Object.entries(content.settings)
        .filter(([, value]) => typeof value !== "object")
        .map(([key, value]) => `<tr><th scope="row">${esc(key)}</th><td>${esc(String(value))}</td></tr>`)
        .join("")}</tbody></table>`
    : "";
  return `<h2>Method</h2><ul>${content.method.statements.map((line) => `<li>${esc(line)}</li>`).join("")}</ul>${settings}`;
}
