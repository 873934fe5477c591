import { z } from "zod";
import { ENVIRONMENTS } from "@/db/enums";
import { sortParam } from "../http/query";

/** The shape of a framework catalog as shipped in lib/frameworks/catalogs and as imported in Steward JSON. */
export const CatalogItem = z.object({
  id: z.string().trim().min(1).max(120).describe("The publisher's item id, verbatim (e.g. GOVERN 1.1, NHI1:2025)"),
  title: z.string().trim().min(1).max(500),
  parent: z.string().trim().min(1).max(120).nullable().optional(),
  kind: z.string().trim().min(1).max(60).default("item"),
  description: z.string().max(4000).default(""),
  /** Only where the item differs from its catalog's `provenance.ids` (e.g. NIST's PDP among Steward-made ids). */
  idOrigin: z.enum(["official", "steward"]).optional(),
  /** Only where the item differs from its catalog's `provenance.titles`. */
  titleOrigin: z.enum(["official", "paraphrase"]).optional(),
});
export type CatalogItem = z.infer<typeof CatalogItem>;

/**
 * Where a catalog's ids and titles come from: `official` = the publisher's; ids `steward` = made up by
 * Steward because the publisher numbers nothing (MAESTRO threats); titles `paraphrase` = Steward's short
 * rewording (AI RMF subcategories). Items override it with `idOrigin` / `titleOrigin`.
 */
export const CatalogProvenance = z.object({
  ids: z.enum(["official", "steward"]).default("official"),
  titles: z.enum(["official", "paraphrase"]).default("official"),
  note: z.string().max(2000).default(""),
});
export type CatalogProvenance = z.infer<typeof CatalogProvenance>;

/** A framework id as stored and imported: a lower-case slug. */
const FrameworkId = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,79}$/, "use 2-80 lower-case letters, digits, dots and hyphens");

export const CatalogDocument = z
  .object({
    id: FrameworkId.describe("Framework id, e.g. iso-42001-2023"),
    name: z.string().trim().min(1).max(300),
    shortName: z.string().trim().min(1).max(60),
    version: z.string().trim().min(1).max(120),
    publisher: z.string().max(300).default(""),
    description: z.string().max(4000).default(""),
    /** Absent on an import: its ids and titles are taken as the publisher's (official). */
    provenance: CatalogProvenance.default({ ids: "official", titles: "official", note: "" }),
    items: z.array(CatalogItem).min(1).max(5000),
  })
  .superRefine((doc, ctx) => {
    const ids = new Set<string>();
    doc.items.forEach((item, index) => {
      if (ids.has(item.id)) ctx.addIssue({ code: "custom", path: ["items", index, "id"], message: `duplicate item id "${item.id}"` });
      ids.add(item.id);
    });
    doc.items.forEach((item, index) => {
      if (item.parent && !ids.has(item.parent)) ctx.addIssue({ code: "custom", path: ["items", index, "parent"], message: `parent "${item.parent}" is not an item of this catalog` });
    });
  });
export type CatalogDocument = z.infer<typeof CatalogDocument>;

export const ImportFrameworkInput = z.object({
  format: z.enum(["steward-json", "oscal-catalog"]).describe("steward-json: {id,name,shortName,version,items[]}; oscal-catalog: an OSCAL 1.x catalog document"),
  frameworkId: FrameworkId.optional().describe("Framework id to use for an OSCAL catalog (defaults to a slug of its title)"),
  document: z.unknown().describe("The catalog document itself"),
});
export type ImportFrameworkInput = z.infer<typeof ImportFrameworkInput>;

export const ReportScope = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }),
  z.object({ kind: z.literal("team"), teamId: z.string().min(1).max(80) }),
  z.object({ kind: z.literal("environment"), environment: z.enum(ENVIRONMENTS) }),
  z.object({ kind: z.literal("agent"), agentId: z.string().min(1).max(80) }),
]);
export type ReportScope = z.infer<typeof ReportScope>;

/** Names one mapping: the control, the framework and the item. */
export const MappingKeyQuery = z.object({
  controlId: z.string().min(1).max(80),
  frameworkId: z.string().min(1).max(80),
  itemId: z.string().min(1).max(120),
});

/** Why a custom mapping holds, or why a mapping is removed: required, so an auditor can judge the change. */
const MappingRationale = z.string().trim().min(10, "Say why, in at least 10 characters").max(1000);
export const MappingInput = MappingKeyQuery.extend({ rationale: MappingRationale.describe("Why the control evidences the item (shown in the console and every export)") });
export const MappingRemovalQuery = MappingKeyQuery.extend({ rationale: MappingRationale.describe("Why the mapping is removed (recorded in the audit trail)") });
export type MappingInput = z.infer<typeof MappingInput>;

export const ApplicabilityInput = z.object({
  frameworkId: z.string().min(1).max(80),
  itemId: z.string().min(1).max(120),
  notApplicableReason: z
    .string()
    .trim()
    .max(2000)
    .nullable()
    .describe("A justification marks the item not applicable; null makes it applicable again"),
});
export type ApplicabilityInput = z.infer<typeof ApplicabilityInput>;

const ManualEvidenceFields = z.object({
  kind: z.enum(["link", "file"]),
  url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  fileName: z.string().trim().min(1).max(200).optional(),
  fileContentBase64: z.base64().max(1_400_000, "files are limited to about 1 MB").optional(),
  attestation: z.string().trim().min(10, "say in a sentence what this evidence shows").max(2000),
  expiresAt: z.coerce.date().describe("When this evidence stops counting"),
});

function requireEvidenceTarget(input: { kind: "link" | "file"; url?: string; fileName?: string; fileContentBase64?: string }, ctx: z.RefinementCtx) {
  if (input.kind === "link" && !input.url) ctx.addIssue({ code: "custom", path: ["url"], message: "a link needs a URL" });
  if (input.kind === "file" && (!input.fileName || !input.fileContentBase64)) ctx.addIssue({ code: "custom", path: ["fileName"], message: "a file needs a name and content" });
}

/** The API body for POST /api/v1/controls/{id}/evidence (the control comes from the path). */
export const ManualEvidenceBody = ManualEvidenceFields.superRefine(requireEvidenceTarget);
export const ManualEvidenceInput = ManualEvidenceFields.extend({ controlId: z.string().min(1).max(80) }).superRefine(requireEvidenceTarget);
export type ManualEvidenceInput = z.infer<typeof ManualEvidenceInput>;

/** Reviewing manual evidence (a person other than the attester): the evidence's id. */
export const ReviewManualEvidenceInput = z.strictObject({ evidenceId: z.string().min(1).max(80).describe("The manual evidence's id (evd_…)") });
export type ReviewManualEvidenceInput = z.infer<typeof ReviewManualEvidenceInput>;

export const CreateReportInput = z.object({
  title: z.string().trim().min(1).max(200).default("Framework alignment report"),
  frameworkIds: z.array(z.string().min(1).max(80)).min(1, "pick at least one framework").max(20),
  scope: ReportScope.default({ kind: "all" }),
  periodStart: z.coerce.date(),
  periodEnd: z.coerce.date(),
});
export type CreateReportInput = z.infer<typeof CreateReportInput>;

export const REPORT_FORMATS = ["html", "csv", "json", "oscal"] as const;
export const ReportFormat = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormat>;

/** `all`, `team:<id>`, `environment:<prod|staging|dev>` or `agent:<id>` in a URL. */
export const ScopeParam = z
  .string()
  .max(100)
  .default("all")
  .transform((value, ctx): ReportScope => {
    if (value === "all") return { kind: "all" };
    const [kind, ...rest] = value.split(":");
    const id = rest.join(":");
    const parsed = ReportScope.safeParse(kind === "team" ? { kind, teamId: id } : kind === "environment" ? { kind, environment: id } : kind === "agent" ? { kind, agentId: id } : { kind });
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: "custom", message: "use all, team:<id>, environment:<prod|staging|dev> or agent:<id>" });
    return z.NEVER;
  })
  .describe("Evidence scope: all, team:<id>, environment:<prod|staging|dev> or agent:<id>");

export const AlignmentQuery = z.object({
  scope: ScopeParam,
  days: z.coerce.number().int().min(1).max(3660).default(30).describe("Evidence period: the last N days"),
});

export const MappingListQuery = z.object({ frameworkId: z.string().min(1).max(80).optional().describe("Only mappings to this framework") });

/** `v` is a version tag (the reports page sends the newest snapshot's id) so a browser fetches the chart again after a new snapshot. */
export const TrendQuery = z.strictObject({ v: z.string().max(100).optional().describe("Any version tag; changes nothing but the URL, so caches refetch") });
export const DownloadQuery = z.object({ format: ReportFormat.default("html").describe("html (printable), csv (row per item), json, or oscal (OSCAL 1.2.2 assessment-results)") });

export const CrosswalkQuery = z.object({ to: z.string().max(800).default("").describe("Comma-separated target framework ids; empty means all others") });

export const FrameworkView = z.object({
  id: z.string(),
  name: z.string(),
  shortName: z.string(),
  version: z.string(),
  publisher: z.string(),
  description: z.string(),
  source: z.enum(["builtin", "imported"]),
  revision: z.number(),
  contentHash: z.string(),
  idOrigin: z.enum(["official", "steward"]).describe("Whose item ids: the publisher's (official) or Steward's own (the publisher numbers none)"),
  titleOrigin: z.enum(["official", "paraphrase"]).describe("Whose item titles: the publisher's (official) or Steward's paraphrase"),
  provenanceNote: z.string().describe("Where the ids and titles come from, in words"),
});

export const ControlView = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  evidenceKind: z.enum(["automated", "manual"]),
  evidenceQuery: z.string().nullable(),
  builtin: z.boolean(),
});

export const MappingView = z.object({
  controlId: z.string(),
  frameworkId: z.string(),
  itemId: z.string(),
  rationale: z.string().describe("Why the control evidences the item (every default pair has its own; custom ones give theirs)"),
  origin: z.enum(["default", "custom"]),
});

/** A mapping in the control library, with its item's title and provenance (null when the item is gone). */
export const ControlMappingView = MappingView.extend({
  itemTitle: z.string().nullable(),
  idOrigin: z.enum(["official", "steward"]).nullable().describe("Whose id the item has: the publisher's (official) or Steward's own"),
  titleOrigin: z.enum(["official", "paraphrase"]).nullable().describe("Whose title: the publisher's (official) or Steward's paraphrase"),
});

export const ReportSummaryView = z.object({
  id: z.string(),
  title: z.string(),
  frameworkIds: z.array(z.string()),
  scope: z.unknown(),
  periodStart: z.string(),
  periodEnd: z.string(),
  sha256: z.string(),
  createdByLabel: z.string(),
  createdAt: z.string(),
});

/** GET /api/v1/reports and the Reports page: `sort` by title, period (its start), author or created (default newest first). */
export const ListReportsQuery = z.object({ sort: sortParam(["title", "period", "author", "created"], "-created") });
export type ListReportsQuery = z.infer<typeof ListReportsQuery>;
