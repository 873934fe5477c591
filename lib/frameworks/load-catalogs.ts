import { createHash } from "node:crypto";
import type { Db, Executor } from "@/db/client";
import { advisoryXactLock } from "@/db/locks";
import { getFramework, syncDefaultMappings, replaceFrameworkItems, upsertControl, upsertFramework } from "@/db/frameworks";
import { canonicalJson } from "../audit/canonical-json";
import { SHIPPED_CATALOGS } from "./catalogs";
import { CONTROL_LIBRARY, defaultMappings } from "./control-library";
import type { CatalogDocument } from "./schemas";

/** Held while loading so two starting processes do not load the catalogs at once. */
const CATALOG_LOAD_LOCK_KEY = 7_363_060;

export function catalogContentHash(doc: CatalogDocument): string {
  return createHash("sha256").update(canonicalJson(doc)).digest("hex");
}

/** Writes one catalog if its content changed; returns whether anything was written. */
export async function storeCatalog(db: Executor, doc: CatalogDocument, source: "builtin" | "imported"): Promise<boolean> {
  const contentHash = catalogContentHash(doc);
  const existing = await getFramework(db, doc.id);
  if (existing?.contentHash === contentHash && existing.source === source) return false;
  await upsertFramework(db, {
    id: doc.id,
    name: doc.name,
    shortName: doc.shortName,
    version: doc.version,
    publisher: doc.publisher,
    description: doc.description,
    idOrigin: doc.provenance.ids,
    titleOrigin: doc.provenance.titles,
    provenanceNote: doc.provenance.note,
    source,
    contentHash,
  });
  await replaceFrameworkItems(
    db,
    doc.id,
    doc.items.map((item) => ({
      itemId: item.id,
      title: item.title,
      parentId: item.parent ?? null,
      kind: item.kind,
      description: item.description,
      idOrigin: item.idOrigin ?? doc.provenance.ids,
      titleOrigin: item.titleOrigin ?? doc.provenance.titles,
    })),
  );
  return true;
}

/**
 * Loads the shipped catalogs, the control library and its default mappings. Idempotent: an
 * unchanged catalog is skipped by content hash, and mappings an engineer removed stay removed.
 */
export async function loadShippedFrameworks(db: Db): Promise<{ catalogsWritten: number; mappingsAdded: number; rationalesUpdated: number; mappingsWithdrawn: number }> {
  return db.transaction(async (tx) => {
    await advisoryXactLock(tx, CATALOG_LOAD_LOCK_KEY);
    let catalogsWritten = 0;
    for (const doc of SHIPPED_CATALOGS) if (await storeCatalog(tx, doc, "builtin")) catalogsWritten++;
    for (const control of CONTROL_LIBRARY) {
      await upsertControl(tx, {
        id: control.id,
        title: control.title,
        description: control.description,
        evidenceKind: control.evidenceQuery ? "automated" : "manual",
        evidenceQuery: control.evidenceQuery,
        builtin: true,
      });
    }
    const sync = await syncDefaultMappings(tx, defaultMappingRows(), shippedItemAncestors());
    return { catalogsWritten, mappingsAdded: sync.inserted, rationalesUpdated: sync.rationaleUpdated, mappingsWithdrawn: sync.withdrawn };
  });
}

/** Every default pair with its rationale (control → framework item), as stored with origin "default". */
export function defaultMappingRows() {
  return defaultMappings();
}

/** "<framework>\u0000<item>" → the item's ancestors in its shipped catalog, nearest first. */
export function shippedItemAncestors(): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const doc of SHIPPED_CATALOGS) {
    const parentOf = new Map(doc.items.map((item) => [item.id, item.parent ?? null]));
    for (const item of doc.items) {
      const chain: string[] = [];
      for (let parent = parentOf.get(item.id) ?? null; parent && !chain.includes(parent); parent = parentOf.get(parent) ?? null) chain.push(parent);
      result.set(`${doc.id}\u0000${item.id}`, chain);
    }
  }
  return result;
}
