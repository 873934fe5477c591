import { createHash } from "node:crypto";
import { decisionRecords, type DecisionRecord } from "@/db/frameworks";
import type { Executor } from "@/db/client";
import { canonicalJson } from "../audit/canonical-json";
import type { AgentEvidence, ControlResult } from "../frameworks/evidence/evaluate-controls";

/**
 * The evidence behind one control's observation in a report, frozen when the report is made: the
 * counts it was judged on, the agents that fail it, and the full stored records of the violating
 * decisions it sampled (with their content hashes, so each can be matched against the decision log
 * while it is retained). Serialised as canonical JSON (RFC 8785 style: sorted keys, no whitespace);
 * `sha256` in the report is the SHA-256 of exactly those bytes, which
 * `GET /api/v1/reports/{id}/evidence/{controlId}` serves.
 */
export type ControlEvidenceExport = {
  format: "steward.control-evidence/1";
  reportId: string;
  controlId: string;
  title: string;
  status: ControlResult["status"];
  period: { start: string; end: string };
  rule: string;
  dataRequired: string;
  measures: ControlResult["measures"];
  failingAgentCount: number;
  failingAgents: AgentEvidence[];
  /** The sampled violating decisions (failing or partial decision-based controls; up to five). */
  decisions: (DecisionRecord & { href: string })[];
  /** Where the rest of the period's decisions of the failing agents can be read (the decision log API). */
  decisionLog: string;
};

export type StoredEvidence = { export: ControlEvidenceExport; sha256: string };

export function evidenceBytes(evidence: ControlEvidenceExport): string {
  return canonicalJson(evidence);
}

export function evidenceSha256(evidence: ControlEvidenceExport): string {
  return createHash("sha256").update(evidenceBytes(evidence)).digest("hex");
}

/** One export per control in the report, with the sampled decisions read in one query. */
export async function buildEvidenceExports(db: Executor, reportId: string, controls: ControlResult[]): Promise<Record<string, StoredEvidence>> {
  const samples = controls.flatMap((control) => control.sampleDecisions ?? []);
  const records = new Map((await decisionRecords(db, samples)).map((record) => [`${record.enforcementPointId}\u0000${record.decisionId}`, record]));
  const exports: Record<string, StoredEvidence> = {};
  for (const control of controls) {
    const decisions = (control.sampleDecisions ?? []).flatMap((sample) => {
      const record = records.get(`${sample.enforcementPointId}\u0000${sample.decisionId}`);
      return record ? [{ ...record, href: sample.href }] : [];
    });
    const evidence: ControlEvidenceExport = {
      format: "steward.control-evidence/1",
      reportId,
      controlId: control.controlId,
      title: control.title,
      status: control.status,
      period: control.period,
      rule: control.rule,
      dataRequired: control.dataRequired,
      measures: control.measures,
      failingAgentCount: control.failingAgentCount,
      failingAgents: control.failingAgents,
      decisions,
      decisionLog: `/api/v1/decisions?${new URLSearchParams({ from: control.period.start, to: control.period.end })}`,
    };
    exports[control.controlId] = { export: evidence, sha256: evidenceSha256(evidence) };
  }
  return exports;
}
