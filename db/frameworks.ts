import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { StewardError } from "@/lib/errors";
import type { Executor } from "./client";
import { queryRows } from "./rows";
import { controlMappings, controls, frameworkItems, frameworks, manualEvidence, removedDefaultMappings, reportSnapshots } from "./schema";

export type FrameworkRow = typeof frameworks.$inferSelect;
export type FrameworkItemRow = typeof frameworkItems.$inferSelect;
export type ControlRow = typeof controls.$inferSelect;
export type MappingRow = typeof controlMappings.$inferSelect;
export type ManualEvidenceRow = typeof manualEvidence.$inferSelect;
export type ReportSnapshotRow = typeof reportSnapshots.$inferSelect;

export async function listFrameworks(db: Executor): Promise<FrameworkRow[]> {
  return db.select().from(frameworks).orderBy(asc(frameworks.source), asc(frameworks.name));
}

export async function getFramework(db: Executor, id: string): Promise<FrameworkRow | undefined> {
  const [row] = await db.select().from(frameworks).where(eq(frameworks.id, id)).limit(1);
  return row;
}

export async function getFrameworkOrThrow(db: Executor, id: string): Promise<FrameworkRow> {
  const row = await getFramework(db, id);
  if (!row) throw new StewardError("not_found", `Framework ${id} does not exist`, { path: "frameworkId" });
  return row;
}

export async function listFrameworkItems(db: Executor, frameworkIds?: string[]): Promise<FrameworkItemRow[]> {
  const query = db.select().from(frameworkItems);
  const filtered = frameworkIds ? query.where(inArray(frameworkItems.frameworkId, frameworkIds)) : query;
  return filtered.orderBy(asc(frameworkItems.frameworkId), asc(frameworkItems.position));
}

export async function getFrameworkItemOrThrow(db: Executor, frameworkId: string, itemId: string): Promise<FrameworkItemRow> {
  const [row] = await db
    .select()
    .from(frameworkItems)
    .where(and(eq(frameworkItems.frameworkId, frameworkId), eq(frameworkItems.itemId, itemId)))
    .limit(1);
  if (!row) throw new StewardError("not_found", `Item "${itemId}" does not exist in framework ${frameworkId}`, { path: "itemId" });
  return row;
}

export async function setItemApplicability(db: Executor, frameworkId: string, itemId: string, reason: string | null): Promise<void> {
  await db
    .update(frameworkItems)
    .set({ notApplicableReason: reason })
    .where(and(eq(frameworkItems.frameworkId, frameworkId), eq(frameworkItems.itemId, itemId)));
}

/**
 * Writes a catalog's items: new ones inserted, known ones updated in place (keeping the
 * organisation's not-applicable justification), vanished ones removed.
 */
export async function replaceFrameworkItems(
  db: Executor,
  frameworkId: string,
  items: { itemId: string; title: string; parentId: string | null; kind: string; description: string }[],
): Promise<void> {
  const existing = await db.select({ itemId: frameworkItems.itemId }).from(frameworkItems).where(eq(frameworkItems.frameworkId, frameworkId));
  const keep = new Set(items.map((item) => item.itemId));
  const gone = existing.map((row) => row.itemId).filter((id) => !keep.has(id));
  if (gone.length) await db.delete(frameworkItems).where(and(eq(frameworkItems.frameworkId, frameworkId), inArray(frameworkItems.itemId, gone)));
  const rows = items.map((item, position) => ({ frameworkId, position, ...item }));
  for (let start = 0; start < rows.length; start += 500) {
    await db
      .insert(frameworkItems)
      .values(rows.slice(start, start + 500))
      .onConflictDoUpdate({
        target: [frameworkItems.frameworkId, frameworkItems.itemId],
        set: {
          title: sql`excluded.title`,
          parentId: sql`excluded.parent_id`,
          kind: sql`excluded.kind`,
          description: sql`excluded.description`,
          position: sql`excluded.position`,
        },
      });
  }
}

export async function upsertFramework(db: Executor, row: Omit<FrameworkRow, "loadedAt" | "revision">): Promise<void> {
  await db
    .insert(frameworks)
    .values(row)
    .onConflictDoUpdate({
      target: frameworks.id,
      set: {
        name: row.name,
        shortName: row.shortName,
        version: row.version,
        publisher: row.publisher,
        description: row.description,
        source: row.source,
        contentHash: row.contentHash,
        revision: sql`${frameworks.revision} + 1`,
        loadedAt: new Date(),
      },
    });
}

export async function listControls(db: Executor): Promise<ControlRow[]> {
  return db.select().from(controls).orderBy(desc(controls.builtin), asc(controls.title));
}

export async function getControlOrThrow(db: Executor, id: string): Promise<ControlRow> {
  const [row] = await db.select().from(controls).where(eq(controls.id, id)).limit(1);
  if (!row) throw new StewardError("not_found", `Control ${id} does not exist`, { path: "controlId" });
  return row;
}

export async function upsertControl(db: Executor, row: Omit<ControlRow, "createdAt" | "updatedAt">): Promise<void> {
  await db
    .insert(controls)
    .values(row)
    .onConflictDoUpdate({
      target: controls.id,
      set: { title: row.title, description: row.description, evidenceKind: row.evidenceKind, evidenceQuery: row.evidenceQuery, updatedAt: new Date() },
    });
}

export async function listMappings(db: Executor, frameworkIds?: string[]): Promise<MappingRow[]> {
  const query = db.select().from(controlMappings);
  const filtered = frameworkIds ? query.where(inArray(controlMappings.frameworkId, frameworkIds)) : query;
  return filtered.orderBy(asc(controlMappings.frameworkId), asc(controlMappings.itemId), asc(controlMappings.controlId));
}

export async function findMapping(db: Executor, key: { controlId: string; frameworkId: string; itemId: string }): Promise<MappingRow | undefined> {
  const [row] = await db
    .select()
    .from(controlMappings)
    .where(and(eq(controlMappings.controlId, key.controlId), eq(controlMappings.frameworkId, key.frameworkId), eq(controlMappings.itemId, key.itemId)))
    .limit(1);
  return row;
}

export async function insertMapping(db: Executor, row: Omit<MappingRow, "createdAt">): Promise<MappingRow> {
  const [inserted] = await db.insert(controlMappings).values(row).returning();
  await db
    .delete(removedDefaultMappings)
    .where(and(eq(removedDefaultMappings.controlId, row.controlId), eq(removedDefaultMappings.frameworkId, row.frameworkId), eq(removedDefaultMappings.itemId, row.itemId)));
  return inserted!;
}

export async function deleteMapping(db: Executor, row: MappingRow): Promise<void> {
  await db
    .delete(controlMappings)
    .where(and(eq(controlMappings.controlId, row.controlId), eq(controlMappings.frameworkId, row.frameworkId), eq(controlMappings.itemId, row.itemId)));
  if (row.origin === "default") {
    await db.insert(removedDefaultMappings).values({ controlId: row.controlId, frameworkId: row.frameworkId, itemId: row.itemId }).onConflictDoNothing();
  }
}

/** Adds shipped default mappings that are neither present nor deliberately removed. */
export async function insertDefaultMappings(db: Executor, rows: { controlId: string; frameworkId: string; itemId: string; rationale: string }[]): Promise<number> {
  if (!rows.length) return 0;
  const removed = await db.select().from(removedDefaultMappings);
  const removedKeys = new Set(removed.map((row) => `${row.controlId}\u0000${row.frameworkId}\u0000${row.itemId}`));
  const wanted = rows.filter((row) => !removedKeys.has(`${row.controlId}\u0000${row.frameworkId}\u0000${row.itemId}`)).map((row) => ({ ...row, origin: "default" as const }));
  let inserted = 0;
  for (let start = 0; start < wanted.length; start += 500) {
    const result = await db.insert(controlMappings).values(wanted.slice(start, start + 500)).onConflictDoNothing().returning({ controlId: controlMappings.controlId });
    inserted += result.length;
  }
  return inserted;
}

export async function listManualEvidence(db: Executor, controlId?: string): Promise<ManualEvidenceRow[]> {
  const query = db.select().from(manualEvidence);
  const filtered = controlId ? query.where(eq(manualEvidence.controlId, controlId)) : query;
  return filtered.orderBy(desc(manualEvidence.attestedAt));
}

export async function insertManualEvidence(db: Executor, row: typeof manualEvidence.$inferInsert): Promise<ManualEvidenceRow> {
  const [inserted] = await db.insert(manualEvidence).values(row).returning();
  return inserted!;
}

export async function insertReportSnapshot(db: Executor, row: Omit<ReportSnapshotRow, "createdAt"> & { createdAt: Date }): Promise<ReportSnapshotRow> {
  const [inserted] = await db.insert(reportSnapshots).values(row).returning();
  return inserted!;
}

export type ReportSnapshotSummary = Omit<ReportSnapshotRow, "content">;

export async function listReportSnapshots(db: Executor, limit = 200): Promise<ReportSnapshotSummary[]> {
  return db
    .select({
      id: reportSnapshots.id,
      title: reportSnapshots.title,
      frameworkIds: reportSnapshots.frameworkIds,
      scope: reportSnapshots.scope,
      periodStart: reportSnapshots.periodStart,
      periodEnd: reportSnapshots.periodEnd,
      sha256: reportSnapshots.sha256,
      createdBy: reportSnapshots.createdBy,
      createdByLabel: reportSnapshots.createdByLabel,
      createdAt: reportSnapshots.createdAt,
    })
    .from(reportSnapshots)
    .orderBy(desc(reportSnapshots.createdAt))
    .limit(limit);
}

export async function getReportSnapshotOrThrow(db: Executor, id: string): Promise<ReportSnapshotRow> {
  const [row] = await db.select().from(reportSnapshots).where(eq(reportSnapshots.id, id)).limit(1);
  if (!row) throw new StewardError("not_found", `Report ${id} does not exist`);
  return row;
}

/** Per-framework coverage over time, read from the stored snapshots' summaries. */
export async function listCoverageHistory(db: Executor): Promise<{ id: string; createdAt: Date; scope: unknown; coverage: unknown }[]> {
  return db
    .select({ id: reportSnapshots.id, createdAt: reportSnapshots.createdAt, scope: reportSnapshots.scope, coverage: sql<unknown>`${reportSnapshots.content} -> 'coverage'` })
    .from(reportSnapshots)
    .orderBy(asc(reportSnapshots.createdAt));
}

/**
 * Of `policyIds`, those named among the determining policies (`reasons`) of at least one decision in
 * [start, end). One existence probe per policy over the period's partitions; stops at the first hit.
 */
export async function policiesThatDetermined(db: Executor, policyIds: string[], period: { start: Date; end: Date }): Promise<string[]> {
  if (!policyIds.length) return [];
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select p.id from jsonb_array_elements_text(${JSON.stringify(policyIds)}::jsonb) as p(id)
         where exists (select 1 from decisions d
                        where d.time >= ${period.start.toISOString()}::timestamptz and d.time < ${period.end.toISOString()}::timestamptz
                          and d.reasons ? p.id)`,
  );
  return rows.map((row) => row.id);
}

/** When Steward first held data: the earliest agent registration or recorded decision (null: none yet). */
export async function firstDataAt(db: Executor): Promise<Date | null> {
  const [row] = await queryRows<{ first: string | Date | null }>(db, sql`select least((select min(created_at) from agents), (select min(time) from decisions)) as first`);
  return row?.first ? new Date(row.first) : null;
}
