import type { CoverageSummary, FrameworkAlignment } from "../frameworks/alignment";
import type { ControlResult } from "../frameworks/evidence/evaluate-controls";
import type { ReportScope } from "../frameworks/schemas";
import type { Settings } from "../settings/settings";
import type { StoredEvidence } from "./evidence-export";

/** An agent as the report judged it (as of the period's end), an OSCAL inventory item. */
export type InventoryAgent = { id: string; name: string; status: string; environment: string | null; ownerId: string | null };
/** An enforcement point registered when the report was made, an OSCAL component. */
export type InventoryEnforcementPoint = { id: string; name: string; kind: string; environment: string; enabled: boolean };

/** How statuses were decided, printed in every report (absent on snapshots made before it was recorded). */
export type ReportMethod = {
  /** One line per rule: item roll-up, coverage, evidence timing. */
  statements: string[];
  /** Per control in the report: its rule and the data it needs. */
  controls: { controlId: string; rule: string; dataRequired: string }[];
};

/** What a snapshot stores. Every download format is rendered from exactly this, so downloads never drift. */
export type ReportContent = {
  schemaVersion: 1;
  reportId: string;
  title: string;
  generatedAt: string;
  generatedBy: string;
  scope: ReportScope;
  scopeLabel: string;
  period: { start: string; end: string };
  agentsInScope: number;
  decisionsInPeriod: number;
  coverage: CoverageSummary[];
  frameworks: FrameworkAlignment[];
  controls: ControlResult[];
  /** The method the statuses follow (reports made before it was recorded lack it). */
  method?: ReportMethod;
  /** The settings the evaluation used, as they were when the report was made. */
  settings?: Settings;
  /** The agents in scope as of the period's end, and the enforcement points (absent on older snapshots). */
  inventory?: { agents: InventoryAgent[]; enforcementPoints: InventoryEnforcementPoint[] };
  /** Per control: its frozen evidence export and that export's SHA-256 (absent on older snapshots). */
  evidence?: Record<string, StoredEvidence>;
  /** The audit chain's head (sequence, hash) when the report was made, also anchored outside the database. */
  auditHead?: { seq: number; hash: string } | null;
  /** Random v4 UUIDs fixed at creation, so every OSCAL download of a snapshot is identical. */
  oscalUuids: Record<string, string>;
};

export const oscalUuidKey = {
  document: () => "document",
  assessmentPlan: () => "assessment-plan",
  tool: () => "tool",
  assessor: () => "assessor",
  platform: () => "platform",
  result: (frameworkId: string) => `result:${frameworkId}`,
  observation: (frameworkId: string, controlId: string) => `observation:${frameworkId}:${controlId}`,
  finding: (frameworkId: string, itemId: string) => `finding:${frameworkId}:${itemId}`,
};
