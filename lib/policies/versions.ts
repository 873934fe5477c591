import { getDb } from "@/db/client";
import { getLatestRevision, getLatestVersion, getVersionByRevisionOrThrow, listVersions, loadInventory } from "@/db/policies";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { getSettings } from "../settings/settings";
import { buildPolicyBundle, type PolicyBundle } from "./bundle";
import type { PolicySetContent } from "./content";
import type { ListPolicyVersionsQuery } from "./schemas";
import { loadDraftContent } from "./draft-content";
import { diffLines } from "./diff";
import { pdpOptionsFromSettings } from "./pdp-settings";
import { draftStatus } from "./publish";
import { inventoryHashOf, waitForPolicyChange } from "./published-engine";
import { renderContent } from "./render";
import { runPolicyTests } from "./run-tests";
import { BUNDLE_MAX_WAIT_SECONDS, DiffQuery } from "./schemas";
import { validateContent } from "./validate";

/** `sort`: the list's order (ListPolicyVersionsQuery), newest revision first when not given. */
export async function listPolicyVersions({ ctx, sort }: { ctx: Ctx; sort?: ListPolicyVersionsQuery["sort"] }) {
  requirePermission(ctx.actor, "policies.read");
  return listVersions(ctx.tx ?? (await getDb()), sort);
}

/** The draft with its validation, test results and review state, as the editor shows it. */
export async function getDraft({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "policies.read");
  const db = ctx.tx ?? (await getDb());
  const content = await loadDraftContent(db);
  return { content, validation: validateContent(content), tests: runPolicyTests(content), status: await draftStatus(db, content) };
}

async function contentAt(which: string): Promise<PolicySetContent> {
  const db = await getDb();
  return which === "draft" ? loadDraftContent(db) : ((await getVersionByRevisionOrThrow(db, Number(which))).content as PolicySetContent);
}

export async function diffPolicyVersions({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.read");
  const { from, to } = DiffQuery.parse(input);
  const [before, after] = await Promise.all([contentAt(from), contentAt(to)]);
  const lines = diffLines(renderContent(before), renderContent(after));
  return { from, to, lines, added: lines.filter((line) => line.kind === "added").length, removed: lines.filter((line) => line.kind === "removed").length };
}

/** The revision string enforcement points report (`policy_revision`); null before the first publish. */
export async function getCurrentPolicyRevision(): Promise<string | null> {
  const latest = await getLatestRevision(await getDb());
  return latest ? String(latest.revision) : null;
}

/** What an enforcement point pulls (lib/policies/bundle.ts): the published set, inventory and PDP options. */
export async function getPolicyBundle({ ctx }: { ctx: Ctx }): Promise<PolicyBundle | null> {
  requirePermission(ctx.actor, "policies.bundle");
  const db = ctx.tx ?? (await getDb());
  const [latest, inventory, settings] = await Promise.all([getLatestVersion(db), loadInventory(db), getSettings(db)]);
  if (!latest) return null;
  const options = pdpOptionsFromSettings(settings);
  return buildPolicyBundle({ ...latest, content: latest.content as PolicySetContent }, inventory, inventoryHashOf(inventory, options), options);
}

/** How often a held long-poll re-reads the database for changes made by other processes. */
const BUNDLE_POLL_MS = 1_000;

/**
 * Long-poll: while the caller already holds the current ETag, waits up to `waitSeconds` (≤ 30) for
 * a new revision, inventory or PDP setting, re-checking every second and at once when this process
 * publishes. Returns the bundle (its ETag tells whether it changed) or null when nothing is published.
 */
export async function waitForPolicyBundle({ ctx, ifNoneMatch, waitSeconds, signal }: { ctx: Ctx; ifNoneMatch: string | null; waitSeconds: number; signal?: AbortSignal }): Promise<PolicyBundle | null> {
  const deadline = Date.now() + Math.min(Math.max(waitSeconds, 0), BUNDLE_MAX_WAIT_SECONDS) * 1000;
  for (;;) {
    const bundle = await getPolicyBundle({ ctx });
    if (!bundle || !etagMatches(ifNoneMatch, bundle.etag) || Date.now() >= deadline || signal?.aborted) return bundle;
    await waitForPolicyChange(Math.min(BUNDLE_POLL_MS, deadline - Date.now()), signal);
  }
}

/** If-None-Match semantics (RFC 9110 §13.1.2, weak comparison): true when the client already holds this ETag. */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || tag.replace(/^W\//, "") === etag;
  });
}
