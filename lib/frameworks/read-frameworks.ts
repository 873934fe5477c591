import { getDb } from "@/db/client";
import { ENVIRONMENTS } from "@/db/enums";
import { getFrameworkOrThrow, listControls, listFrameworkItems, listFrameworks, listManualEvidence, listMappings } from "@/db/frameworks";
import { listTeams } from "@/db/people";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { crosswalk, evaluateAlignment, evidenceTotals } from "./alignment";
import { renderMappingCollection } from "./render-mapping-collection";
import type { ReportScope } from "./schemas";

/** Read side of the frameworks area: every function checks frameworks.read first. */
export async function readFrameworks({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "frameworks.read");
  return listFrameworks(ctx.tx ?? (await getDb()));
}

export async function readFrameworkDetail({ ctx, frameworkId }: { ctx: Ctx; frameworkId: string }) {
  requirePermission(ctx.actor, "frameworks.read");
  const db = ctx.tx ?? (await getDb());
  const framework = await getFrameworkOrThrow(db, frameworkId);
  return { framework, items: await listFrameworkItems(db, [frameworkId]), mappings: await listMappings(db, [frameworkId]) };
}

/** The framework's control mappings as an OSCAL 1.2.2 mapping collection (frameworks.read); `not_found` for an unknown framework. */
export async function readMappingCollection({ ctx, frameworkId }: { ctx: Ctx; frameworkId: string }) {
  requirePermission(ctx.actor, "frameworks.read");
  const db = ctx.tx ?? (await getDb());
  const framework = await getFrameworkOrThrow(db, frameworkId);
  return renderMappingCollection({ framework, items: await listFrameworkItems(db, [frameworkId]), controls: await listControls(db), mappings: await listMappings(db, [frameworkId]) });
}

export async function readControls({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "frameworks.read");
  const db = ctx.tx ?? (await getDb());
  const evidence = await listManualEvidence(db);
  const items = new Map((await listFrameworkItems(db)).map((item) => [`${item.frameworkId}/${item.itemId}`, item]));
  return {
    controls: await listControls(db),
    // Each mapping with its item's title and whose id and title it is (see CatalogProvenance).
    mappings: (await listMappings(db)).map((mapping) => {
      const item = items.get(`${mapping.frameworkId}/${mapping.itemId}`);
      return { ...mapping, itemTitle: item?.title ?? null, idOrigin: item?.idOrigin ?? null, titleOrigin: item?.titleOrigin ?? null };
    }),
    manualEvidence: evidence.map(({ fileContentBase64: _content, ...row }) => row),
  };
}

export async function readMappings({ ctx, frameworkId }: { ctx: Ctx; frameworkId?: string }) {
  requirePermission(ctx.actor, "frameworks.read");
  return listMappings(ctx.tx ?? (await getDb()), frameworkId ? [frameworkId] : undefined);
}

export async function readAlignment({ ctx, frameworkIds, scope, days }: { ctx: Ctx; frameworkIds: string[]; scope: ReportScope; days: number }) {
  requirePermission(ctx.actor, "frameworks.read");
  const end = new Date();
  const start = new Date(end.getTime() - days * 86_400_000);
  const result = await evaluateAlignment(ctx.tx ?? (await getDb()), { frameworkIds, scope, period: { start, end } });
  const { facts, ...rest } = result;
  return { ...rest, period: { start, end }, ...evidenceTotals(facts) };
}

export async function readCrosswalk({ ctx, frameworkId, targetFrameworkIds }: { ctx: Ctx; frameworkId: string; targetFrameworkIds: string[] }) {
  requirePermission(ctx.actor, "frameworks.read");
  const db = ctx.tx ?? (await getDb());
  await getFrameworkOrThrow(db, frameworkId);
  const targets = targetFrameworkIds.length ? targetFrameworkIds : (await listFrameworks(db)).map((row) => row.id).filter((id) => id !== frameworkId);
  return crosswalk(db, frameworkId, targets);
}

/** Teams and environments a page can offer as evidence scopes. */
export async function readScopeOptions({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "frameworks.read");
  const db = ctx.tx ?? (await getDb());
  return { teams: (await listTeams(db)).map(({ id, name }) => ({ id, name })), environments: ENVIRONMENTS };
}
