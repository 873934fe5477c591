import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** A framework catalog: shipped ones are reloaded when their content hash changes; imported ones belong to admins. */
export const frameworks = pgTable("frameworks", {
  id: text("id").primaryKey(), // e.g. owasp-agentic-top10-2026
  name: text("name").notNull(),
  shortName: text("short_name").notNull(),
  version: text("version").notNull(),
  publisher: text("publisher").notNull().default(""),
  description: text("description").notNull().default(""),
  source: text("source", { enum: ["builtin", "imported"] }).notNull(),
  /** SHA-256 of the loaded catalog content; a shipped catalog is reloaded only when this changes. */
  contentHash: text("content_hash").notNull(),
  /** Whose ids: "official" (the publisher's) or "steward" (the publisher numbers nothing; Steward's own). */
  idOrigin: text("id_origin", { enum: ["official", "steward"] }).notNull().default("official"),
  /** Whose titles: "official" or "paraphrase" (Steward's short rewording of the publisher's text). */
  titleOrigin: text("title_origin", { enum: ["official", "paraphrase"] }).notNull().default("official"),
  /** Where ids and titles come from, in words, shown with the catalog and in exports. */
  provenanceNote: text("provenance_note").notNull().default(""),
  /** Incremented each time the catalog's content changes. */
  revision: integer("revision").notNull().default(1),
  loadedAt: timestamp("loaded_at", { withTimezone: true }).notNull().defaultNow(),
});

export const frameworkItems = pgTable(
  "framework_items",
  {
    frameworkId: text("framework_id")
      .notNull()
      .references(() => frameworks.id, { onDelete: "cascade" }),
    /** The publisher's id, verbatim (`GOVERN 1.1`, `NHI1:2025`). */
    itemId: text("item_id").notNull(),
    title: text("title").notNull(),
    parentId: text("parent_id"),
    kind: text("kind").notNull().default("item"),
    description: text("description").notNull().default(""),
    position: integer("position").notNull(),
    /** This item's own id and title provenance (the catalog's unless the item differs). */
    idOrigin: text("id_origin", { enum: ["official", "steward"] }).notNull().default("official"),
    titleOrigin: text("title_origin", { enum: ["official", "paraphrase"] }).notNull().default("official"),
    /** Set when the organisation scoped the item out; the justification is required. */
    notApplicableReason: text("not_applicable_reason"),
  },
  (table) => [primaryKey({ columns: [table.frameworkId, table.itemId] }), index("framework_items_parent_idx").on(table.frameworkId, table.parentId)],
);

export const EVIDENCE_KINDS = ["automated", "manual"] as const;

/** Steward's control library: checkable statements with an automated evidence query or manual evidence. */
export const controls = pgTable("controls", {
  id: text("id").primaryKey(), // ctl_… for custom controls; a stable slug for shipped ones
  title: text("title").notNull(),
  description: text("description").notNull().default(""),
  evidenceKind: text("evidence_kind", { enum: EVIDENCE_KINDS }).notNull(),
  /** Names the evaluator in lib/frameworks/evidence for automated controls. */
  evidenceQuery: text("evidence_query"),
  builtin: boolean("builtin").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const controlMappings = pgTable(
  "control_mappings",
  {
    controlId: text("control_id")
      .notNull()
      .references(() => controls.id, { onDelete: "cascade" }),
    frameworkId: text("framework_id").notNull(),
    itemId: text("item_id").notNull(),
    rationale: text("rationale").notNull().default(""),
    /** Shipped default mappings are re-created only when missing and never after an edit removed them. */
    origin: text("origin", { enum: ["default", "custom"] }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.controlId, table.frameworkId, table.itemId] }), index("control_mappings_item_idx").on(table.frameworkId, table.itemId)],
);

/** Default mappings an engineer removed, so a restart does not bring them back. */
export const removedDefaultMappings = pgTable(
  "removed_default_mappings",
  {
    controlId: text("control_id").notNull(),
    frameworkId: text("framework_id").notNull(),
    itemId: text("item_id").notNull(),
    removedAt: timestamp("removed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.controlId, table.frameworkId, table.itemId] })],
);

export const MANUAL_EVIDENCE_REVIEW_STATUSES = ["pending", "reviewed"] as const;

/** Manual evidence for a control: a link or a small file, attested by a person, valid until it expires. */
export const manualEvidence = pgTable(
  "manual_evidence",
  {
    id: text("id").primaryKey(), // evd_…
    controlId: text("control_id")
      .notNull()
      .references(() => controls.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["link", "file"] }).notNull(),
    url: text("url"),
    fileName: text("file_name"),
    fileContentBase64: text("file_content_base64"),
    attestation: text("attestation").notNull(),
    attestedBy: text("attested_by").notNull(),
    attestedAt: timestamp("attested_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** Who attested, as an identity (user id or token id), so the reviewer can be told apart; null on rows from before reviews. */
    attestedById: text("attested_by_id"),
    /** SHA-256 (hex) of the uploaded file's bytes, and their length; null for links. */
    fileSha256: text("file_sha256"),
    fileSizeBytes: integer("file_size_bytes"),
    /** Only reviewed evidence counts: a person other than the attester confirms it (pending → reviewed). */
    reviewStatus: text("review_status", { enum: MANUAL_EVIDENCE_REVIEW_STATUSES }).notNull().default("pending"),
    reviewedBy: text("reviewed_by"),
    reviewedById: text("reviewed_by_id"),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
  },
  (table) => [index("manual_evidence_control_idx").on(table.controlId)],
);

/** Immutable alignment report snapshots (a trigger refuses UPDATE and DELETE). */
export const reportSnapshots = pgTable(
  "report_snapshots",
  {
    id: text("id").primaryKey(), // rpt_…
    title: text("title").notNull(),
    frameworkIds: jsonb("framework_ids").$type<string[]>().notNull(),
    scope: jsonb("scope").notNull(),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    periodEnd: timestamp("period_end", { withTimezone: true }).notNull(),
    content: jsonb("content").notNull(),
    /** SHA-256 of the canonical JSON of `content`. */
    sha256: text("sha256").notNull(),
    createdBy: text("created_by").notNull(),
    createdByLabel: text("created_by_label").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("report_snapshots_created_idx").on(table.createdAt)],
);
