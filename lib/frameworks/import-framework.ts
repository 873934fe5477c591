import { getFramework } from "@/db/frameworks";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { storeCatalog } from "./load-catalogs";
import { catalogFromOscal } from "./oscal-catalog-import";
import { CatalogDocument, ImportFrameworkInput } from "./schemas";

/** Imports (or re-imports) a framework from an OSCAL catalog or Steward JSON; shipped frameworks cannot be overwritten. */
export async function importFramework({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "frameworks.import");
  const parsed = ImportFrameworkInput.parse(input);
  const doc = parsed.format === "oscal-catalog" ? catalogFromOscal(parsed.document, parsed.frameworkId) : parseStewardCatalog(parsed.document);
  return withTransaction(ctx, async (tx) => {
    const before = await getFramework(tx, doc.id);
    if (before?.source === "builtin") throw new StewardError("conflict", `Framework ${doc.id} ships with Steward and cannot be replaced by an import`, { path: "document.id" });
    await storeCatalog(tx, doc, "imported");
    const after = await getFramework(tx, doc.id);
    await recordAudit(tx, ctx, { action: "framework.import", entityType: "framework", entityId: doc.id, before: before ?? null, after: { ...after, items: doc.items.length } });
    return { framework: after!, items: doc.items.length };
  });
}

function parseStewardCatalog(document: unknown): CatalogDocument {
  const result = CatalogDocument.safeParse(document);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = ["document", ...issue.path].map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("").slice(1);
  throw new StewardError("invalid_input", `${path}: ${issue.message}`, { path });
}
